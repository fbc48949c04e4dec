import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { listFiles, preparedCases, runTool } from './lib.js';

// The real sops (getsops/sops, pinned in tools/ecosystem/sops) decrypts every SOPS file meshgen
// encrypts in secrets.mode sops: with a TEST-ONLY age identity of one of the file's recipients
// (committed beside the example in age/<name>.agekey), `sops --decrypt` verifies the MAC and
// yields exactly the plaintext Secret. Negative controls: a file with a changed plain field
// fails the MAC check, and an identity that is not a recipient decrypts nothing.

const { cases } = preparedCases();
const withSops = cases.filter((c) => c.kind === 'example' && parse(readFileSync(c.meshFile, 'utf8')).spec.secrets?.mode === 'sops');

function sopsDecrypt(file: string, identityFile: string) {
  // --disable-version-check: sops otherwise asks GitHub for the latest release
  return runTool('sops', ['--decrypt', '--disable-version-check', file], { env: { SOPS_AGE_KEY_FILE: identityFile, SOPS_AGE_KEY: '', HOME: mkdtempSync(join(tmpdir(), 'sops-home-')) } });
}

it('there is an example in secrets.mode sops', () => {
  expect(withSops.map((c) => c.name)).toContain('sops-flux');
});

describe.each(withSops.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const exampleDir = dirname(c.meshFile);
  const secretFiles = listFiles(c.out).filter((p) => /^[^/]+\/secrets\/[^/]+\.yaml$/.test(p));
  const identity = (cluster: string) => join(exampleDir, 'age', `${cluster}.agekey`);

  it('builds, with SOPS files to check', () => {
    expect(c.buildStatus, c.buildStderr).toBe(0);
    expect(secretFiles.length).toBeGreaterThan(0);
  });

  it("sops --decrypt opens every file with its cluster's identity and with the break-glass identity, verifying the MAC", () => {
    for (const path of secretFiles) {
      const cluster = path.split('/')[0];
      for (const id of [identity(cluster), identity('break-glass')]) {
        const r = sopsDecrypt(join(c.out, path), id);
        expect(r.status, `${path} with ${id}: ${r.stderr}`).toBe(0);
        const secret = parse(r.stdout);
        expect(secret.kind, path).toBe('Secret');
        expect(secret.sops, path).toBeUndefined();
      }
    }
  });

  it("cacerts decrypts to the cluster's CA files from spec.pki.dir", () => {
    for (const path of secretFiles.filter((p) => p.endsWith('/cacerts.yaml'))) {
      const cluster = path.split('/')[0];
      const secret = parse(sopsDecrypt(join(c.out, path), identity(cluster)).stdout);
      for (const file of ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']) {
        expect(Buffer.from(secret.data[file], 'base64').toString('utf8'), `${path} ${file}`).toBe(readFileSync(join(exampleDir, 'pki', cluster, file), 'utf8'));
      }
    }
  });

  it("a remote secret decrypts to the read cluster's kubeconfig with its reader token", () => {
    for (const path of secretFiles.filter((p) => p.includes('/istio-remote-secret-'))) {
      const read = path.match(/istio-remote-secret-([^/]+)\.yaml$/)![1];
      const secret = parse(sopsDecrypt(join(c.out, path), identity(path.split('/')[0])).stdout);
      const kubeconfig = parse(secret.stringData[read]);
      expect(kubeconfig.users[0].user.token, path).toBe(readFileSync(join(exampleDir, 'credentials', `${read}.token`), 'utf8').trim());
      expect(secret.metadata.labels).toEqual({ 'istio/multiCluster': 'true' });
    }
  });

  it('negative controls: a changed plain field fails the MAC check; an identity that is not a recipient decrypts nothing', () => {
    const path = secretFiles.find((p) => p.endsWith('/cacerts.yaml'))!;
    const cluster = path.split('/')[0];
    const tampered = join(mkdtempSync(join(tmpdir(), 'sops-tampered-')), 'cacerts.yaml');
    const text = readFileSync(join(c.out, path), 'utf8');
    writeFileSync(tampered, text.replace('  namespace: istio-system\n', '  namespace: kube-system\n'));
    expect(readFileSync(tampered, 'utf8')).not.toBe(text);
    const macCheck = sopsDecrypt(tampered, identity(cluster));
    expect(macCheck.status).not.toBe(0);
    expect(macCheck.stderr).toMatch(/MAC mismatch/i);
    const other = ['cluster1', 'cluster2'].find((n) => n !== cluster)!;
    expect(sopsDecrypt(join(c.out, path), identity(other)).status).not.toBe(0);
  });
});
