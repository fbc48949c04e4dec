import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { main } from '../src/cli.js';
import { exampleCopy, readTree } from './helpers/fixtures.js';

// In secrets.mode sops and sealed-secrets every file meshgen writes is meant for git, so none
// may hold private material in plain text: no CA key, no reader token, no age identity, no
// sealed-secrets controller key, in any form meshgen handles them (as text, as the base64 a
// Secret's data holds). Nor may stdout or stderr of a build or of `--check`.

/** Every distinctive secret string of an example: key bodies line by line, tokens, in text and base64. */
function secretMaterial(dir: string): string[] {
  const needles = new Set<string>();
  const add = (text: string) => {
    needles.add(text);
    needles.add(Buffer.from(text).toString('base64'));
  };
  const walk = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  for (const file of walk(dir)) {
    const text = readFileSync(file, 'utf8');
    if (/-key\.pem$/.test(file)) {
      // each line of the key's base64 body: any copy of the key would contain them
      for (const line of text.split('\n')) if (line.length >= 40 && !line.startsWith('-----')) needles.add(line);
      add(text);
    } else if (file.endsWith('.token')) {
      add(text.trim());
      add(text);
    } else if (file.endsWith('.agekey')) {
      for (const m of text.matchAll(/AGE-SECRET-KEY-1[0-9A-Z]+/g)) needles.add(m[0]);
    }
  }
  return [...needles].filter((n) => n.length >= 20);
}

describe.each(['sops-flux', 'sealed-secrets-argocd'])('example %s: no private material in plain text', (example) => {
  it('in any file written, or on stdout or stderr of a build and a --check', async () => {
    const meshFile = exampleCopy(example);
    const dir = dirname(meshFile);
    const outDir = join(dir, 'out');
    const needles = secretMaterial(dir);
    // the search would find the material where it is: tokens, CA keys, and the example's identities
    expect(needles.some((n) => n.startsWith('AGE-SECRET-KEY-')) || example !== 'sops-flux').toBe(true);
    expect(needles.length).toBeGreaterThan(20);

    const printed: string[] = [];
    expect(await main(['build', meshFile, '--out', outDir], (s) => printed.push(s), (s) => printed.push(s))).toBe(0);
    expect(await main(['build', meshFile, '--out', outDir, '--check'], (s) => printed.push(s), (s) => printed.push(s))).toBe(0);
    const tree = readTree(outDir);
    expect(tree.size).toBeGreaterThan(20);
    const found: string[] = [];
    for (const needle of needles) {
      for (const [path, bytes] of tree) if (bytes.includes(needle)) found.push(`${path}: ${needle.slice(0, 12)}...`);
      if (printed.some((line) => line.includes(needle))) found.push(`output: ${needle.slice(0, 12)}...`);
    }
    expect(found).toEqual([]);
    // nothing in out/ is git-ignored: all of it is meant for the repository
    expect(tree.get('.gitignore')!.toString()).not.toMatch(/^\/\*\/secrets\/$/m);
  });
});

describe('the search itself', () => {
  it('finds the material in a plain-mode build, where cacerts and remote secrets hold it (negative control)', async () => {
    const meshFile = exampleCopy('multi-primary');
    const dir = dirname(meshFile);
    const outDir = join(dir, 'out');
    const needles = secretMaterial(dir);
    expect(await main(['build', meshFile, '--out', outDir, '--quiet'], () => {}, () => {})).toBe(0);
    const tree = readTree(outDir);
    const hits = needles.filter((n) => [...tree.values()].some((bytes) => bytes.includes(n)));
    expect(hits.length).toBeGreaterThan(0);
  });
});
