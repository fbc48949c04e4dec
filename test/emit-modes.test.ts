import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { REPO } from './helpers/fixtures.js';
import { GITOPS_MESH, workspace } from './helpers/workspace.js';

// Private files are 0600 in 0700 directories, public files 0644 (scripts 0755), the stat cache
// 0600, whatever the umask of the process that builds.

function modes(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const stat = statSync(join(dir, path));
      found.set(path, (stat.mode & 0o777).toString(8));
      if (stat.isDirectory()) walk(path);
    }
  };
  walk('');
  return found;
}

describe('modes of what a build writes', () => {
  it.each(['000', '077'])('under umask %s: secrets/ 0700 with files 0600, everything else 0755 (directories) or 0644', (umask) => {
    const ws = workspace(GITOPS_MESH.replace('spec:\n', 'spec:\n  verification: { enabled: true }\n'));
    const run = spawnSync('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, join(REPO, 'dist/cli.js'), 'build', 'mesh.yaml', '--quiet'], { cwd: ws.dir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const unexpected = [...modes(ws.out)].filter(([path, mode]) => {
      const isDir = statSync(join(ws.out, path)).isDirectory();
      // the stat cache (out/.meshgen-cache.json) holds hashes of private files too: 0600
      const want = /(^|\/)secrets$/.test(path) ? '700' : /\/secrets\//.test(path) || path === '.meshgen-cache.json' ? '600' : isDir || path.endsWith('.sh') ? '755' : '644';
      return mode !== want;
    });
    expect(unexpected).toEqual([]);
  });

  it('a secrets/ directory left 0755 by an older build is made 0700', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    chmodSync(join(ws.out, 'east/secrets'), 0o755);
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    expect(statSync(join(ws.out, 'east/secrets')).mode & 0o777).toBe(0o700);
  });
});
