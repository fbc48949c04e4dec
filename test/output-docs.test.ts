import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, readTree } from './helpers/fixtures.js';

// docs/output.md documents every file meshgen writes under out/. Its tables whose first
// column is headed "path" hold path patterns (relative to out/): <word> stands for one path
// segment or part of one, [...] for an optional part, {a,b} for alternatives. Every file of
// every golden tree, and every path its .meshgen-manifest.json lists (private files, which
// are not kept in git, included), must match one of them; and every pattern must match some
// golden file, so that the page does not document files meshgen never writes.

const OUTPUT_DOC = 'docs/output.md';

/** The path patterns of docs/output.md: the code spans in the first column of its "path" tables. */
function documentedPatterns(markdown: string): string[] {
  const patterns: string[] = [];
  let inPathTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inPathTable = false;
      continue;
    }
    const first = line.split(/(?<!\\)\|/)[1]?.trim() ?? '';
    if (first === 'path') inPathTable = true;
    else if (inPathTable && !/^-+$/.test(first)) patterns.push(...[...first.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  }
  return patterns;
}

function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '<') {
      const end = pattern.indexOf('>', i);
      if (end < 0) throw new Error(`unclosed <...> in ${pattern}`);
      source += '[^/]+';
      i = end;
    } else if (c === '[') source += '(?:';
    else if (c === ']') source += ')?';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) throw new Error(`unclosed {...} in ${pattern}`);
      source += `(?:${pattern.slice(i + 1, end).split(',').map(escape).join('|')})`;
      i = end;
    } else source += escape(c);
  }
  return new RegExp(`^${source}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every golden tree: test/golden/<case>/, and out/ (the flagship example's). */
function goldenTrees(): string[] {
  return [join(REPO, 'out'), ...readdirSync(join(REPO, 'test/golden')).map((d) => join(REPO, 'test/golden', d))];
}

/** The paths of one golden tree: its files on disk and the files its manifest lists. */
function treePaths(dir: string): string[] {
  const paths = new Set(readTree(dir).keys());
  const manifest = join(dir, '.meshgen-manifest.json');
  if (existsSync(manifest)) for (const path of (JSON.parse(readFileSync(manifest, 'utf8')) as { files: string[] }).files) paths.add(path);
  return [...paths].sort();
}

describe('docs/output.md', () => {
  const patterns = documentedPatterns(readFileSync(join(REPO, OUTPUT_DOC), 'utf8'));
  const regexps = patterns.map((p) => ({ pattern: p, regexp: patternToRegExp(p) }));
  const trees = goldenTrees().map((dir) => ({ dir, paths: treePaths(dir) }));

  it('has path patterns to check', () => {
    expect(patterns.length).toBeGreaterThan(20);
    expect(trees.length).toBeGreaterThan(1);
  });

  it.each(trees.map((t) => [t.dir.slice(REPO.length + 1), t.paths] as const))('documents every file of the golden tree %s', (_, paths) => {
    expect(paths.length).toBeGreaterThan(0);
    const undocumented = paths.filter((path) => !regexps.some(({ regexp }) => regexp.test(path)));
    expect(undocumented, `files with no matching path pattern in ${OUTPUT_DOC}; document them there`).toEqual([]);
  });

  it('documents only files that some golden tree holds', () => {
    const all = trees.flatMap((t) => t.paths);
    const unused = regexps.filter(({ regexp }) => !all.some((path) => regexp.test(path))).map(({ pattern }) => pattern);
    expect(unused).toEqual([]);
  });

  it('does not document everything: an undocumented kind of file fails', () => {
    for (const path of ['east/sops/cacerts.enc.yaml', 'east/manifests/anything.yaml', 'east/helm/istio-egressgateway.values.yaml', 'notes.txt']) {
      expect(regexps.some(({ regexp }) => regexp.test(path)), path).toBe(false);
    }
  });

  it('reads patterns as documented', () => {
    expect(patternToRegExp('<cluster>/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs[-<revision>].yaml').test('hub/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs.yaml')).toBe(true);
    expect(patternToRegExp('<cluster>/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs[-<revision>].yaml').test('hub/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs-1-30.yaml')).toBe(true);
    expect(patternToRegExp('<cluster>/x_{a,b}.yaml').test('east/x_b.yaml')).toBe(true);
    expect(patternToRegExp('<cluster>/x_{a,b}.yaml').test('east/x_c.yaml')).toBe(false);
    expect(patternToRegExp('<cluster>/kustomization.yaml').test('a/b/kustomization.yaml')).toBe(false);
  });
});
