// Measures warm build time against mesh size: one primary and N remotes, each on its own
// network (output grows linearly with N; the CA is created on the first, untimed, build).
// Usage: node scripts/bench-scale.mjs [N ...]     (after npm run build)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const sizes = process.argv.slice(2).map(Number);

function meshOf(remotes) {
  const clusters = [`    - { name: hub, network: net-hub, apiServer: { url: "https://10.0.0.1:6443" }, eastWestGateway: { address: 192.0.2.1 } }`];
  for (let i = 0; i < remotes; i++) {
    clusters.push(`    - { name: r${i}, network: net-${i}, role: remote, controlPlane: hub, apiServer: { url: "https://10.1.${Math.floor(i / 250)}.${i % 250}:6443" } }`);
  }
  return `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: bench }\nspec:\n  istio: { version: "1.30.3" }\n  clusters:\n${clusters.join('\n')}\n`;
}

for (const n of sizes.length ? sizes : [10, 50, 200]) {
  const dir = mkdtempSync(join(tmpdir(), 'meshgen-bench-'));
  writeFileSync(join(dir, 'mesh.yaml'), meshOf(n));
  const run = () => execFileSync(process.execPath, [cli, 'build', 'mesh.yaml', '--quiet'], { cwd: dir, stdio: 'ignore' });
  run(); // creates the CA
  const times = [];
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`${n + 1} clusters: median ${times[3].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[6].toFixed(0)})`);
}
