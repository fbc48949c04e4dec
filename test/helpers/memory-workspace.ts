import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryHost } from '../../src/host/memory-host.js';
import type { Host } from '../../src/host/host.js';
import { REPO } from './fixtures.js';

// A workspace in memory: /ws/mesh.yaml, the suite's fake CA at /ws/pki, out/ at /ws/out.
// The clock is fixed inside the fixture certificates' validity.

export const WS = '/ws';
export const MESH = `${WS}/mesh.yaml`;
export const OUT = `${WS}/out`;
export const PKI = `${WS}/pki`;

/** A mesh of one primary per name; a CA it must create gets ECDSA keys (no RSA-4096 keys in tests). */
export function meshText(clusters: string[], extra = ''): string {
  if (!/^  pki:/m.test(extra)) extra = `  pki: { keyType: ecdsa-p256 }\n${extra}`;
  const lines = clusters.map((name, i) => `    - { name: ${name}, network: net-${i}, apiServer: { url: "https://192.0.2.${i + 1}:6443" } }`);
  return `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  istio: { version: "1.30.3" }\n${extra}  clusters:\n${lines.join('\n')}\n`;
}

export function memoryWorkspace(mesh: string, options: { pki?: boolean } = {}): MemoryHost {
  const host = new MemoryHost({ now: new Date('2030-01-01T00:00:00Z'), files: { [MESH]: mesh } });
  if (options.pki !== false) copyInto(host, join(REPO, 'test/fixtures/pki'), PKI);
  return host;
}

function copyInto(host: MemoryHost, from: string, to: string): void {
  host.mkdir(to, 0o700);
  for (const name of readdirSync(from)) {
    const path = join(from, name);
    if (statSync(path).isDirectory()) copyInto(host, path, join(to, name));
    else host.writeFile(join(to, name), readFileSync(path, 'utf8'), { mode: name.endsWith('-key.pem') ? 0o600 : 0o644 });
  }
}

/** Thrown by a CrashingHost from the moment it dies. */
export class Killed extends Error {}

const MUTATING = new Set(['writeFile', 'mkdir', 'rename', 'chmod', 'unlink', 'rmdir', 'link']);

/**
 * A process that is killed just before its `killAt`-th change to the filesystem (counting
 * from 1): that call and every call after it throw Killed and do nothing, as if the process
 * were gone, so catch blocks cannot tidy up. `changes` counts the calls made (for a run that
 * is not killed: how many there are), `log` lists them ("rename /ws/out/...").
 */
export function crashingHost(process: MemoryHost, killAt = Infinity): Host & { changes: number; killed: boolean; log: string[] } {
  const state = { changes: 0, killed: false, log: [] as string[] };
  const proxy = new Proxy(process, {
    get(target, key, receiver) {
      if (key === 'changes') return state.changes;
      if (key === 'killed') return state.killed;
      if (key === 'log') return state.log;
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.killed) throw new Killed('killed');
        if (MUTATING.has(String(key))) {
          if (++state.changes >= killAt) {
            state.killed = true;
            target.exit();
            throw new Killed('killed');
          }
          state.log.push(`${String(key)} ${String(args[0])}`);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return proxy as unknown as Host & { changes: number; killed: boolean; log: string[] };
}
