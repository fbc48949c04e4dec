import { spawnSync } from 'node:child_process';
import { nodeHost } from '../../src/host/node-host.js';
import type { Host } from '../../src/host/host.js';
import { Killed } from './memory-workspace.js';

/** A pid no process has: one that just ended. */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/**
 * The real filesystem for a build that is killed when `kill(method, args)` first says so:
 * that call and every later one throw Killed and do nothing, and its locks name a process
 * that no longer exists, as after kill -9.
 */
export function killedDisk(kill: (method: string, args: unknown[]) => boolean): Host {
  const host = nodeHost();
  const pid = deadPid();
  let dead = false;
  return new Proxy(host, {
    get(target, key) {
      if (key === 'pid') return pid;
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (dead || kill(String(key), args)) {
          dead = true;
          throw new Killed('killed');
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export async function ignoreKilled(run: Promise<unknown>): Promise<void> {
  try {
    await run;
  } catch (e) {
    if (!(e instanceof Killed)) throw e;
  }
}
