import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import forge from 'node-forge';
import { parse } from 'yaml';
import { build, certsStatus, validate } from '../src/pipeline.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { REPO, examplePath, readTree, runCli, seedPki, tempDir } from './helpers/fixtures.js';
import { byReferenceObjectProblems, secretsCrdsAvailable } from './helpers/secrets-crds.js';
import { meshText, renderText } from './helpers/render.js';
import { evaluateEsoTemplate } from './helpers/eso-template.js';

// Private material by reference: secrets.mode external-secrets (ESO PushSecret/ExternalSecret)
// and pki.provider cert-manager (a Certificate that writes cacerts). Nothing private is read or
// written; the objects validate against the real CRDs; the templates, filled in the way ESO's
// v2 engine fills them, give exactly the remote secret plain mode writes.

/** TEST-ONLY: a token shaped like a service-account JWT; it authenticates nowhere. */
const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3Qtb25seSJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50IiwidGVzdCI6Im9ubHkifQ.VEVTVC1PTkxZLXNpZ25hdHVyZS1ub3QtdmFsaWQ';
/** A fake CA certificate shipped with the examples (its key was never kept). */
const FAKE_CA_FILE = join(REPO, 'examples/multi-primary-multi-network/credentials/east-ca.crt');
const FAKE_CA = readFileSync(FAKE_CA_FILE, 'utf8');

const crdsAvailable = secretsCrdsAvailable;

function esoMesh(extra = ''): string {
  return [
    'apiVersion: meshgen.dev/v1alpha1',
    'kind: Mesh',
    'metadata: { name: demo }',
    'spec:',
    '  istio: { version: "1.30.3" }',
    '  secrets: { mode: external-secrets, externalSecrets: { storeRef: { name: mesh-store } } }',
    extra,
    '  clusters:',
    '    - { name: a, network: net-1, apiServer: { url: "https://a.example.test:6443" } }',
    '    - { name: b, network: net-1, apiServer: { url: "https://b.example.test:6443" } }',
  ].join('\n');
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('ESO templates, filled as ESO v2 fills them', () => {
  /** The Secret ESO writes for an ExternalSecret, from the data its spec.data fetched. */
  function externalSecretResult(externalSecret: any, fetched: Record<string, string>) {
    const template = externalSecret.spec.target.template;
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: externalSecret.spec.target.name,
        namespace: externalSecret.metadata.namespace,
        labels: template.metadata.labels,
        annotations: template.metadata.annotations,
      },
      data: Object.fromEntries(Object.entries(template.data as Record<string, string>).map(([key, text]) => [key, base64(evaluateEsoTemplate(text, fetched))])),
    };
  }

  /** The PushSecret's template over the token Secret's data, then the value it pushes. */
  function pushedValue(pushSecret: any, tokenSecretData: Record<string, string>): { key: string; property: string; value: string } {
    const [match] = pushSecret.spec.data;
    const rendered = Object.fromEntries(Object.entries(pushSecret.spec.template.data as Record<string, string>).map(([k, t]) => [k, evaluateEsoTemplate(t, tokenSecretData)]));
    return { key: match.match.remoteRef.remoteKey, property: match.match.remoteRef.property, value: rendered[match.match.secretKey] };
  }

  /** What plain mode writes as b's remote secret for a, from TOKEN and FAKE_CA, as the API server stores it (stringData → data). */
  async function plainRemoteSecret(): Promise<any> {
    const dir = tempDir();
    seedPki(dir);
    mkdirSync(join(dir, 'creds'));
    copyFileSync(FAKE_CA_FILE, join(dir, 'creds', 'ca.crt'));
    writeFileSync(join(dir, 'creds', 'a.token'), TOKEN + '\n');
    writeFileSync(join(dir, 'creds', 'b.token'), TOKEN + '\n');
    const cluster = (n: string) => `    - { name: ${n}, network: net-1, apiServer: { url: "https://${n}.example.test:6443", caFile: creds/ca.crt }, reader: { tokenFile: creds/${n}.token } }`;
    writeFileSync(join(dir, 'mesh.yaml'), `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  istio: { version: "1.30.3" }\n  clusters:\n${cluster('a')}\n${cluster('b')}\n`);
    const result = await build({ meshFile: join(dir, 'mesh.yaml'), outDir: join(dir, 'out') });
    expect(result.ok, result.diagnostics.map((d) => d.message).join('\n')).toBe(true);
    const secret = parse(readFileSync(join(dir, 'out/b/secrets/istio-remote-secret-a.yaml'), 'utf8'));
    const { stringData, ...rest } = secret;
    return { ...rest, data: Object.fromEntries(Object.entries(stringData as Record<string, string>).map(([k, v]) => [k, base64(v)])) };
  }

  const { yaml } = renderText(esoMesh());
  const push = yaml('a/manifests/external-secrets.io_PushSecret_istio-system_istio-reader-kubeconfig.yaml');
  const pull = yaml('b/manifests/external-secrets.io_ExternalSecret_istio-system_istio-remote-secret-a.yaml');
  // what Kubernetes' token controller puts in a's reader token Secret
  const tokenSecretData = { token: TOKEN, 'ca.crt': FAKE_CA, namespace: 'istio-system' };

  it('the ExternalSecret reads the key and property the PushSecret writes', () => {
    const pushed = pushedValue(push, tokenSecretData);
    expect(pushed.key).toBe('meshgen/demo/a/reader');
    expect(pull.spec.data).toEqual([{ secretKey: 'kubeconfig', remoteRef: { key: pushed.key, property: pushed.property } }]);
  });

  it('give the remote secret plain mode writes from the same token and CA, byte for byte', async () => {
    const pushed = pushedValue(push, tokenSecretData);
    const viaEso = externalSecretResult(pull, { kubeconfig: pushed.value });
    expect(viaEso).toEqual(await plainRemoteSecret());
  });

  it('give the shape istioctl create-remote-secret gives: labels, annotation, one key named after the cluster, a kubeconfig with the token', () => {
    const viaEso = externalSecretResult(pull, { kubeconfig: pushedValue(push, tokenSecretData).value });
    expect(viaEso.metadata).toEqual({ name: 'istio-remote-secret-a', namespace: 'istio-system', labels: { 'istio/multiCluster': 'true' }, annotations: { 'networking.istio.io/cluster': 'a' } });
    expect(Object.keys(viaEso.data)).toEqual(['a']);
    const kubeconfig = parse(Buffer.from(viaEso.data.a, 'base64').toString('utf8'));
    expect(kubeconfig['current-context']).toBe('a');
    expect(kubeconfig.clusters).toEqual([{ name: 'a', cluster: { server: 'https://a.example.test:6443', 'certificate-authority-data': base64(FAKE_CA) } }]);
    expect(kubeconfig.users).toEqual([{ name: 'a', user: { token: TOKEN } }]);
  });

  it('negative control: a template that spaces one value differently no longer matches plain mode', async () => {
    const changed = { ...push, spec: { ...push.spec, template: { ...push.spec.template, data: { kubeconfig: push.spec.template.data.kubeconfig.replace('token: {{', 'token:  {{') } } } };
    const viaEso = externalSecretResult(pull, { kubeconfig: pushedValue(changed, tokenSecretData).value });
    expect(viaEso).not.toEqual(await plainRemoteSecret());
  });
});

describe('the template evaluator (Go text/template as ESO configures it)', () => {
  it('fills fields, index and b64enc (sprig: standard base64)', () => {
    expect(evaluateEsoTemplate('x={{ .a }} y={{ index . "b.c" | b64enc }}', { a: '1', 'b.c': 'hello' })).toBe('x=1 y=aGVsbG8=');
  });
  it('fails on a missing key (ESO sets missingkey=error)', () => {
    expect(() => evaluateEsoTemplate('{{ .nope }}', { a: '1' })).toThrow(/nope/);
  });
  it('fails on a construct it does not know, instead of passing it through', () => {
    expect(() => evaluateEsoTemplate('{{ .a | upper }}', { a: '1' })).toThrow(/upper/);
  });
});

describe('objects by reference against the real External Secrets and cert-manager CRDs', () => {
  const problems = byReferenceObjectProblems;
  const byReference = (example: string) =>
    [...renderText(readFileSync(examplePath(example), 'utf8')).files]
      .filter(([path]) => /\/manifests\/(external-secrets|cert-manager)\.io_/.test(path))
      .map(([path, text]) => ({ path, value: parse(text) }));

  it.skipIf(!crdsAvailable).each(['external-secrets-cert-manager', 'external-secrets'])(`every ExternalSecret, PushSecret and Certificate of example %s validates${crdsAvailable ? '' : ' (skipped: ../shared/upstream is absent)'}`, (example) => {
    const objects = byReference(example);
    expect(objects.length).toBeGreaterThan(0);
    for (const { path, value } of objects) expect(problems(value), path).toEqual([]);
  });

  it.skipIf(!crdsAvailable).each([
    ['an ExternalSecret with a misspelled field', 'external-secrets', /ExternalSecret_istio-system_cacerts/, (o: any) => ({ ...o, spec: { ...o.spec, secretStoreRefs: o.spec.secretStoreRef } }), /additional properties.*secretStoreRefs/],
    ['a PushSecret whose updatePolicy is not in the enum', 'external-secrets', /PushSecret/, (o: any) => ({ ...o, spec: { ...o.spec, updatePolicy: 'Overwrite' } }), /allowed values/],
    ['a Certificate spelled isCa (as the cdk8s property) instead of isCA', 'external-secrets-cert-manager', /Certificate/, (o: any) => ({ ...o, spec: { ...o.spec, isCa: true } }), /additional properties.*isCa/],
  ])('negative control: %s fails', (_, example, which, mutate, message) => {
    const object = byReference(example).find((o) => which.test(o.path))!.value;
    expect(problems(object)).toEqual([]);
    expect(problems(mutate(object))!.join('\n')).toMatch(message);
  });

  it('example external-secrets-cert-manager: a PushSecret where a cluster is read, an ExternalSecret per remote secret, a Certificate per primary', () => {
    expect(byReference('external-secrets-cert-manager').map((o) => o.path).sort()).toEqual([
      'east/manifests/cert-manager.io_Certificate_istio-system_cacerts.yaml',
      'east/manifests/external-secrets.io_ExternalSecret_istio-system_istio-remote-secret-edge.yaml',
      'east/manifests/external-secrets.io_ExternalSecret_istio-system_istio-remote-secret-west.yaml',
      'east/manifests/external-secrets.io_PushSecret_istio-system_istio-reader-kubeconfig.yaml',
      'edge/manifests/external-secrets.io_PushSecret_istio-system_istio-reader-kubeconfig.yaml',
      'west/manifests/cert-manager.io_Certificate_istio-system_cacerts.yaml',
      'west/manifests/external-secrets.io_ExternalSecret_istio-system_istio-remote-secret-east.yaml',
      'west/manifests/external-secrets.io_ExternalSecret_istio-system_istio-remote-secret-edge.yaml',
      'west/manifests/external-secrets.io_PushSecret_istio-system_istio-reader-kubeconfig.yaml',
    ]);
  });
});

describe('pki.provider cert-manager', () => {
  const certManagerMesh = (root = 'root.pem') =>
    esoMesh(`  pki: { provider: cert-manager, certManager: { issuerRef: { name: mesh-ca }, rootCertFile: ${root} } }`).replace('mode: external-secrets, externalSecrets: { storeRef: { name: mesh-store } }', 'mode: omit');

  it('each primary gets a Certificate that writes cacerts in istio-system: a CA, from the issuer, RSA 4096 by default', () => {
    const certificate = renderText(certManagerMesh()).yaml('a/manifests/cert-manager.io_Certificate_istio-system_cacerts.yaml');
    expect(certificate.metadata).toEqual({ name: 'cacerts', namespace: 'istio-system' });
    expect(certificate.spec).toMatchObject({
      secretName: 'cacerts',
      isCA: true,
      issuerRef: { kind: 'ClusterIssuer', name: 'mesh-ca', group: 'cert-manager.io' },
      privateKey: { algorithm: 'RSA', size: 4096 },
      subject: { localities: ['a'] },
    });
  });

  it('Argo CD applies the Certificate with the Namespace (wave 0), and the manifests Application leaves it out', () => {
    const { yaml } = renderText(certManagerMesh().replace('  clusters:', '  gitops: { argocd: { repoURL: "https://git.example.test/mesh.git" } }\n  clusters:'));
    const namespaceApp = yaml('argocd/a/argoproj.io_Application_argocd_demo-a-namespace.yaml');
    const manifestsApp = yaml('argocd/a/argoproj.io_Application_argocd_demo-a-manifests.yaml');
    const both = '{core_Namespace__istio-system.yaml,cert-manager.io_Certificate_istio-system_cacerts.yaml}';
    expect(namespaceApp.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
    expect(namespaceApp.spec.source.directory).toEqual({ include: both });
    expect(manifestsApp.spec.source.directory).toEqual({ exclude: both });
  });

  function rootHost(rootPem: string | undefined, now?: Date): MemoryHost {
    return new MemoryHost({ now: now ?? new Date('2027-06-01T00:00:00Z'), files: { '/m/mesh.yaml': certManagerMesh(), ...(rootPem !== undefined ? { '/m/root.pem': rootPem } : {}) } });
  }
  const FIXTURE_ROOT = readFileSync(join(REPO, 'test/fixtures/pki/root-cert.pem'), 'utf8');
  const FIXTURE_INTERMEDIATE = readFileSync(join(REPO, 'test/fixtures/pki/a/ca-cert.pem'), 'utf8');
  /** the line and column of rootCertFile's value in certManagerMesh() */
  const rootAt = (() => {
    const lines = certManagerMesh().split('\n');
    const line = lines.findIndex((l) => l.includes('rootCertFile: root.pem'));
    return { line: line + 1, col: lines[line]!.indexOf('root.pem') + 1 };
  })();

  it('builds with no CA key: nothing in pki/, the root file as each primary\'s certs/root-cert.pem, its fingerprint in README', async () => {
    const host = rootHost(FIXTURE_ROOT);
    const result = await build({ meshFile: '/m/mesh.yaml', outDir: '/m/out' }, host);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(host.lstat('/m/pki')).toBeUndefined();
    expect(host.readFile('/m/out/a/certs/root-cert.pem')).toBe(FIXTURE_ROOT);
    expect(host.lstat('/m/out/a/certs/ca-cert.pem')).toBeUndefined();
    expect(host.readFile('/m/out/README.md')).toContain(new X509Certificate(FIXTURE_ROOT).fingerprint256);
  });

  it.each([
    ['a missing file', undefined, undefined, 'MG3150'],
    ['a file with no certificate', 'not a certificate\n', undefined, 'MG3150'],
    ['a certificate that is not a CA', 'leaf', undefined, 'MG3151'],
    ['an expired root', FIXTURE_ROOT, new Date('2130-01-01T00:00:00Z'), 'MG3152'],
  ])('rootCertFile: %s is an error at rootCertFile, and nothing is written', async (_, content, now, code) => {
    const host = rootHost(content === 'leaf' ? leafCertificate() : content, now);
    const result = await build({ meshFile: '/m/mesh.yaml', outDir: '/m/out' }, host);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.position?.line, d.position?.col])).toEqual([[code, rootAt.line, rootAt.col]]);
    expect(host.lstat('/m/out')).toBeUndefined();
  });

  it('certs status shows the root from rootCertFile and says the intermediates are cert-manager\'s, without asking for pki/', () => {
    const status = certsStatus('/m/mesh.yaml', rootHost(FIXTURE_ROOT));
    expect(status.diagnostics).toEqual([]);
    expect(status.ok).toBe(true);
    expect(status.text).toContain(`root  /m/root.pem`);
    expect(status.text).toContain(new X509Certificate(FIXTURE_ROOT).fingerprint256);
    expect(status.text).toMatch(/intermediates of a, b: made by cert-manager/);
  });

  it('rootCertFile: a CA that is not self-signed is a warning (W3150); the build goes on', async () => {
    const result = await build({ meshFile: '/m/mesh.yaml', outDir: '/m/out' }, rootHost(FIXTURE_INTERMEDIATE));
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['W3150']);
  });
});

/** A self-signed certificate without CA:true (TEST-ONLY key, made here, 1024 bits: never used for anything). */
function leafCertificate(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2036-01-01T00:00:00Z');
  const subject = [{ name: 'commonName', value: 'leaf (test only)' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }]);
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('secrets.mode external-secrets reads and writes nothing private', () => {
  it('a reader token that mesh.yaml still names is not read (W2652), and appears in no output, diagnostic or message', async () => {
    const dir = tempDir();
    seedPki(dir);
    writeFileSync(join(dir, 'a.token'), TOKEN + '\n');
    writeFileSync(join(dir, 'mesh.yaml'), esoMesh().replace('apiServer: { url: "https://a.example.test:6443" } }', 'apiServer: { url: "https://a.example.test:6443" }, reader: { tokenFile: a.token } }'));
    const run = runCli(['build', join(dir, 'mesh.yaml'), '--out', join(dir, 'out')]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/W2652/);
    const tree = readTree(join(dir, 'out'));
    const keys = ['a', 'b'].map((c) => readFileSync(join(dir, `pki/${c}/ca-key.pem`), 'utf8').split('\n')[1]!);
    for (const [path, bytes] of tree) {
      const text = bytes.toString('utf8');
      expect(text.includes(TOKEN.slice(0, 40)), path).toBe(false);
      expect(text, path).not.toMatch(/PRIVATE KEY/);
      for (const key of keys) expect(text.includes(key), path).toBe(false);
    }
    expect(`${run.stdout}${run.stderr}`.includes(TOKEN.slice(0, 40))).toBe(false);
    expect([...tree.keys()].filter((p) => p.includes('/secrets/'))).toEqual([]);
    expect(run.stdout).toMatch(/out\/a: .*cacerts by reference \(External Secrets\), 1 remote secret by reference \(External Secrets\)/);
  });

  it('warns about settings of a mode or provider that is not chosen, at their key', () => {
    const dir = tempDir();
    const text = meshText(['istio: { version: "1.30.3" }', 'pki: { certManager: { issuerRef: { name: x } } }', 'clusters: [{ name: a, network: n }]'].join('\n')).replace('secrets: { mode: omit }', 'secrets: { mode: omit, externalSecrets: { storeRef: { name: s } } }');
    writeFileSync(join(dir, 'mesh.yaml'), text);
    const result = validate({ meshFile: join(dir, 'mesh.yaml') });
    const lines = text.split('\n');
    const keyAt = (k: string) => {
      const line = lines.findIndex((l) => l.includes(`${k}:`));
      return [line + 1, lines[line]!.indexOf(`${k}:`) + 1];
    };
    expect(result.diagnostics.map((d) => [d.code, d.position?.line, d.position?.col])).toEqual([
      ['W2650', ...keyAt('externalSecrets')],
      ['W2651', ...keyAt('certManager')],
    ]);
  });
});
