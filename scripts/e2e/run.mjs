#!/usr/bin/env node
// npm run test:e2e: meshgen's output installed on real kube-apiserver + etcd processes (no
// containers, no kubelet) and a real istiod (pilot-discovery) run against them (test/e2e/).
// The binaries are built from source at pinned versions with the machine's Go, like the
// ecosystem tier's tools (scripts/ecosystem/tools.mjs, tools/ecosystem/tools.json's e2eTools),
// and cached outside git.
//
// Without ../shared/upstream, without Go (and the binaries not cached yet), or without kubectl
// or openssl, the tier is skipped with one line saying why; in CI (CI=true) it never skips.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, ensureTool, findGo, toolBinary } from '../ecosystem/tools.mjs';

const started = Date.now();
const ci = process.env.CI === 'true';
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
const TOOLS = ['etcd', 'kube-apiserver', 'pilot-discovery', 'xds-probe', 'helm'];

function stop(reason) {
  if (ci) {
    console.error(`e2e tier FAILED: ${reason} (CI=true never skips this tier)`);
    process.exit(1);
  }
  console.log(`e2e tier skipped: ${reason}`);
  process.exit(0);
}

const charts = join(REPO, '../shared/upstream/istio-1.30.3/charts');
if (!existsSync(charts)) stop(`../shared/upstream (the real Istio charts) is not beside this clone (${charts})`);
for (const [command, args] of [['kubectl', ['version', '--client']], ['openssl', ['version']]]) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) stop(`${command} is not installed (the tier applies with kubectl and makes its test certificates with openssl)`);
}
if (!findGo()) {
  const missing = TOOLS.filter((t) => !existsSync(toolBinary(t, { goVersion: 'no-go' }).binary) && !existsSync(toolBinary(t).binary));
  if (missing.length) stop(`no Go toolchain to build ${missing.join(', ')} from source (install Go 1.26, or set MESHGEN_GO)`);
}

const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const toolsStarted = Date.now();
const binaries = {};
for (const name of TOOLS) {
  try {
    const r = ensureTool(name, { log: (line) => console.log(`e2e tier: ${line}`) });
    binaries[name] = r.binary;
    if (r.cached) console.log(`e2e tier: ${name} ${r.version} cached (${r.binary})`);
  } catch (e) {
    console.error(`e2e tier FAILED: ${e.message}`);
    process.exit(1);
  }
}
console.log(`e2e tier: binaries ready in ${seconds(toolsStarted)}s`);

const testsStarted = Date.now();
const vitest = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/e2e/vitest.config.ts', ...process.argv.slice(2)], {
  cwd: REPO,
  stdio: 'inherit',
  env: { ...process.env, MESHGEN_E2E_TOOLS: JSON.stringify(binaries) },
});
console.log(`e2e tier: tests ${seconds(testsStarted)}s, total ${seconds(started)}s`);
process.exit(vitest.status ?? 1);
