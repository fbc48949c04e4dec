import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { build } from '../src/pipeline.js';
import { EXAMPLES, examplePath, tempDir } from './helpers/fixtures.js';

// A user mistake gets diagnostics, never a crash. Each example is mutated many times (a
// deleted key, a value of the wrong type, a duplicated list item, an emptied value) with a
// fixed seed, and every variant must come back from build() without throwing.

const MUTATIONS_PER_EXAMPLE = 150;

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS: unknown[] = ['', 'x', 'Not_A_Label', -1, 0, 70000, true, null, [], {}, ['a'], { a: 1 }, '1.30.3', '240.240.0.1', 'https://', '10.0.0.0/8'];

function collections(node: unknown, found: Node[] = []): Node[] {
  if (isMap(node) || isSeq(node)) {
    found.push(node);
    for (const item of node.items) collections(isMap(node) ? (item as { value: unknown }).value : item, found);
  }
  return found;
}

function mutate(text: string, next: () => number): string {
  const doc = parseDocument(text);
  const targets = collections(doc.contents);
  const target = targets[Math.floor(next() * targets.length)];
  const items = (target as { items: unknown[] }).items;
  if (items.length === 0) return doc.toString();
  const index = Math.floor(next() * items.length);
  const choice = next();
  if (choice < 0.3) items.splice(index, 1); // delete
  else if (choice < 0.45) items.push(items[index]); // duplicate
  else {
    const replacement = doc.createNode(REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)]);
    if (isMap(target)) (items[index] as { value: unknown }).value = replacement;
    else items[index] = replacement;
  }
  return doc.toString();
}

describe.each(EXAMPLES)('mutations of %s', (example) => {
  it(`${MUTATIONS_PER_EXAMPLE} broken variants give diagnostics, never an exception`, async () => {
    const dir = tempDir();
    const source = dirname(examplePath(example));
    for (const part of ['pki', 'credentials']) if (existsSync(join(source, part))) cpSync(join(source, part), join(dir, part), { recursive: true });
    const original = readFileSync(examplePath(example), 'utf8');
    const next = random(example.length * 7919);
    let rejected = 0;
    for (let i = 0; i < MUTATIONS_PER_EXAMPLE; i++) {
      const text = mutate(original, next);
      const meshFile = join(dir, 'mesh.yaml');
      writeFileSync(meshFile, text);
      let result;
      try {
        result = await build({ meshFile, outDir: join(dir, 'out'), check: true });
      } catch (e) {
        throw new Error(`mutation ${i} crashed: ${(e as Error).stack}\n--- mesh.yaml ---\n${text}`);
      }
      for (const d of result.diagnostics) expect(d.message.length, `mutation ${i}`).toBeGreaterThan(0);
      if (!result.ok) rejected++;
    }
    // the mutations are real: most variants are invalid
    expect(rejected).toBeGreaterThan(MUTATIONS_PER_EXAMPLE / 3);
  }, 120_000);
});
