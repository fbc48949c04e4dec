import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, certsStatus } from '../src/pipeline.js';
import { certificateBuildCount } from '../src/pki/index.js';
import { runCli, seedPki, tempDir } from './helpers/fixtures.js';

// What the pki stage finds in spec.pki.dir that is not CA material it can use: each is a
// diagnostic naming the file (or spec.pki.dir), found before any key is generated, never
// an internal error; and a build never publishes out/ without the keys its Secrets need.

const MESH = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  clusters:
    - { name: east, network: net-1, apiServer: { url: "https://192.0.2.1:6443" } }
    - { name: west, network: net-2, apiServer: { url: "https://192.0.2.2:6443" } }
`;

function workspace(mesh = MESH): { dir: string; mesh: string; out: string } {
  const dir = tempDir();
  seedPki(dir);
  writeFileSync(join(dir, 'mesh.yaml'), mesh);
  return { dir, mesh: join(dir, 'mesh.yaml'), out: join(dir, 'out') };
}

const at = (d: { code: string; file?: string; position?: { line: number; col: number } }) => `${d.code} ${d.position ? `${d.position.line}:${d.position.col}` : d.file}`;

/** The diagnostics of a result, without the W2201 every build of MESH has (no credentials are given). */
function reported(result: { diagnostics: { code: string; file?: string; position?: { line: number; col: number } }[] }): string[] {
  return result.diagnostics.filter((d) => d.code !== 'W2201').map(at);
}

/** The certificate with its basicConstraints SEQUENCE claiming more bytes than it has: Node still parses the certificate. */
function withMalformedBasicConstraints(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  let i = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x13])) + 5; // OID 2.5.29.19
  if (der[i] === 0x01) i += 3; // critical
  expect(der[i]).toBe(0x04); // extnValue OCTET STRING, then the SEQUENCE inside it
  der[i + 3] = 0x7f;
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

describe('a malformed certificate extension', () => {
  it('is MG3001 naming the certificate in a build, not an internal error', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'pki/east/ca-cert.pem'), withMalformedBasicConstraints(readFileSync(join(ws.dir, 'pki/east/ca-cert.pem'), 'utf8')));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(reported(result)).toEqual([`MG3001 ${join(ws.dir, 'pki/east/ca-cert.pem')}`]);
    expect(result.diagnostics.find((d) => d.code === 'MG3001')?.message).toContain('malformed basicConstraints');
    expect(existsSync(ws.out)).toBe(false);
  });

  it('is MG3001 in meshgen certs status too, with exit 1', () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'pki/root-cert.pem'), withMalformedBasicConstraints(readFileSync(join(ws.dir, 'pki/root-cert.pem'), 'utf8')));
    expect(certsStatus(ws.mesh).diagnostics.map(at)).toContain(`MG3001 ${join(ws.dir, 'pki/root-cert.pem')}`);
    const run = runCli(['certs', 'status', ws.mesh]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error MG3001');
    expect(run.stderr).not.toContain('internal error');
  });
});

describe('spec.pki.dir', () => {
  it('naming a file is MG3015 at spec.pki.dir, found before any key is generated', async () => {
    const ws = workspace(MESH.replace('spec:\n', 'spec:\n  pki: { dir: ca }\n'));
    writeFileSync(join(ws.dir, 'ca'), 'not a directory\n');
    const certificatesBefore = certificateBuildCount();
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(reported(result)).toEqual(['MG3015 5:15']);
    expect(certificateBuildCount(), 'no certificate was built').toBe(certificatesBefore);
    expect(existsSync(ws.out)).toBe(false);
  });

  it('where a cluster\'s directory is a file is MG3015 naming it', async () => {
    const ws = workspace();
    rmSync(join(ws.dir, 'pki/west'), { recursive: true });
    writeFileSync(join(ws.dir, 'pki/west'), '');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(reported(result)).toEqual([`MG3015 ${join(ws.dir, 'pki/west')}`]);
  });

  it('inside the --out directory is MG3016: the keys would be published with out/', async () => {
    const ws = workspace(MESH.replace('spec:\n', 'spec:\n  pki: { dir: out/pki }\n'));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(reported(result)).toEqual(['MG3016 5:15']);
    expect(result.diagnostics.find((d) => d.code === 'MG3016')?.hint).toContain('outside');
    expect(existsSync(ws.out)).toBe(false);
  });

  it('left at its default (pki) while --out is the mesh directory is MG3016 at spec', async () => {
    const ws = workspace();
    const result = await build({ meshFile: ws.mesh, outDir: ws.dir });
    expect(reported(result)).toEqual(['MG3016 4:1']);
  });

  it('beside out/ (the default) builds', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
  });
});

describe('an intermediate certificate without its key', () => {
  function withoutEastKey() {
    const ws = workspace();
    rmSync(join(ws.dir, 'pki/east/ca-key.pem'));
    return ws;
  }

  it('is MG3017 in a build (secrets.mode plain): no out/ that lacks the cacerts Secret its README tells to apply', async () => {
    const ws = withoutEastKey();
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, strict: true });
    expect(result.ok).toBe(false);
    expect(reported(result)).toEqual([`MG3017 ${join(ws.dir, 'pki/east/ca-key.pem')}`]);
    expect(result.diagnostics.find((d) => d.code === 'MG3017')?.hint).toContain('--check');
    expect(existsSync(ws.out)).toBe(false);
  });

  it('is fine for --check, which renders no Secret', async () => {
    const ws = withoutEastKey();
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, check: true });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).not.toContain('MG3017');
  });

  it('is fine with secrets.mode omit, which writes no cacerts Secret', async () => {
    const ws = workspace(MESH.replace('spec:\n', 'spec:\n  secrets: { mode: omit }\n'));
    rmSync(join(ws.dir, 'pki/east/ca-key.pem'));
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
  });
});

describe('key files', () => {
  it('readable by group or others are reused with W3002, which says the chmod to run', async () => {
    const ws = workspace();
    chmodSync(join(ws.dir, 'pki/west/ca-key.pem'), 0o640);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    const warnings = result.diagnostics.filter((d) => d.code === 'W3002');
    expect(warnings.map(at)).toEqual([`W3002 ${join(ws.dir, 'pki/west/ca-key.pem')}`]);
    expect(warnings[0].message).toContain('group');
    expect(warnings[0].hint).toBe(`run: chmod 600 ${join(ws.dir, 'pki/west/ca-key.pem')}`);
  });

  it('mode 0600 get no warning', async () => {
    const ws = workspace();
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.filter((d) => d.code === 'W3002')).toEqual([]);
  });
});

describe('pki files that are not regular files or too large', () => {
  it('a FIFO in place of a certificate is MG3001, not a hang', async () => {
    const ws = workspace();
    rmSync(join(ws.dir, 'pki/east/cert-chain.pem'));
    if (spawnSync('mkfifo', [join(ws.dir, 'pki/east/cert-chain.pem')]).status !== 0) return expect.fail('mkfifo is needed for this test');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(reported(result)).toEqual([`MG3001 ${join(ws.dir, 'pki/east/cert-chain.pem')}`]);
    expect(result.diagnostics.find((d) => d.code === 'MG3001')?.message).toContain('FIFO');
  });

  it('a certificate file over 1 MiB is MG1006', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'pki/east/cert-chain.pem'), 'x'.repeat(1024 * 1024 + 1));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(reported(result)).toEqual([`MG1006 ${join(ws.dir, 'pki/east/cert-chain.pem')}`]);
  });

  // root reads whatever the mode says
  it.skipIf(process.getuid?.() === 0)('a cluster directory that cannot be entered (EACCES) is a diagnostic', async () => {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'pki/east/sub'));
    chmodSync(join(ws.dir, 'pki/east'), 0o000);
    try {
      const result = await build({ meshFile: ws.mesh, outDir: ws.out });
      expect(result.ok).toBe(false);
    } finally {
      chmodSync(join(ws.dir, 'pki/east'), 0o755);
    }
  });
});
