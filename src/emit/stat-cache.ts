import { createHash } from 'node:crypto';
import type { ExactStat } from '../host/host.js';
import { errorCode } from '../host/host.js';
import { resolve } from 'node:path';
import type { Host } from '../host/host.js';
import { OwnedTree } from '../host/owned-tree.js';
import type { OutputSet } from '../resource/output-files.js';
import { STAT_CACHE_PATH, STAT_CACHE_TEMP_PATH } from '../resource/out-layout.js';

// The stat cache, out/.meshgen-cache.json: for each file meshgen last wrote or verified in
// out/, what lstat said of it then (size, mtime and ctime in nanoseconds, inode) and the
// SHA-256 of its bytes. A later build or `--check` trusts a file whose lstat is exactly the
// recorded one to hold those bytes, and compares the hash with the hash of what it rendered,
// instead of reading the file. Anything else (another stat, no record) is read and compared
// as without the cache. The idea, and the racy-clean rule below, are git's index
// (https://git-scm.com/docs/racy-git).
//
// It is local: 0600, git-ignored by out/.gitignore, never in the manifest, never published.
// It holds hashes, never content (the hash of a private file is of random key or token bytes
// and says nothing about them; the file is 0600 like the secrets themselves). It is only an
// optimisation: when it is missing, unreadable, not JSON, of another format or meshgen
// version, or written for another out/ path, it is ignored and written anew.
//
// Racily clean: a file changed in the same clock tick as its recorded mtime can keep the same
// size and mtime (filesystems stamp times from a coarse clock), and only a later write of the
// cache proves that tick is over. So an entry whose mtime is not older than the cache file's
// own mtime is not trusted; it is read.
//
// A build writes it after publishing, only when a record changed (a file written, or found
// with new stats but the same bytes): a rebuild with nothing changed writes nothing.

const FORMAT = 1;

export interface StatRecord {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  /** SHA-256 of the bytes, base64 */
  hash: string;
}

export function contentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('base64');
}

export class StatCache {
  /** the records of this build, to write: every file compared or written whose hash is known */
  private readonly next = new Map<string, StatRecord>();
  private dirty: boolean;
  /** hashes of rendered contents by content: a remote secret is the same string for every reader */
  private readonly hashes = new Map<string, string>();

  private constructor(
    private readonly outDir: string,
    private readonly version: string,
    private readonly records: Map<string, StatRecord>,
    /** the cache file's own mtime: records not older than it are racily clean */
    private readonly writtenNs: bigint,
    loaded: boolean,
  ) {
    this.dirty = !loaded;
  }

  /** The cache of out/ (`tree`), or an empty one when there is none meshgen can use. Never throws for what is on disk. */
  static load(tree: OwnedTree, version: string): StatCache {
    const empty = () => new StatCache(tree.root, version, new Map(), 0n, false);
    let text: string | undefined;
    let stat: ExactStat | undefined;
    try {
      stat = tree.lstatExact(STAT_CACHE_PATH);
      if (stat?.kind !== 'file') return empty();
      text = tree.read(STAT_CACHE_PATH);
    } catch {
      return empty();
    }
    if (text === undefined) return empty();
    const records = parseCache(text, tree.root, version);
    return records ? new StatCache(tree.root, version, records, stat.mtimeNs, true) : empty();
  }

  /** The hash of rendered content (remembered: the same string is hashed once). */
  hashOf(content: string): string {
    let hash = this.hashes.get(content);
    if (hash === undefined) this.hashes.set(content, (hash = contentHash(content)));
    return hash;
  }

  /**
   * The hash the file at `path` is trusted to hold without being read: its record's, when
   * `stat` is exactly the recorded one and the record is not racily clean.
   */
  trusted(path: string, stat: ExactStat): string | undefined {
    const record = this.records.get(path);
    if (!record || stat.kind !== 'file') return undefined;
    if (record.size !== stat.size || record.mtimeNs !== stat.mtimeNs || record.ctimeNs !== stat.ctimeNs || record.ino !== stat.ino) return undefined;
    if (record.mtimeNs >= this.writtenNs) return undefined; // racily clean: read it
    return record.hash;
  }

  /** Records that the file at `path` had `stat` (taken before it was read or trusted) and holds bytes of `hash`. */
  record(path: string, stat: ExactStat, hash: string): void {
    const entry: StatRecord = { size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs, ino: stat.ino, hash };
    this.next.set(path, entry);
    const old = this.records.get(path);
    if (!old || old.size !== entry.size || old.mtimeNs !== entry.mtimeNs || old.ctimeNs !== entry.ctimeNs || old.ino !== entry.ino || old.hash !== hash) this.dirty = true;
  }

  /**
   * After a build published out/: records each file it wrote (lstat now, hash of what it
   * wrote), then writes the cache when a record changed. Best effort: a failure leaves the
   * old cache or none, which costs the next build reads, never a wrong result.
   */
  save(tree: OwnedTree, written: ReadonlyMap<string, string>): void {
    try {
      for (const [path, hash] of written) {
        const stat = tree.lstatExact(path);
        if (stat?.kind === 'file') this.record(path, stat, hash);
      }
      // a record dropped (a file no longer compared, or removed) makes the cache smaller, not wrong: no write for that alone
      if (!this.dirty) return;
      const text = cacheContent(this.outDir, this.version, this.next);
      try {
        tree.host.unlink(tree.path(STAT_CACHE_TEMP_PATH)); // a killed build's
      } catch (e) {
        if (errorCode(e) !== 'ENOENT') throw e;
      }
      tree.host.writeFile(tree.path(STAT_CACHE_TEMP_PATH), text, { mode: 0o600, exclusive: true });
      tree.host.chmod(tree.path(STAT_CACHE_TEMP_PATH), 0o600);
      tree.host.rename(tree.path(STAT_CACHE_TEMP_PATH), tree.path(STAT_CACHE_PATH));
    } catch {
      try {
        tree.host.unlink(tree.path(STAT_CACHE_TEMP_PATH));
      } catch {
        // absent
      }
    }
  }
}

/** The cache file: one line per file, `[path, size, mtimeNs, ctimeNs, ino, hash]`. */
function cacheContent(outDir: string, version: string, records: ReadonlyMap<string, StatRecord>): string {
  const lines = [...records].map(([path, r]) => JSON.stringify([path, r.size, String(r.mtimeNs), String(r.ctimeNs), String(r.ino), r.hash]));
  return `{"generator":"meshgen","statCache":${FORMAT},"meshgen":${JSON.stringify(version)},"out":${JSON.stringify(outDir)},"files":[\n${lines.join(',\n')}\n]}\n`;
}

function parseCache(text: string, outDir: string, version: string): Map<string, StatRecord> | undefined {
  let value: { generator?: unknown; statCache?: unknown; meshgen?: unknown; out?: unknown; files?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value?.generator !== 'meshgen' || value.statCache !== FORMAT || value.meshgen !== version || value.out !== outDir || !Array.isArray(value.files)) return undefined;
  const records = new Map<string, StatRecord>();
  const digits = /^\d{1,30}$/;
  for (const entry of value.files as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 6) return undefined;
    const [path, size, mtime, ctime, ino, hash] = entry as unknown[];
    if (typeof path !== 'string' || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || typeof hash !== 'string' || hash.length !== 44) return undefined;
    if (typeof mtime !== 'string' || !digits.test(mtime) || typeof ctime !== 'string' || !digits.test(ctime) || typeof ino !== 'string' || !digits.test(ino)) return undefined;
    records.set(path, { size, mtimeNs: BigInt(mtime), ctimeNs: BigInt(ctime), ino: BigInt(ino), hash });
  }
  return records;
}

/** The stat cache of out/, when the host can stat exactly (the in-memory host of the tests can too). */
export function loadStatCache(host: Host, outDir: string, version: string): StatCache | undefined {
  return host.lstatExact ? StatCache.load(new OwnedTree(host, resolve(outDir)), version) : undefined;
}

/** After a build published `diff`: the cache updated with every file it wrote. */
export function saveStatCache(host: Host, outDir: string, cache: StatCache, files: OutputSet, diff: { changes: readonly { path: string; kind: string }[] }): void {
  const written = new Map<string, string>();
  for (const change of diff.changes) {
    if (change.kind !== 'added' && change.kind !== 'changed') continue;
    const content = files.get(change.path)?.content;
    if (content !== undefined) written.set(change.path, cache.hashOf(content));
  }
  cache.save(new OwnedTree(host, resolve(outDir)), written);
}
