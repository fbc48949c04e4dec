import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { Codes, DiagnosticCatalog, catalogEntries, type CatalogEntry } from '../src/diagnostics/catalog.js';
import { badCorpusFiles, BAD_CORPUS_DIR, readExpectations } from './helpers/corpus.js';
import { REPO } from './helpers/fixtures.js';
// @ts-expect-error: a plain ES module without type declarations
import * as generator from '../scripts/update-docs.mjs';

// The generated documentation (README's table of codes, docs/mesh-yaml.md) must be exactly
// what scripts/update-docs.mjs makes of its sources, and the rest of the user-facing text
// must stand on its own: no pointers to documents outside the repository.

const docs = generator as {
  UPDATE_COMMAND: string;
  CODES_START: string;
  CODES_END: string;
  codesTable(entries: readonly CatalogEntry[]): string;
  meshYamlReference(schema: unknown): string;
  expectedDocs(input: { readme: string; schema: unknown; catalogEntries: readonly CatalogEntry[] }): Map<string, string>;
};

const read = (path: string) => readFileSync(join(REPO, path), 'utf8');
const readme = read('README.md');
const schemaText = read('schemas/mesh.schema.json');

describe('diagnostic catalog', () => {
  const entries = Object.entries(DiagnosticCatalog) as [string, CatalogEntry][];

  it('gives every code once', () => {
    const codes = entries.map(([, e]) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('names every code in Codes, and only those', () => {
    expect(Object.entries(Codes)).toEqual(entries.map(([name, e]) => [name, e.code]));
  });

  it.each(entries)('%s: the code says its severity (MGnnnn errors, Wnnnn warnings) and it has a one-line summary', (_, entry) => {
    expect(entry.code).toMatch(entry.severity === 'error' ? /^MG\d{4}$/ : /^W\d{4}$/);
    expect(entry.summary).toMatch(/^\S.*\S$/);
    expect(entry.summary).not.toContain('\n');
  });

  it('agrees with the bad-input corpus about which codes are errors and which are warnings', () => {
    const severityOf = new Map<string, string>(entries.map(([, e]) => [e.code, e.severity]));
    const wrong: string[] = [];
    for (const file of badCorpusFiles()) {
      const { errors, warnings = [] } = readExpectations(join(BAD_CORPUS_DIR, file));
      for (const e of errors) if (severityOf.get(e.code) !== 'error') wrong.push(`${file}: expect ${e.code} (${severityOf.get(e.code) ?? 'not in the catalog'})`);
      for (const w of warnings) if (severityOf.get(w.code) !== 'warning') wrong.push(`${file}: expect-warning ${w.code} (${severityOf.get(w.code) ?? 'not in the catalog'})`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('generated documentation', () => {
  const expected = docs.expectedDocs({ readme, schema: JSON.parse(schemaText), catalogEntries: catalogEntries() });

  it.each([...expected.keys()])('%s is up to date', (path) => {
    const actual = existsSync(join(REPO, path)) ? read(path) : '';
    // a plain boolean first, so the failure names the fix before the (long) diff
    expect(actual === expected.get(path), `${path} is stale: run \`${docs.UPDATE_COMMAND}\` and commit the result`).toBe(true);
    expect(actual).toBe(expected.get(path));
  });

  it('puts every catalog code in README, between the markers', () => {
    const start = readme.indexOf(docs.CODES_START);
    const end = readme.indexOf(docs.CODES_END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const table = readme.slice(start, end);
    for (const { code, severity } of catalogEntries()) expect(table).toContain(`| ${code} | ${severity} |`);
  });

  it('is deterministic: the same sources give the same bytes, whatever the order of the catalog', () => {
    const entries = catalogEntries();
    const shuffled = [...entries].reverse();
    expect(docs.codesTable(shuffled)).toBe(docs.codesTable(entries));
    expect(docs.meshYamlReference(JSON.parse(schemaText))).toBe(docs.meshYamlReference(JSON.parse(schemaText)));
  });

  it('documents every key of the schema in docs/mesh-yaml.md', () => {
    const reference = read('docs/mesh-yaml.md');
    for (const path of schemaKeyPaths(JSON.parse(schemaText))) expect(reference, path).toContain(`| \`${path}\` |`);
  });

  it('notices a changed description (the negative control of the staleness check)', () => {
    const schema = JSON.parse(schemaText);
    schema.$defs.cluster.properties.zone.description = 'a description nobody has generated';
    expect(docs.meshYamlReference(schema)).not.toBe(read('docs/mesh-yaml.md'));
  });
});

describe('README', () => {
  it('gives a new user exactly one install-and-build command and the test command', () => {
    expect(readme.match(/npx meshgen build examples\//g)).toHaveLength(1);
    const tryIt = section(readme, '## Try it');
    expect(tryIt.match(/```sh\n/g), 'two command blocks in "Try it"').toHaveLength(2);
    expect(tryIt).toContain('npm ci && npx meshgen build examples/multi-primary-multi-network/mesh.yaml');
    expect(tryIt).toContain('npm test');
  });

  it('gives a GitHub Actions job that runs the drift check, as valid YAML', () => {
    const recipe = /```yaml\n(# \.github\/workflows\/[\s\S]*?)```/.exec(readme);
    expect(recipe, 'a workflow under .github/workflows/').not.toBeNull();
    const workflow = parse(recipe![1]);
    const steps = Object.values(workflow.jobs as Record<string, { steps: { run?: string }[] }>).flatMap((job) => job.steps);
    expect(steps.map((step) => step.run)).toContain('npx meshgen build --check');
  });

  it('links the reference documents in docs/', () => {
    expect(readme).toContain('](docs/mesh-yaml.md)');
    expect(readme).toContain('](docs/output.md)');
  });
});

describe('user-facing text stands on its own', () => {
  // Documents that exist only outside the repository: a user cannot follow these.
  const outside = (line: string) => /\bSPEC\b|\bDESIGN\b/.test(line) || /\breference (?:section )?\d|\bgotchas? \d/i.test(line);
  const files = [
    'README.md',
    'schemas/mesh.schema.json',
    ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
    'out/README.md',
    ...readdirSync(join(REPO, 'test/golden')).map((d) => `test/golden/${d}/README.md`),
  ];

  it.each(files)('%s cites no document outside the repository', (file) => {
    const hits = read(file)
      .split('\n')
      .map((line, i) => `${i + 1}: ${line}`)
      .filter((line) => outside(line.replace(/^\d+: /, '')));
    expect(hits).toEqual([]);
  });

  it('the hint for an empty mesh file points at docs/mesh-yaml.md', () => {
    expect(read('src/load/mesh-source.ts')).toContain('docs/mesh-yaml.md');
  });

  it.each(['README.md', 'docs/mesh-yaml.md', 'docs/output.md'])('the relative links of %s lead somewhere', (file) => {
    const text = read(file).replace(/`[^`\n]*`/g, ''); // code spans hold patterns, not links
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split('#');
      const linked = path ? join(dirname(file), path) : file;
      if (!existsSync(join(REPO, linked))) broken.push(`${target}: no ${linked}`);
      else if (anchor && linked.endsWith('.md') && !anchorsOf(read(linked)).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${linked}`);
    }
    expect(broken).toEqual([]);
  });
});

/** The text from a heading to the next heading of the same level. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0];
  const next = text.indexOf(`\n${level} `, start + heading.length + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

/** GitHub's anchors of a Markdown file's headings. */
function anchorsOf(markdown: string): Set<string> {
  const anchor = (generator as { githubAnchor(heading: string): string }).githubAnchor;
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
}

/** Every key path of the schema, as docs/mesh-yaml.md writes them: spec.clusters[].name. */
function schemaKeyPaths(schema: { $defs: Record<string, unknown> }): string[] {
  const paths: string[] = [];
  const deref = (node: Record<string, unknown>): Record<string, unknown> => {
    const ref = node.$ref as string | undefined;
    return ref ? { ...deref(schema.$defs[ref.replace('#/$defs/', '')] as Record<string, unknown>), ...node } : node;
  };
  const walk = (node: Record<string, unknown>, prefix: string) => {
    const n = deref(node);
    if (n.items) walk(n.items as Record<string, unknown>, `${prefix}[]`);
    for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      const path = prefix ? `${prefix}.${key}` : key;
      paths.push(path);
      walk(child, path);
    }
  };
  walk(schema as unknown as Record<string, unknown>, '');
  return paths;
}
