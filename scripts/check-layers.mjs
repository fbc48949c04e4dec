#!/usr/bin/env node
// Checks the architecture of src/: no import cycles between files, and no stage importing a
// later stage. The stages, in pipeline order, after the foundation every stage may use:
//
//   foundation   diagnostics/ host/ rules/ resource/ imports/ (generated) usage-error.ts
//   load → validate → model → plan → pki → credentials → render → emit
//   entry points pipeline.ts, index.ts, cli.ts, cli-help.ts, internal-error.ts, init/
//
// Exit 1 with one line per problem; used by `npm test` (test/architecture.test.ts) and CI.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(process.argv[2] ?? new URL('../src', import.meta.url).pathname);
const LAYERS = [
  ['diagnostics', 'host', 'rules', 'resource', 'imports', 'usage-error.ts'],
  ['load'],
  ['validate'],
  ['model'],
  ['plan'],
  ['pki'],
  ['credentials'],
  ['render'],
  ['emit'],
  ['pipeline.ts', 'index.ts', 'cli.ts', 'cli-help.ts', 'internal-error.ts', 'init'],
];

function layerOf(file) {
  const top = relative(SRC, file).split('/')[0];
  const index = LAYERS.findIndex((names) => names.includes(top));
  if (index < 0) throw new Error(`check-layers: ${relative(SRC, file)} is in no layer; add "${top}" to LAYERS`);
  return index;
}

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Relative imports of a file, as absolute .ts paths; `import type` counts too (it is still a dependency of the design). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC).sort();
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.endsWith('.ts'))]));
const problems = [];
const name = (f) => relative(SRC, f);

for (const [file, targets] of graph) {
  for (const target of targets) {
    if (!graph.has(target)) problems.push(`${name(file)}: imports ${name(target)}, which does not exist`);
    else if (layerOf(target) > layerOf(file)) problems.push(`${name(file)}: imports ${name(target)}, a later stage (${LAYERS[layerOf(file)][0]} may not depend on ${LAYERS[layerOf(target)][0]})`);
  }
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) problems.push(`import cycle: ${component.map(name).sort().join(' <-> ')}`);
  }
}
for (const file of files) if (!index.has(file)) connect(file);

for (const p of problems) console.log(p);
if (problems.length) process.exit(1);
console.log(`check-layers: ${files.length} files, no cycles, no stage imports a later one`);
