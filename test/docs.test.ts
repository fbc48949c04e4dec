import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Codes, DiagnosticCatalog, type CatalogEntry } from '../src/diagnostics/catalog.js';
import { badCorpusFiles, BAD_CORPUS_DIR, readExpectations } from './helpers/corpus.js';
import { parse } from 'yaml';
import { REPO } from './helpers/fixtures.js';

describe('documentation', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

  it.each(Object.entries(Codes))('README documents %s (%s)', (_, code) => {
    expect(readme).toContain(`| ${code} |`);
  });

  it('codes are unique', () => {
    const values = Object.values(Codes);
    expect(new Set(values).size).toBe(values.length);
  });

  it('gives a new user exactly one install-and-build command and the test command', () => {
    expect(readme.match(/npx meshgen build examples\//g)).toHaveLength(1);
    expect(readme).toContain('npm ci && npx meshgen build examples/multi-primary-multi-network/mesh.yaml');
    expect(readme).toContain('npm test');
  });

  it('gives a GitHub Actions job that runs the drift check, as valid YAML', () => {
    const recipe = /```yaml\n(# \.github\/workflows\/[\s\S]*?)```/.exec(readme);
    expect(recipe, 'a workflow under .github/workflows/').not.toBeNull();
    const workflow = parse(recipe![1]);
    const steps = Object.values(workflow.jobs as Record<string, { steps: { run?: string }[] }>).flatMap((job) => job.steps);
    expect(steps.map((step) => step.run)).toContain('npx meshgen build --check');
  });
});

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
