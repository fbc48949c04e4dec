import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, certsStatus } from '../src/pipeline.js';
import { formatDiagnostic, type Diagnostic } from '../src/diagnostics/diagnostic.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { EXAMPLES, examplePath } from './helpers/fixtures.js';
import { mutate, operatorNames, random, type MeshFiles } from './helpers/mutate.js';

// A user mistake gets diagnostics, never a crash. Each example (its mesh.yaml, CA material and
// credentials) is mutated by seeded, structure-aware operators (test/helpers/mutate.ts):
// deleted, duplicated, replaced, renamed and wrapped nodes, aliases, tags, CR line endings,
// deep nesting, huge values, alias bombs, bytes flipped in certificates, garbage credentials.
// Every mutant must come back from build --check (in memory) as a success or as diagnostics,
// each with a message, the mesh file's with a position inside the file, none twice, each
// printable in bounded space; never as a thrown error.
//
// `npm test` runs a small number; `npm run test:fuzz` runs MESHGEN_FUZZ (10,000) mutants.
// MESHGEN_FUZZ_SEED changes the seed; a failure names the mutant's index to rerun it.

const FUZZ = Number(process.env.MESHGEN_FUZZ ?? 0);
const MUTANTS = FUZZ > 0 ? FUZZ : 500;
const SEED = Number(process.env.MESHGEN_FUZZ_SEED ?? 20_251_201);
const MESH = '/mesh/mesh.yaml';
/** the examples' certificates are valid from when they were made: read them at the real time */
const NOW = new Date();

function exampleFiles(example: string): MeshFiles {
  const dir = dirname(examplePath(example));
  const files: MeshFiles = new Map([['mesh.yaml', readFileSync(examplePath(example), 'utf8')]]);
  for (const part of ['pki', 'credentials']) {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, part), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = join(dir, part, entry);
      if (entry.endsWith('.pem') || entry.endsWith('.crt') || entry.endsWith('.token')) files.set(relative(dir, full), readFileSync(full, 'utf8'));
    }
  }
  return files;
}

function hostWith(files: MeshFiles): MemoryHost {
  const host = new MemoryHost({ files: Object.fromEntries([...files].map(([path, content]) => [`/mesh/${path}`, content])), env: {}, now: NOW });
  for (const path of files.keys()) if (path.endsWith('key.pem')) host.chmod(`/mesh/${path}`, 0o600);
  return host;
}

/** What must hold for every diagnostic of a run; returns the problems found. */
function problemsWith(diagnostics: readonly Diagnostic[], sources: Map<string, string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of diagnostics) {
    const id = `${d.code} ${d.file}:${d.position?.line}:${d.position?.col} ${d.message}`;
    if (seen.has(id)) problems.push(`reported twice: ${id}`);
    seen.add(id);
    if (!d.message.trim()) problems.push(`${d.code} has no message`);
    if (!d.file && !d.code.startsWith('MG4')) problems.push(`${d.code} names no file: ${d.message}`);
    if (d.file === MESH) {
      const text = sources.get(MESH);
      const lines = text === undefined ? 1 : text.split(/\r\n|\r|\n/).length;
      const p = d.position;
      if (!p) problems.push(`${d.code} in the mesh file has no position: ${d.message}`);
      else if (p.line < 1 || p.line > lines || p.col < 1 || p.length < 1) problems.push(`${d.code} position ${p.line}:${p.col}+${p.length} is outside the file (${lines} lines)`);
    }
    let printed: string;
    try {
      printed = formatDiagnostic(d, d.file ? sources.get(d.file) : undefined);
    } catch (e) {
      problems.push(`${d.code} cannot be printed: ${(e as Error).message}`);
      continue;
    }
    if (printed.length > 3000) problems.push(`${d.code} prints ${printed.length} characters`);
  }
  return problems;
}

describe('mutants of the examples', () => {
  it(`${MUTANTS} mutants give success or positioned diagnostics, never an exception`, async () => {
    const examples = new Map(EXAMPLES.map((e) => [e, exampleFiles(e)]));
    const failures: string[] = [];
    const byOperator = new Map(operatorNames().map((n) => [n, 0]));
    const codes = new Map<string, number>();
    let succeeded = 0;
    let rejected = 0;
    let slowest = { ms: 0, index: -1 };
    const timeByOperator = new Map<string, number>();
    const started = Date.now();

    for (let i = 0; i < MUTANTS; i++) {
      const example = EXAMPLES[i % EXAMPLES.length];
      const mutant = mutate(examples.get(example)!, random(SEED + i * 7919));
      for (const op of mutant.operators) byOperator.set(op, (byOperator.get(op) ?? 0) + 1);
      const label = `mutant ${i} of ${example} (${mutant.operators.join(', ')})`;
      const host = hostWith(mutant.files);
      const t = Date.now();
      try {
        const result = await build({ meshFile: MESH, outDir: '/out', check: true }, host);
        const problems = problemsWith(result.diagnostics, result.sources);
        if (mutant.operators.some((op) => op.startsWith('pki-')) || i % 10 === 0) {
          const status = certsStatus(MESH, host);
          problems.push(...problemsWith(status.diagnostics, status.sources).map((p) => `certs status: ${p}`));
        }
        if (problems.length) failures.push(`${label}: ${problems.join('; ')}`);
        if (result.diagnostics.some((d) => d.severity === 'error')) rejected++;
        else succeeded++;
        for (const d of result.diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
      } catch (e) {
        failures.push(`${label} threw: ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')}`);
      }
      const ms = Date.now() - t;
      if (ms > slowest.ms) slowest = { ms, index: i };
      for (const op of mutant.operators) timeByOperator.set(op, (timeByOperator.get(op) ?? 0) + ms);
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        `fuzz: ${MUTANTS} mutants (seed ${SEED}) in ${seconds} s: ${succeeded} succeeded, ${rejected} rejected with diagnostics, ${failures.length} failed`,
        `  slowest: mutant ${slowest.index}, ${slowest.ms} ms`,
        `  operators (mutants, ms): ${[...byOperator].map(([n, c]) => `${n} ${c} ${timeByOperator.get(n) ?? 0}`).join(', ')}`,
        `  codes: ${[...codes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, n]) => `${c} ${n}`).join(', ')}`,
      ].join('\n'),
    );
    expect(failures.slice(0, 10), `${failures.length} of ${MUTANTS} mutants failed`).toEqual([]);
    // the mutations are real: many variants are invalid, and some still build
    expect(rejected).toBeGreaterThan(MUTANTS / 3);
    expect(succeeded).toBeGreaterThan(0);
    // every operator was used
    for (const [name, count] of byOperator) expect(count, name).toBeGreaterThan(0);
  }, FUZZ > 0 ? 3_600_000 : 300_000); // 500 mutants: ~10 s on an idle 2-core machine; the margin is for a loaded one
});
