// npm run bench: times meshgen against an anchor measured in the same run, case and anchor
// alternating, and prints the medians and their ratio as a Markdown table.
//
//   npm run build && npm run bench
//   MESHGEN_BENCH_QUICK=1 npm run bench     small sizes, 3 runs each: a smoke test (about a minute)
//   MESHGEN_BENCH_RUNS=7                    runs per case and per anchor (default 5; quick 3)
//   MESHGEN_BENCH_ONLY=warm,legacy          only these cases (ids in the first column)
//   MESHGEN_BENCH_CLI=/path/to/dist/cli.js  measure another build of meshgen (e.g. the previous commit's)
//   MESHGEN_BENCH_DIR=/tmp/x                where the meshes are generated (default: a new temporary directory)
//
// The meshes come from ./generate.mjs: fake but well-formed credentials, and CA material
// made once with openssl so that only the cold-build cases make keys.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meshText, writeCredentials, writeEcPki, writeMakefile } from './generate.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const CLI = process.env.MESHGEN_BENCH_CLI ?? join(repo, 'dist/cli.js');
const QUICK = !!process.env.MESHGEN_BENCH_QUICK && process.env.MESHGEN_BENCH_QUICK !== '0';
const RUNS = Number(process.env.MESHGEN_BENCH_RUNS ?? (QUICK ? 3 : 5));
const ONLY = process.env.MESHGEN_BENCH_ONLY?.split(',').filter(Boolean);
const CORES = availableParallelism();
const SIZE = QUICK
  ? { primaries: 10, services: { clusters: 4, services: 100 }, legacy: { clusters: 10, services: 100 } }
  : { primaries: 200, services: { clusters: 20, services: 1000 }, legacy: { clusters: 100, services: 1000 } };
const root = process.env.MESHGEN_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'meshgen-bench-'));
mkdirSync(root, { recursive: true });

if (!existsSync(CLI)) {
  console.error(`bench: ${CLI} does not exist; run npm run build first`);
  process.exit(2);
}

// --- running things -------------------------------------------------------------------------

function run(cmd, args, cwd, { ok = [0] } = {}) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (!ok.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 2000)}`);
  return r;
}

const meshgen = (dir, ...args) => () => run(process.execPath, [CLI, 'build', 'mesh.yaml', '--quiet', ...args], dir);

function timeMs(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Peak resident memory of one run, in MiB (GNU time's %M), or undefined without /usr/bin/time. */
function peakMiB(dir, ...args) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = run('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, CLI, 'build', 'mesh.yaml', '--quiet', ...args], dir);
  const m = /MAXRSS (\d+)/.exec(String(r.stderr));
  return m ? Number(m[1]) / 1024 : undefined;
}

/**
 * Alternates the case and its anchor RUNS times each; `prepare*` run untimed before each.
 * Returns the medians in ms.
 */
function pair({ measure, anchor, prepareMeasure = () => {}, prepareAnchor = () => {}, runs = RUNS }) {
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    prepareMeasure(i);
    a.push(timeMs(measure));
    prepareAnchor(i);
    b.push(timeMs(anchor));
  }
  return { ms: median(a), anchorMs: median(b) };
}

// --- the meshes ------------------------------------------------------------------------------

function exampleCopy(name, { withPki = true, edit } = {}) {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(repo, 'examples/multi-primary-multi-network'), dir, { recursive: true, filter: (src) => !/\/(out|\.meshgen[^/]*)$/.test(src) && (withPki || !/\/pki$/.test(src)) });
  if (edit) writeFileSync(join(dir, 'mesh.yaml'), edit(readFileSync(join(dir, 'mesh.yaml'), 'utf8')));
  return dir;
}

function scaleMesh(name, options, { pki = true } = {}) {
  const dir = join(root, name);
  if (existsSync(join(dir, 'mesh.yaml')) && readFileSync(join(dir, 'mesh.yaml'), 'utf8') === meshText(options)) return dir; // MESHGEN_BENCH_DIR reused
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeCredentials(dir);
  if (pki) writeEcPki(dir, options.clusters);
  writeFileSync(join(dir, 'mesh.yaml'), meshText(options));
  return dir;
}

const fileCount = (dir) => Number(String(spawnSync('sh', ['-c', 'find out -type f | wc -l'], { cwd: dir }).stdout).trim());

// --- the cases -------------------------------------------------------------------------------

const rows = [];
const cases = [];
const defineCase = (id, fn) => cases.push({ id, fn });
const log = (text) => process.stderr.write(`bench: ${text}\n`);

defineCase('warm', () => {
  const dir = exampleCopy('warm');
  meshgen(dir)();
  const files = fileCount(dir);
  const r = pair({ measure: meshgen(dir), anchor: () => run(process.execPath, ['-e', ''], dir) });
  rows.push({ id: 'warm', what: `warm build, 2 clusters, ${files} files`, ...r, anchor: "bare `node -e ''`", goal: 2.5 });
});

defineCase('cold-rsa', () => {
  const dir = exampleCopy('cold-rsa', { withPki: false });
  const make = join(root, 'cold-rsa-make');
  writeMakefile(make, 2);
  const clean = () => {
    rmSync(join(dir, 'pki'), { recursive: true, force: true });
    rmSync(join(dir, 'out'), { recursive: true, force: true });
  };
  const cleanMake = () => {
    for (const f of ['root-key.pem', 'root-cert.csr', 'root-cert.pem', 'root-cert.srl', 'c0', 'c1']) rmSync(join(make, f), { recursive: true, force: true });
  };
  // key generation time is random (a search for primes): more runs than the other cases
  const r = pair({ measure: meshgen(dir), prepareMeasure: clean, anchor: () => run('make', ['-s', `-j${CORES}`], make), prepareAnchor: cleanMake, runs: QUICK ? RUNS : Math.max(RUNS, 11) });
  rows.push({ id: 'cold-rsa', what: 'cold build, 2 primaries, RSA-4096 (3 keys)', ...r, anchor: `openssl Makefile steps, make -j${CORES}`, goal: 0.5 });
});

defineCase('cold-ecdsa', () => {
  const dir = exampleCopy('cold-ecdsa', { withPki: false, edit: (t) => t.replace(/^spec:\n/m, 'spec:\n  pki: { keyType: ecdsa-p256 }\n') });
  const probe = spawnSync(process.execPath, [CLI, 'build', 'mesh.yaml', '--quiet'], { cwd: dir });
  if (probe.status !== 0) {
    rows.push({ id: 'cold-ecdsa', what: 'cold build, 2 primaries, ecdsa-p256', anchor: 'warm build, same mesh', goal: 1.3, note: 'spec.pki.keyType not supported by this meshgen' });
    return;
  }
  const clean = () => {
    rmSync(join(dir, 'pki'), { recursive: true, force: true });
    rmSync(join(dir, 'out'), { recursive: true, force: true });
  };
  const r = pair({ measure: meshgen(dir), prepareMeasure: clean, anchor: meshgen(dir) });
  rows.push({ id: 'cold-ecdsa', what: 'cold build, 2 primaries, ecdsa-p256 (3 keys)', ...r, anchor: 'warm build, same mesh', goal: 1.3 });
});

function noChange(id, what, dir) {
  const copy = join(dir, 'out-copy');
  const r = pair({ measure: meshgen(dir), anchor: () => run('cp', ['-r', 'out', 'out-copy'], dir), prepareAnchor: () => rmSync(copy, { recursive: true, force: true }) });
  rmSync(copy, { recursive: true, force: true });
  rows.push({ id, what, ...r, anchor: '`cp -r` of the same out/', goal: 0.75, peakMiB: peakMiB(dir) });
}

defineCase('primaries', () => {
  const n = SIZE.primaries;
  const dir = scaleMesh('primaries', { clusters: n });
  log(`primaries: first build of ${n} primaries`);
  meshgen(dir)();
  const files = fileCount(dir);
  noChange('primaries', `no-change rebuild, ${n} primaries (${n * (n - 1)} remote secrets, ${files} files)`, dir);
  const r = pair({ measure: meshgen(dir, '--check'), anchor: meshgen(dir) });
  rows.push({ id: 'check', what: `\`build --check\`, ${n} primaries`, ...r, anchor: 'no-change build, same mesh', goal: 0.5, peakMiB: peakMiB(dir, '--check') });
  // --check as CI runs it: a fresh clone, where out/ holds only what git tracks (no private
  // files, no stat cache, so every public file is read) and there are no keys or tokens
  const clone = publicCheckout(dir, 'primaries-clone');
  const c = pair({ measure: meshgen(clone, '--check'), anchor: meshgen(dir) });
  rows.push({ id: 'check', what: `\`build --check\` in a fresh clone (no private files, keys or tokens), ${n} primaries`, ...c, anchor: 'no-change build, same mesh', goal: 0.5, peakMiB: peakMiB(clone, '--check') });
});

/**
 * A copy of a mesh directory as a CI checkout has it: out/ holds only what git would track
 * (out/.gitignore applied), and the private inputs are absent (CA keys, the reader token).
 */
function publicCheckout(dir, name) {
  const clone = join(root, name);
  rmSync(clone, { recursive: true, force: true });
  cpSync(dir, clone, { recursive: true, filter: (src) => !/\/(prof[^/]*|out-copy)$/.test(src) && !/(key\.pem|\.key|\.token)$/.test(src) });
  run('git', ['init', '-q'], join(clone, 'out'));
  run('git', ['clean', '-fdXq'], join(clone, 'out'));
  rmSync(join(clone, 'out/.git'), { recursive: true, force: true });
  return clone;
}

defineCase('legacy', () => {
  const { clusters, services } = SIZE.legacy;
  const dir = scaleMesh('legacy', { clusters, services, legacy: true, credentials: false });
  log(`legacy: first build of ${clusters} x ${services}`);
  meshgen(dir)();
  noChange('legacy', `no-change rebuild, legacy .global ${clusters} x ${services} (${fileCount(dir)} files)`, dir);
});

defineCase('one-service', () => {
  const { clusters, services } = SIZE.services;
  const dir = scaleMesh('services', { clusters, services });
  const variants = [meshText({ clusters, services }), meshText({ clusters, services, port: 8081 })];
  log(`one-service: first build of ${clusters} x ${services}`);
  meshgen(dir)();
  const files = fileCount(dir);
  const r = pair({
    measure: meshgen(dir),
    prepareMeasure: (i) => writeFileSync(join(dir, 'mesh.yaml'), variants[(i + 1) % 2]),
    anchor: meshgen(dir),
    prepareAnchor: () => rmSync(join(dir, 'out'), { recursive: true, force: true }),
  });
  rows.push({ id: 'one-service', what: `one-service change, ${clusters} x ${services} (${files} files)`, ...r, anchor: 'build into an empty out/', goal: 0.25, peakMiB: peakMiB(dir) });
});

// --- main ------------------------------------------------------------------------------------

log(`${QUICK ? 'quick' : 'full'} sizes, ${RUNS} runs each, ${CORES} cores, meshes in ${root}, meshgen ${CLI}`);
for (const { id, fn } of cases) {
  if (ONLY && !ONLY.includes(id) && !(id === 'primaries' && ONLY.includes('check'))) continue;
  log(`${id}...`);
  fn();
}

const fmt = (ms) => (ms === undefined ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
console.log(`| case | meshgen | anchor | anchor time | ratio | goal | met | peak memory |`);
console.log(`|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  const ratio = r.ms !== undefined ? r.ms / r.anchorMs : undefined;
  const met = ratio === undefined ? r.note ?? '–' : ratio <= r.goal ? 'yes' : 'no';
  console.log(`| ${r.what} | ${fmt(r.ms)} | ${r.anchor} | ${fmt(r.anchorMs)} | ${ratio === undefined ? '–' : `${ratio.toFixed(2)}x`} | <= ${r.goal}x | ${met} | ${r.peakMiB === undefined ? '–' : `${Math.round(r.peakMiB)} MiB`} |`);
}
if (process.env.MESHGEN_BENCH_JSON) writeFileSync(process.env.MESHGEN_BENCH_JSON, JSON.stringify(rows, null, 2) + '\n');
if (!process.env.MESHGEN_BENCH_DIR) rmSync(root, { recursive: true, force: true });
