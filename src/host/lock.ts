import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorCode, type Host } from './host.js';

// A lock file per directory meshgen writes (out/, pki/), beside it: `.out.meshgen-lock` in
// out/'s parent. It holds JSON naming the process that holds it, and appears whole: it is
// written to a private temporary name and hard-linked into place, and link(2) never replaces
// an existing file, so exactly one build gets it. (Where hard links are not supported it is
// created with O_CREAT|O_EXCL instead.)
//
// A lock whose process is gone (on this machine, by pid and start time) is stale, as after a
// kill -9: it is taken over by renaming it to a private name first, so that of several builds
// that find it stale only one removes it; the one that finds it was not the stale lock it
// judged puts it back. A lock held by a process on another machine (a shared filesystem) is
// never taken over: its holder cannot be checked.

export interface LockHolder {
  pid: number;
  hostname: string;
  /** the holder's pid and start time, so a reused pid does not keep a stale lock alive */
  identity?: string;
  token: string;
}

export interface HeldLock {
  path: string;
  token: string;
}

export type LockAttempt =
  | { held: HeldLock }
  /** another build holds it (holder undefined: the file is not a meshgen lock, or is a symlink) */
  | { busy: LockHolder | undefined };

export interface LockOptions {
  /** how long to wait for a live holder before giving up */
  timeoutMs: number;
  pollMs?: number;
}

/** `<parent>/.<name>.meshgen-lock` for the directory `<parent>/<name>`. */
export function lockPathFor(dir: string): string {
  return join(dirname(dir), `.${basename(dir)}.meshgen-lock`);
}

/** Takes the lock, waiting up to timeoutMs for a live holder; a stale lock is taken over. */
export async function acquireLock(host: Host, path: string, options: LockOptions): Promise<LockAttempt> {
  const token = randomBytes(8).toString('hex');
  const me: LockHolder = { pid: host.pid, hostname: host.hostname, identity: host.processIdentity(host.pid), token };
  const pollMs = options.pollMs ?? 100;
  let waits = Math.ceil(options.timeoutMs / pollMs);
  for (let takeovers = 0; ; ) {
    if (tryCreate(host, path, me)) {
      sweepDebris(host, path);
      return { held: { path, token } };
    }
    const holder = readHolder(host, path);
    if (holder === 'absent') continue; // released meanwhile
    if (holder !== 'unreadable' && isStale(host, holder) && takeovers++ < 10) {
      breakStale(host, path, holder);
      continue;
    }
    if (waits-- <= 0) return { busy: holder === 'unreadable' ? undefined : holder };
    await host.sleep(pollMs);
  }
}

/**
 * For a run that writes nothing (build --check): waits while a live build holds the lock,
 * so that it does not read a tree being published. Never creates or removes a file.
 */
export async function waitUntilUnlocked(host: Host, path: string, options: LockOptions): Promise<LockHolder | undefined> {
  const pollMs = options.pollMs ?? 100;
  for (let waits = Math.ceil(options.timeoutMs / pollMs); ; waits--) {
    const holder = readHolder(host, path);
    if (holder === 'absent' || holder === 'unreadable' || isStale(host, holder)) return undefined;
    if (waits <= 0) return holder;
    await host.sleep(pollMs);
  }
}

/** Removes the lock if it is still ours. */
export function releaseLock(host: Host, lock: HeldLock): void {
  const holder = readHolder(host, lock.path);
  if (holder === 'absent' || holder === 'unreadable' || holder.token !== lock.token) return;
  try {
    host.unlink(lock.path);
  } catch {
    // gone already
  }
}

export function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `process ${holder.pid} on ${holder.hostname}` : 'something that is not a meshgen lock';
}

/**
 * Removes what killed builds left beside the lock: their temporary lock files (`.tmp`) and
 * stale locks moved aside (`.stale`), once the process named in each is gone.
 */
function sweepDebris(host: Host, path: string): void {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = host.readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{16}\.(tmp|stale)$/.test(name.slice(prefix.length))) continue;
    const debris = join(dirname(path), name);
    const holder = readHolder(host, debris);
    if (holder === 'absent' || (holder !== 'unreadable' && !isStale(host, holder))) continue;
    if (holder === 'unreadable' && host.lstat(debris)?.kind !== 'file') continue;
    try {
      host.unlink(debris);
    } catch {
      // gone already
    }
  }
}

function tryCreate(host: Host, path: string, me: LockHolder): boolean {
  const content = JSON.stringify({ generator: 'meshgen', ...me }) + '\n';
  const temp = `${path}.${me.token}.tmp`;
  host.writeFile(temp, content, { mode: 0o644, exclusive: true });
  try {
    host.link(temp, path);
    return true;
  } catch (e) {
    const code = errorCode(e);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  } finally {
    try {
      host.unlink(temp);
    } catch {
      // gone already
    }
  }
  // no hard links on this filesystem: an exclusive create (a reader may briefly see it empty)
  try {
    host.writeFile(path, content, { mode: 0o644, exclusive: true });
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw e;
  }
}

function readHolder(host: Host, path: string): LockHolder | 'absent' | 'unreadable' {
  let text: string;
  try {
    text = host.readFileNoFollow(path);
  } catch (e) {
    return errorCode(e) === 'ENOENT' ? 'absent' : 'unreadable';
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder> & { generator?: unknown };
    if (value.generator !== 'meshgen' || typeof value.pid !== 'number' || typeof value.hostname !== 'string' || typeof value.token !== 'string') return 'unreadable';
    return { pid: value.pid, hostname: value.hostname, identity: typeof value.identity === 'string' ? value.identity : undefined, token: value.token };
  } catch {
    return 'unreadable';
  }
}

function isStale(host: Host, holder: LockHolder): boolean {
  if (holder.hostname !== host.hostname) return false;
  const now = host.processIdentity(holder.pid);
  return now === undefined || (holder.identity !== undefined && now !== holder.identity);
}

function breakStale(host: Host, path: string, stale: LockHolder): void {
  const aside = `${path}.${randomBytes(8).toString('hex')}.stale`;
  try {
    host.rename(path, aside);
  } catch {
    return; // another build took it over first
  }
  const taken = readHolder(host, aside);
  if (taken !== 'absent' && taken !== 'unreadable' && taken.token !== stale.token) {
    // a fresh lock another build took after we read the stale one: give it back
    try {
      host.link(aside, path);
    } catch {
      // a third build holds it now; the one we moved loses its lock file (see the notes above)
    }
  }
  try {
    host.unlink(aside);
  } catch {
    // gone already
  }
}
