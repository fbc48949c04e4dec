import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('meshgen certs status during a root rotation', () => {
  function rotationCopy(phase: string): { dir: string; mesh: string } {
    const dir = tempDir();
    const source = dirname(examplePath(`root-rotation-${phase}`));
    for (const part of ['mesh.yaml', 'pki', 'credentials']) cpSync(join(source, part), join(dir, part), { recursive: true });
    return { dir, mesh: join(dir, 'mesh.yaml') };
  }

  it('shows the phase, root B and its intermediates, which root signs each intermediate and what each bundle trusts; exits 0 when all fit', () => {
    const { mesh } = rotationCopy('2-sign-with-new');
    const run = runCli(['certs', 'status', mesh]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^new root \(B\) /m);
    expect(run.stdout).toMatch(/^east \(under B\) /m);
    expect(run.stdout).toContain('root rotation  phase sign-with-new');
    expect(run.stdout).toMatch(/^ {2}east {2}intermediate signed by B \(sha256 [0-9A-F:]{95}\); bundle trusts A \+ B \+ B$/m);
  });

  it('exits 1 with MG3307 when a cluster does not fit the phase (drop-old, west has no intermediate under B)', () => {
    const { dir, mesh } = rotationCopy('3-drop-old');
    rmSync(join(dir, 'pki/rotation.new/west'), { recursive: true });
    const run = runCli(['certs', 'status', mesh]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error MG3307: phase drop-old: cluster "west" has no intermediate signed by the new root/);
    expect(run.stdout).toContain('west  intermediate signed by B (missing); bundle trusts B  INCONSISTENT with the phase');
  });
});
