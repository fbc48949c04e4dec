import { describe, expect, it } from 'vitest';
import { acquireLock, describeHolder, lockPathFor, releaseLock } from '../src/host/lock.js';
import { MemoryHost } from '../src/host/memory-host.js';

// The lock file beside out/ and pki/ (src/host/lock.ts), on its own.

const LOCK = lockPathFor('/ws/out');

function lockText(holder: Record<string, unknown>): string {
  return JSON.stringify({ generator: 'meshgen', token: '0123456789abcdef', ...holder }) + '\n';
}

describe('lock files', () => {
  it('is named after the directory, beside it', () => {
    expect(LOCK).toBe('/ws/.out.meshgen-lock');
  });

  it('a lock whose pid is running again as another process (another start time) is stale and taken over', async () => {
    const host = new MemoryHost({ files: { [LOCK]: lockText({ pid: 1000, hostname: 'memory-host', identity: '1000:12345' }) } });
    const other = host.process(); // a running process; its identity is not "1000:12345"
    const attempt = await acquireLock(other, LOCK, { timeoutMs: 0 });
    expect('held' in attempt).toBe(true);
  });

  it('a lock held on another machine is never taken over', async () => {
    const host = new MemoryHost({ files: { [LOCK]: lockText({ pid: 1, hostname: 'elsewhere' }) } });
    const attempt = await acquireLock(host, LOCK, { timeoutMs: 0 });
    expect('busy' in attempt && describeHolder(attempt.busy)).toBe('process 1 on elsewhere');
  });

  it('a file that is not a meshgen lock is never removed', async () => {
    const host = new MemoryHost({ files: { [LOCK]: 'something else\n' } });
    const attempt = await acquireLock(host, LOCK, { timeoutMs: 0 });
    expect('busy' in attempt && describeHolder(attempt.busy)).toBe('something that is not a meshgen lock');
    expect(host.readFile(LOCK)).toBe('something else\n');
  });

  it('releasing removes only a lock that is still ours', async () => {
    const host = new MemoryHost({ files: { '/ws/mesh.yaml': '' } });
    const attempt = await acquireLock(host, LOCK, { timeoutMs: 0 });
    if (!('held' in attempt)) throw new Error('not held');
    host.writeFile(LOCK, lockText({ pid: 7, hostname: 'memory-host' }), { mode: 0o644 }); // taken over meanwhile
    releaseLock(host, attempt.held);
    expect(host.lstat(LOCK)).toBeDefined();
  });

  it('what killed builds left beside the lock (temporary and stale copies) is removed once their processes are gone', async () => {
    const host = new MemoryHost({ files: { '/ws/mesh.yaml': '' } });
    const killed = host.process();
    killed.exit();
    host.writeFile(`${LOCK}.00000000000000aa.tmp`, lockText({ pid: killed.pid, hostname: 'memory-host' }), { mode: 0o644 });
    host.writeFile(`${LOCK}.00000000000000bb.stale`, lockText({ pid: killed.pid, hostname: 'memory-host' }), { mode: 0o644 });
    const running = host.process();
    host.writeFile(`${LOCK}.00000000000000cc.tmp`, lockText({ pid: running.pid, hostname: 'memory-host' }), { mode: 0o644 });
    const attempt = await acquireLock(host, LOCK, { timeoutMs: 0 });
    expect('held' in attempt).toBe(true);
    expect([...host.tree('/ws').keys()].sort()).toEqual(['.out.meshgen-lock', '.out.meshgen-lock.00000000000000cc.tmp', 'mesh.yaml']);
  });
});
