import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { main } from '../src/cli.js';
import { REPO, runCli, tempDir } from './helpers/fixtures.js';

// `meshgen <command> --help`, and the $schema line `meshgen init` writes.

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('meshgen <command> --help', () => {
  it.each([
    ['build', ['--out DIR', '--check', '--strict', '--quiet']],
    ['validate', ['--strict']],
    ['init', ['--topology', '--clusters']],
    ['certs', ['certs status [MESH_FILE]']],
  ])('meshgen %s --help prints that command\'s usage and exits 0', async (command, mentions) => {
    const result = await run([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.out.startsWith(`Usage: meshgen ${command}`)).toBe(true);
    for (const m of mentions) expect(result.out).toContain(m);
    expect(result.err).toBe('');
  });

  it('meshgen certs status --help prints the certs usage, not a certs run', async () => {
    const result = await run(['certs', 'status', '--help']);
    expect(result.code).toBe(0);
    expect(result.out.startsWith('Usage: meshgen certs status')).toBe(true);
  });

  it('each command\'s usage differs from the others', async () => {
    const texts = await Promise.all(['build', 'validate', 'init', 'certs'].map(async (c) => (await run([c, '--help'])).out));
    expect(new Set(texts).size).toBe(4);
  });

  it('--help on an unknown command is a usage error', async () => {
    const result = await run(['deploy', '--help']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown command "deploy"');
  });

  it('meshgen --help still prints the overview, which names the per-command help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('meshgen COMMAND --help');
    expect(result.out).toContain('meshgen build');
  });
});

describe('meshgen init: the $schema line', () => {
  const schemaOf = (meshFile: string) => /^# yaml-language-server: \$schema=(.+)$/m.exec(readFileSync(meshFile, 'utf8'))?.[1];

  it('resolves, from the new mesh file\'s directory, to the schema of the meshgen that ran', () => {
    const dir = join(tempDir(), 'gitops', 'mesh');
    const result = runCli(['init', dir]);
    expect(result.status, result.stderr).toBe(0);
    const schema = schemaOf(join(dir, 'mesh.yaml'))!;
    const target = resolve(dirname(join(dir, 'mesh.yaml')), schema);
    expect(existsSync(target)).toBe(true);
    expect(realpathSync(target)).toBe(realpathSync(join(REPO, 'schemas', 'mesh.schema.json')));
  });

  it('is ../node_modules/meshgen/schemas/mesh.schema.json for a mesh in a subdirectory of a repository that has meshgen as a dev dependency', () => {
    // the layout `npm install -D <git URL or tarball>` makes: <repo>/node_modules/meshgen/{dist,schemas,package.json}
    const repo = tempDir();
    const installed = join(repo, 'node_modules', 'meshgen');
    mkdirSync(installed, { recursive: true });
    for (const part of ['dist', 'schemas', 'package.json']) cpSync(join(REPO, part), join(installed, part), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(installed, 'node_modules')); // its own dependencies
    const result = spawnSync(process.execPath, [join(installed, 'dist', 'cli.js'), 'init', 'mesh'], { encoding: 'utf8', cwd: repo });
    expect(result.status, result.stderr).toBe(0);
    expect(schemaOf(join(repo, 'mesh', 'mesh.yaml'))).toBe('../node_modules/meshgen/schemas/mesh.schema.json');
    expect(existsSync(join(repo, 'mesh', '../node_modules/meshgen/schemas/mesh.schema.json'))).toBe(true);
  });
});
