import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { meshText, renderText } from './helpers/render.js';
import { tempDir } from './helpers/fixtures.js';

// out/verify.sh against a fake kubectl on PATH that answers as the real one does for
// `kubectl --context C -n sample exec deploy/sleep -c sleep -- curl ... /hello`.

const MESH = meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1 }
  - { name: west, network: net-2 }
verification: { enabled: true }`);

/** FAKE_VERSIONS_<context>="v1 v2" lists what that context's curl answers, in turn. */
const FAKE_KUBECTL = `#!/usr/bin/env bash
set -euo pipefail
context=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --context) context="$2"; shift 2 ;;
    --) shift; break ;;
    *) shift ;;
  esac
done
[[ "$*" == *"/hello"* ]] || { echo "unexpected command: $*" >&2; exit 2; }
var="FAKE_VERSIONS_\${context//-/_}"
read -r -a versions <<<"\${!var:-}"
[[ \${#versions[@]} -gt 0 ]] || { echo "error: context \\"$context\\" does not exist" >&2; exit 1; }
counter="$FAKE_STATE/$context"
n=$(( $(cat "$counter" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$counter"
v="\${versions[$(( n % \${#versions[@]} ))]}"
echo "Hello version: $v, instance: helloworld-$v-5d9c7b8f4-abcde"
`;

function setUp(mesh = MESH): { script: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir();
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(bin, 'kubectl'), FAKE_KUBECTL);
  chmodSync(join(bin, 'kubectl'), 0o755);
  const script = join(dir, 'verify.sh');
  writeFileSync(script, renderText(mesh).files.get('verify.sh')!);
  chmodSync(script, 0o755);
  return { script, env: { PATH: `${bin}:${process.env.PATH}`, FAKE_STATE: join(dir, 'state'), CTX_EAST: 'ctx-east', CTX_WEST: 'ctx-west', CTX_NORTH: 'ctx-north', REQUESTS: '6' } };
}

function run(script: string, env: NodeJS.ProcessEnv) {
  return spawnSync('bash', [script], { env, encoding: 'utf8' });
}

describe('verify.sh', () => {
  it('is valid bash', () => {
    const { script } = setUp();
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
  });

  it.skipIf(spawnSync('shellcheck', ['--version']).status !== 0)('passes shellcheck', () => {
    const { script } = setUp();
    const check = spawnSync('shellcheck', [script], { encoding: 'utf8' });
    expect(check.stdout).toBe('');
    expect(check.status).toBe(0);
  });

  it('succeeds when every cluster reaches both versions', () => {
    const { script, env } = setUp();
    const result = run(script, { ...env, FAKE_VERSIONS_ctx_east: 'v1 v2', FAKE_VERSIONS_ctx_west: 'v2 v1' });
    expect(result.stdout).toContain('ok   east (v1): reached v2 v1');
    expect(result.stdout).toContain('ok   west (v2): reached v1 v2');
    expect(result.status).toBe(0);
  });

  it('fails when a cluster reaches only its own version, and says which', () => {
    const { script, env } = setUp();
    const result = run(script, { ...env, FAKE_VERSIONS_ctx_east: 'v1 v2', FAKE_VERSIONS_ctx_west: 'v2' });
    expect(result.stdout).toContain('ok   east');
    expect(result.stdout).toContain('FAIL west: reached only v2, its own version');
    expect(result.status).toBe(1);
  });

  it('fails when a cluster gets no answer at all', () => {
    const { script, env } = setUp();
    const result = run(script, { ...env, FAKE_VERSIONS_ctx_east: 'v1 v2' }); // ctx-west: kubectl errors
    expect(result.stdout).toContain('FAIL west: no answer from helloworld');
    expect(result.status).toBe(1);
  });

  it('stops with a clear message when a context variable is not set', () => {
    const { script, env } = setUp();
    const result = run(script, { ...env, CTX_WEST: undefined, FAKE_VERSIONS_ctx_east: 'v1 v2' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set CTX_WEST to the kubectl context of cluster west');
  });

  describe('with three clusters', () => {
    const THREE = MESH.replace('  - { name: west, network: net-2 }', '  - { name: west, network: net-2 }\n    - { name: north, network: net-3 }');

    it('succeeds when every cluster reaches all three versions', () => {
      const { script, env } = setUp(THREE);
      const result = run(script, { ...env, FAKE_VERSIONS_ctx_east: 'v1 v2 v3', FAKE_VERSIONS_ctx_west: 'v3 v2 v1', FAKE_VERSIONS_ctx_north: 'v2 v3 v1' });
      expect(result.stdout).toContain('ok   north (v3)');
      expect(result.status).toBe(0);
    });

    it('fails when one pair is broken, naming the version and the cluster never reached', () => {
      const { script, env } = setUp(THREE);
      const result = run(script, { ...env, FAKE_VERSIONS_ctx_east: 'v1 v2', FAKE_VERSIONS_ctx_west: 'v3 v2 v1', FAKE_VERSIONS_ctx_north: 'v2 v3 v1' });
      expect(result.stdout).toContain('FAIL east (v1): reached v2 v1, never v3 (north)');
      expect(result.stdout).toContain('ok   west (v2)');
      expect(result.status).toBe(1);
    });
  });

  it('calls helloworld in verification.namespace', () => {
    const text = renderText(MESH.replace('verification: { enabled: true }', 'verification: { enabled: true, namespace: mesh-check }')).files.get('verify.sh')!;
    expect(text).toContain('-n mesh-check exec deploy/sleep -c sleep -- curl -sS --max-time 5 http://helloworld.mesh-check:5000/hello');
  });

  it('in a legacy .global mesh, calls helloworld by its .global name', () => {
    const legacy = meshText(`istio: { version: "1.30.3" }
legacy: { global: { enabled: true } }
clusters:
  - { name: east, network: net-1, eastWestGateway: { address: 203.0.113.1 } }
  - { name: west, network: net-2, eastWestGateway: { address: 203.0.113.2 } }
services:
  - { name: helloworld, namespace: sample, ports: [{ name: http, port: 5000, protocol: HTTP }], clusters: [east, west] }
verification: { enabled: true }`);
    expect(renderText(legacy).files.get('verify.sh')).toContain('http://helloworld.sample.global:5000/hello');
  });
});
