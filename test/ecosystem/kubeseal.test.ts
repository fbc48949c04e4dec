import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { listFiles, preparedCases, runTool } from './lib.js';

// The real kubeseal (bitnami-labs/sealed-secrets, pinned in tools/ecosystem/kubeseal) unseals
// every SealedSecret meshgen seals in secrets.mode sealed-secrets, offline, with the
// cluster's TEST-ONLY controller key committed beside the example (sealed/<cluster>-controller-key.pem):
// `kubeseal --recovery-unseal` runs the controller's own decryption, strict scope included.
// Negative control: another cluster's key unseals nothing.

const { cases } = preparedCases();
const withSealed = cases.filter((c) => c.kind === 'example' && parse(readFileSync(c.meshFile, 'utf8')).spec.secrets?.mode === 'sealed-secrets');

function unseal(file: string, keyFile: string) {
  return runTool('kubeseal', ['--recovery-unseal', '--recovery-private-key', keyFile, '--format', 'yaml', '-f', file], { env: { KUBECONFIG: '/dev/null' } });
}

it('there is an example in secrets.mode sealed-secrets', () => {
  expect(withSealed.map((c) => c.name)).toContain('sealed-secrets-argocd');
});

describe.each(withSealed.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const exampleDir = dirname(c.meshFile);
  const sealedFiles = listFiles(c.out).filter((p) => /\/manifests\/bitnami\.com_SealedSecret_/.test(p));
  const key = (cluster: string) => join(exampleDir, 'sealed', `${cluster}-controller-key.pem`);

  it('builds, with SealedSecrets to check', () => {
    expect(c.buildStatus, c.buildStderr).toBe(0);
    expect(sealedFiles.length).toBeGreaterThan(0);
  });

  it("kubeseal --recovery-unseal opens every SealedSecret with its cluster's controller key", () => {
    for (const path of sealedFiles) {
      const cluster = path.split('/')[0];
      const r = unseal(join(c.out, path), key(cluster));
      expect(r.status, `${path}: ${r.stderr}`).toBe(0);
      const secret = parse(r.stdout);
      expect(secret.kind, path).toBe('Secret');
      if (path.endsWith('_cacerts.yaml')) {
        for (const file of ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']) {
          expect(Buffer.from(secret.data[file], 'base64').toString('utf8'), `${path} ${file}`).toBe(readFileSync(join(exampleDir, 'pki', cluster, file), 'utf8'));
        }
      } else {
        const read = path.match(/istio-remote-secret-([^/]+)\.yaml$/)![1];
        const kubeconfig = parse(Buffer.from(secret.data[read], 'base64').toString('utf8'));
        expect(kubeconfig.users[0].user.token, path).toBe(readFileSync(join(exampleDir, 'credentials', `${read}.token`), 'utf8').trim());
        expect(secret.metadata.labels, path).toEqual({ 'istio/multiCluster': 'true' });
      }
    }
  });

  it("negative control: another cluster's controller key unseals nothing", () => {
    const path = sealedFiles.find((p) => p.endsWith('_cacerts.yaml'))!;
    const other = ['cluster1', 'cluster2'].find((n) => n !== path.split('/')[0])!;
    expect(unseal(join(c.out, path), key(other)).status).not.toBe(0);
  });
});
