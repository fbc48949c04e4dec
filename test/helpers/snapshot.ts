import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Everything under `dir`, never following a link: relative path → kind, mode, mtime and
 * content (or link target). Two equal snapshots mean nothing under `dir` was written,
 * created or deleted (a rewrite with the same bytes changes the mtime).
 */
export function snapshot(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (path: string) => {
    const stat = lstatSync(path);
    const rel = relative(dir, path) || '.';
    const mode = (stat.mode & 0o777).toString(8);
    if (stat.isSymbolicLink()) found.set(rel, `link -> ${readlinkSync(path)}`);
    else if (stat.isDirectory()) {
      found.set(rel, `dir ${mode}`);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else found.set(rel, `file ${mode} ${stat.mtimeMs} ${readFileSync(path).toString('base64')}`);
  };
  walk(dir);
  return found;
}
