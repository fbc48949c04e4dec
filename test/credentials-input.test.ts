import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build } from '../src/pipeline.js';
import { REPO, runCli, seedPki, tempDir } from './helpers/fixtures.js';

// What the credentials stage accepts from the files and variables mesh.yaml names: only
// certificates go into remote secrets, only something shaped like a bearer token is used as
// one, only regular files are read, and nothing read is ever printed.

const FAKE_CA = join(REPO, 'examples/multi-primary-multi-network/credentials/east-ca.crt');
const FAKE_KEY = readFileSync(join(REPO, 'test/fixtures/pki/east/ca-key.pem'), 'utf8');
const KEY_LINE = FAKE_KEY.split('\n')[1];
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl';

function workspace(reader = 'reader: { tokenFile: creds/b.token }'): { dir: string; mesh: string; out: string } {
  const dir = tempDir();
  seedPki(dir);
  mkdirSync(join(dir, 'creds'));
  copyFileSync(FAKE_CA, join(dir, 'creds', 'ca.crt'));
  for (const name of ['a', 'b']) writeFileSync(join(dir, 'creds', `${name}.token`), `${JWT}\n`);
  const mesh = join(dir, 'mesh.yaml');
  writeFileSync(
    mesh,
    `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  clusters:
    - name: a
      network: net-1
      apiServer: { url: "https://a.example.test:6443", caFile: creds/ca.crt }
      reader: { tokenFile: creds/a.token }
    - name: b
      network: net-1
      apiServer: { url: "https://b.example.test:6443", caFile: creds/ca.crt }
      ${reader}
`,
  );
  return { dir, mesh, out: join(dir, 'out') };
}

const at = (d: { code: string; position?: { line: number; col: number } }) => `${d.code} ${d.position?.line}:${d.position?.col}`;

describe('the API server CA', () => {
  it('from a caFile holding a certificate and then a PRIVATE KEY is MG2203, naming the file and never quoting it', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'creds', 'ca.crt'), readFileSync(FAKE_CA, 'utf8') + FAKE_KEY);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map(at)).toEqual(['MG2203 9:64', 'MG2203 13:64']);
    expect(result.diagnostics[0].message).toContain('PRIVATE KEY block');
    for (const d of result.diagnostics) expect(`${d.message} ${d.hint}`).not.toContain(KEY_LINE);
    expect(existsSync(ws.out)).toBe(false);
  });

  it('from caData holding a private key is MG2203 too', async () => {
    const ws = workspace();
    const caData = Buffer.from(readFileSync(FAKE_CA, 'utf8') + FAKE_KEY).toString('base64');
    writeFileSync(ws.mesh, readFileSync(ws.mesh, 'utf8').replace('caFile: creds/ca.crt }\n      reader: { tokenFile: creds/a.token }', `caData: ${caData} }\n      reader: { tokenFile: creds/a.token }`));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['MG2203']);
    expect(result.diagnostics[0].message).toContain('apiServer.caData of cluster "a"');
  });

  it('from a caFile with text around its certificate puts the certificate alone in the remote secret', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'creds', 'ca.crt'), `subject=CN = not for the secret\n${readFileSync(FAKE_CA, 'utf8')}trailing notes\n`);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    const secret = parse(readFileSync(join(ws.out, 'a/secrets/istio-remote-secret-b.yaml'), 'utf8'));
    const kubeconfig = parse(secret.stringData.b);
    expect(Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(readFileSync(FAKE_CA, 'utf8'));
  });
});

describe('the reader token', () => {
  it('shaped like a JWT is used', async () => {
    const ws = workspace();
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    expect(result.remoteSecrets).toEqual({ rendered: 2, notRendered: 0 });
  });

  it('from a tokenFile holding a PEM private key is MG2204 at reader.tokenFile, and is never printed', () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'creds', 'b.token'), FAKE_KEY);
    const run = runCli(['build', ws.mesh, '--out', ws.out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${ws.mesh}:14:28: error MG2204:`);
    expect(run.stderr).toContain('PEM block');
    expect(run.stderr).toContain('three base64url parts separated by dots');
    expect(run.stdout + run.stderr).not.toContain(KEY_LINE);
    expect(existsSync(ws.out)).toBe(false);
  });

  it('from a tokenFile of binary bytes is MG2204', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'creds', 'b.token'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe]));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map(at)).toEqual(['MG2204 14:28']);
    expect(result.diagnostics[0].message).toContain('binary');
  });

  it('from a tokenEnv with white space inside is MG2204 at reader.tokenEnv', async () => {
    const ws = workspace('reader: { tokenEnv: B_TOKEN }');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, env: { B_TOKEN: 'Bearer abc.def.ghi' } });
    expect(result.diagnostics.map(at)).toEqual(['MG2204 14:27']);
    expect(JSON.stringify(result.diagnostics)).not.toContain('abc.def.ghi');
  });
});

describe('credential files that are not regular files', () => {
  it('a tokenFile that is a FIFO is MG2202 at once, not a hang', async () => {
    const ws = workspace();
    const fifo = join(ws.dir, 'creds', 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return expect.fail('mkfifo is needed for this test');
    writeFileSync(ws.mesh, readFileSync(ws.mesh, 'utf8').replace('tokenFile: creds/b.token', 'tokenFile: creds/fifo'));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map(at)).toEqual(['MG2202 14:28']);
    expect(result.diagnostics[0].message).toContain('FIFO');
  });

  it('a tokenFile of /dev/zero is MG2202, not an endless read', async () => {
    const ws = workspace('reader: { tokenFile: /dev/zero }');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map(at)).toEqual(['MG2202 14:28']);
  });

  it('a caFile over 1 MiB is MG1006', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'creds', 'ca.crt'), 'x'.repeat(1024 * 1024 + 1));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map(at)).toEqual(['MG1006 9:64', 'MG1006 13:64']);
  });
});

describe('W2201, a remote secret not rendered', () => {
  it('says an unset tokenEnv "is not set"', async () => {
    const ws = workspace('reader: { tokenEnv: B_TOKEN }');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, env: {} });
    expect(result.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('environment variable B_TOKEN is not set')]);
  });

  it('says a tokenEnv set to the empty string "is empty", not "is not set"', async () => {
    const ws = workspace('reader: { tokenEnv: B_TOKEN }');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, env: { B_TOKEN: '' } });
    expect(result.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('environment variable B_TOKEN is empty')]);
  });

  it('says a missing tokenFile "does not exist" and an empty one "is empty"', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'creds', 'b.token'), '\n');
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).diagnostics[0].message).toContain('creds/b.token is empty');
    writeFileSync(ws.mesh, readFileSync(ws.mesh, 'utf8').replace('creds/b.token', 'creds/none.token'));
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).diagnostics[0].message).toContain('creds/none.token does not exist');
  });

  it('says what happens to the copy an earlier build wrote: it is left as it is', async () => {
    const ws = workspace('reader: { tokenEnv: B_TOKEN }');
    await build({ meshFile: ws.mesh, outDir: ws.out, env: { B_TOKEN: JWT } });
    const earlier = readFileSync(join(ws.out, 'a/secrets/istio-remote-secret-b.yaml'), 'utf8');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, env: {} });
    expect(result.diagnostics[0].message).toContain('a copy an earlier build wrote is left as it is');
    expect(readFileSync(join(ws.out, 'a/secrets/istio-remote-secret-b.yaml'), 'utf8')).toBe(earlier);
  });

  it('is printed once per cluster by meshgen build', () => {
    const ws = workspace('reader: { tokenEnv: B_TOKEN }');
    const run = runCli(['build', ws.mesh, '--out', ws.out], { env: { ...process.env, B_TOKEN: '' } });
    expect(run.status).toBe(0);
    expect(run.stderr.split('warning W2201').length - 1).toBe(1);
  });
});
