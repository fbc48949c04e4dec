#!/usr/bin/env node
// npm run test:ecosystem: the real tools, pinned and built from source (scripts/ecosystem/tools.mjs),
// on every example and every `meshgen init` topology (test/ecosystem/).
//
// Without ../shared/upstream or without Go (and the tools not cached yet) the tier is skipped
// with one line saying why; in CI (CI=true) it never skips: a missing prerequisite fails.
// Chromium (Debian's `chromium`, or $MESHGEN_CHROMIUM) renders the Mermaid diagram; without it
// that check alone is skipped, saying why, except in CI, where it fails.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, ensureKubernetesOpenAPI, ensureTool, findGo, toolBinary, toolsConfig } from './tools.mjs';

const started = Date.now();
const ci = process.env.CI === 'true';
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

function stop(reason) {
  if (ci) {
    console.error(`ecosystem tier FAILED: ${reason} (CI=true never skips this tier)`);
    process.exit(1);
  }
  console.log(`ecosystem tier skipped: ${reason}`);
  process.exit(0);
}

// README.md's "Verified with" table is generated from the tier's configuration: checked first,
// since it needs neither Go nor ../shared
const readme = spawnSync(process.execPath, [join(REPO, 'scripts/ecosystem/readme-table.mjs'), '--check'], { stdio: 'inherit' });
if (readme.status !== 0) process.exit(1);

const upstream = join(REPO, '../shared/upstream/istio-1.30.3/charts');
if (!existsSync(upstream)) stop(`../shared/upstream (the real Istio charts and CRDs) is not beside this clone (${upstream})`);
const tools = toolsConfig().tools;
const go = findGo();
if (!go) {
  const missing = tools.filter((t) => !existsSync(toolBinary(t.name, { goVersion: 'no-go' }).binary) && !existsSync(toolBinary(t.name).binary));
  if (missing.length) stop(`no Go toolchain to build ${missing.map((t) => t.name).join(', ')} from source (install Go 1.26, or set MESHGEN_GO)`);
}

// dist/ (the CLI the tier runs)
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// the tools, one at a time
const toolsStarted = Date.now();
const binaries = {};
for (const t of tools) {
  try {
    const r = ensureTool(t.name, { log: (line) => console.log(`ecosystem tier: ${line}`) });
    binaries[t.name] = r.binary;
    if (r.cached) console.log(`ecosystem tier: ${t.name} ${r.version} cached (${r.binary})`);
  } catch (e) {
    console.error(`ecosystem tier FAILED: ${e.message}`);
    process.exit(1);
  }
}
let openapi;
try {
  openapi = ensureKubernetesOpenAPI({ log: (line) => console.log(`ecosystem tier: ${line}`) });
} catch (e) {
  console.error(`ecosystem tier FAILED: ${e.message}`);
  process.exit(1);
}
console.log(`ecosystem tier: tools ready in ${seconds(toolsStarted)}s`);

function findChromium() {
  for (const candidate of [process.env.MESHGEN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean)) {
    if (!existsSync(candidate)) continue;
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { path: candidate, version: r.stdout.trim() };
  }
  return undefined;
}
const chromium = findChromium();
// the cases and every tool's output: kept when the tier fails (or MESHGEN_ECO_WORK names it), removed when it passes
const ownWork = !process.env.MESHGEN_ECO_WORK;
const env = { ...process.env, MESHGEN_ECO_TOOLS: JSON.stringify(binaries), MESHGEN_ECO_K8S_OPENAPI: openapi.dir, MESHGEN_ECO_WORK: process.env.MESHGEN_ECO_WORK ?? mkdtempSync(join(tmpdir(), 'meshgen-ecosystem-')) };
if (chromium) {
  env.MESHGEN_CHROMIUM = chromium.path;
  console.log(`ecosystem tier: ${chromium.version} renders the Mermaid diagrams`);
} else if (ci) {
  console.error('ecosystem tier FAILED: no Chromium to render the Mermaid diagrams (apt-get install -y chromium; CI=true never skips)');
  process.exit(1);
} else {
  env.MESHGEN_CHROMIUM_MISSING = 'no Chromium found (apt-get install -y chromium, or set MESHGEN_CHROMIUM)';
}

const vitest = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/ecosystem/vitest.config.ts', ...process.argv.slice(2)], { cwd: REPO, env, stdio: 'inherit' });
if (vitest.status === 0 && ownWork) rmSync(env.MESHGEN_ECO_WORK, { recursive: true, force: true });
console.log(`ecosystem tier: ${vitest.status === 0 ? 'passed' : 'FAILED'} in ${seconds(started)}s${vitest.status === 0 && ownWork ? '' : ` (work: ${env.MESHGEN_ECO_WORK})`}`);
process.exit(vitest.status ?? 1);
