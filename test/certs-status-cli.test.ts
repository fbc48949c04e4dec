import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { examplePath, runCli, tempDir } from './helpers/fixtures.js';

// `meshgen certs status [MESH_FILE]` through the real bin.

function exampleCopy(): { dir: string; mesh: string } {
  const dir = tempDir();
  const source = dirname(examplePath('multi-primary-multi-network'));
  for (const part of ['mesh.yaml', 'pki', 'credentials']) cpSync(join(source, part), join(dir, part), { recursive: true });
  return { dir, mesh: join(dir, 'mesh.yaml') };
}

describe('meshgen certs status', () => {
  it('prints every CA certificate with the fields a reviewer checks, and exits 0 when all verify', () => {
    const { mesh } = exampleCopy();
    const run = runCli(['certs', 'status', mesh]);
    expect(run.status, run.stderr).toBe(0);
    for (const entry of ['root', 'east', 'west']) expect(run.stdout).toMatch(new RegExp(`^${entry} `, 'm'));
    for (const field of ['subject', 'issuer', 'serial', 'not after', 'sha256', 'verifies']) expect(run.stdout.split(field).length - 1, field).toBe(3);
    expect(run.stdout).toContain('L=east');
    expect(run.stdout).not.toContain('PRIVATE KEY');
  });

  it('exits 1 and says why when an intermediate does not verify', () => {
    const { dir, mesh } = exampleCopy();
    // west's intermediate replaced by east's: its key no longer matches
    writeFileSync(join(dir, 'pki/west/ca-cert.pem'), readFileSync(join(dir, 'pki/east/ca-cert.pem')));
    const run = runCli(['certs', 'status', mesh]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error MG30\d\d/);
    expect(run.stderr).toContain(join('pki', 'west'));
  });

  it('anything but "certs status" is a usage error (exit 2)', () => {
    expect(runCli(['certs']).status).toBe(2);
    expect(runCli(['certs', 'rotate']).status).toBe(2);
  });
});
