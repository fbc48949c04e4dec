import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { meshText, renderText } from './helpers/render.js';
import { REPO } from './helpers/fixtures.js';
import { planPki } from '../src/pki/index.js';
import { diskHost, makeTempDir, pkiModel, removeTempDirs } from './pki/helpers.js';
import { validate } from '../src/pipeline.js';
import { MemoryHost } from '../src/host/memory-host.js';

// Ambient namespaces across clusters (issue #17): what each cluster gets, shape by shape.
// Expected values are written from the reference (../shared/reference/gitops-secrets.md
// section 6) and Istio's sources cited in src/plan/ambient-plan.ts, not from the renderer.

const TWO_NETWORKS = `clusters:
  - { name: east, network: net-1 }
  - { name: west, network: net-2 }`;

function mesh(namespaces: string, options: { version?: string; revision?: string; clusters?: string; extra?: string } = {}): string {
  const istio = `istio: { version: "${options.version ?? '1.30.3'}"${options.revision ? `, revision: ${options.revision}` : ''} }`;
  return meshText(`${istio}\n${options.clusters ?? TWO_NETWORKS}\nnamespaces:\n${namespaces}${options.extra ? `\n${options.extra}` : ''}`);
}

const AMBIENT_SHOP = '  - { name: shop, injection: ambient }';
const MIXED = `${AMBIENT_SHOP}\n  - { name: billing }`;
const gatewayFile = (cluster: string) => `${cluster}/manifests/gateway.networking.k8s.io_Gateway_istio-system_istio-ambient-eastwestgateway.yaml`;

describe('the ambient releases', () => {
  const { yaml, files } = renderText(mesh(AMBIENT_SHOP));

  it('ztunnel carries the cluster name at the top level and the network under global', () => {
    expect(yaml('east/helm/ztunnel.values.yaml')).toEqual({ profile: 'ambient', multiCluster: { clusterName: 'east' }, global: { network: 'net-1' } });
    expect(yaml('west/helm/ztunnel.values.yaml')).toEqual({ profile: 'ambient', multiCluster: { clusterName: 'west' }, global: { network: 'net-2' } });
  });

  it('istio-cni gets the ambient profile', () => {
    expect(yaml('east/helm/istio-cni.values.yaml')).toEqual({ profile: 'ambient' });
  });

  it('istiod gets the ambient profile and AMBIENT_ENABLE_MULTI_NETWORK on a multi-network mesh, and never the ingress flag', () => {
    const istiod = yaml('east/helm/istiod.values.yaml');
    expect(istiod.profile).toBe('ambient');
    expect(istiod.env).toEqual({ AMBIENT_ENABLE_MULTI_NETWORK: 'true' });
    expect(istiod.global).toEqual({ meshID: 'demo', multiCluster: { clusterName: 'east' }, network: 'net-1' });
  });

  it('are installed base, istiod, istio-cni, ztunnel, in that order, before anything else', () => {
    const readme = files.get('README.md')!;
    const east = readme.slice(readme.indexOf('### east'));
    const order = ['standard-install.yaml', 'install istio-base ', 'install istiod ', 'install istio-cni cni ', 'install ztunnel ztunnel '].map((s) => east.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('are not installed where no namespace is ambient', () => {
    const { files: sidecarOnly } = renderText(mesh('  - { name: shop }'));
    expect([...sidecarOnly.keys()].filter((p) => /ztunnel|istio-cni/.test(p))).toEqual([]);
    const { files: oneCluster } = renderText(mesh('  - { name: shop, injection: ambient, clusters: [west] }'));
    expect(oneCluster.has('west/helm/ztunnel.values.yaml')).toBe(true);
    expect(oneCluster.has('east/helm/ztunnel.values.yaml')).toBe(false);
  });

  it('with a revision, ztunnel and istio-cni name it (ztunnel finds istiod-<revision> by it)', () => {
    const { yaml: revised } = renderText(mesh(AMBIENT_SHOP, { revision: '1-30' }));
    expect(revised('east/helm/ztunnel.values.yaml').revision).toBe('1-30');
    expect(revised('east/helm/istio-cni.values.yaml').revision).toBe('1-30');
  });
});

describe('service scope', () => {
  it('makes the ambient namespaces of several clusters global, keeping the profile\'s istio.io/global opt-in first', () => {
    const { yaml } = renderText(mesh(`${AMBIENT_SHOP}\n  - { name: cart, injection: ambient }\n  - { name: solo, injection: ambient, clusters: [east] }`));
    expect(yaml('west/helm/istiod.values.yaml').meshConfig.serviceScopeConfigs).toEqual([
      { servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] }, scope: 'GLOBAL' },
      { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['cart', 'shop'] }] }, scope: 'GLOBAL' },
    ]);
  });

  it('leaves the profile\'s default alone when no ambient namespace spans clusters', () => {
    const { yaml } = renderText(mesh('  - { name: solo, injection: ambient, clusters: [east] }'));
    expect(yaml('east/helm/istiod.values.yaml').meshConfig.serviceScopeConfigs).toBeUndefined();
  });
});

describe('the ambient east-west gateway', () => {
  it('is the Gateway of gen-eastwest-gateway.sh --ambient, at gateway.networking.k8s.io/v1 on Istio 1.29 and later', () => {
    const { yaml } = renderText(mesh(AMBIENT_SHOP));
    expect(yaml(gatewayFile('west'))).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'istio-ambient-eastwestgateway', namespace: 'istio-system', labels: { 'topology.istio.io/network': 'net-2' } },
      spec: {
        gatewayClassName: 'istio-east-west',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } } }],
      },
    });
  });

  it('is v1beta1 on Istio 1.28', () => {
    const { yaml } = renderText(mesh(AMBIENT_SHOP, { version: '1.28.10' }));
    expect(yaml(gatewayFile('east')).apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
  });

  it('carries istio.io/rev with a revision, the Service annotations under infrastructure, and a NodePort type as its annotation', () => {
    const clusters = `clusters:
  - { name: east, network: net-1, eastWestGateway: { serviceType: NodePort, annotations: { a.example.com/x: "y" } } }
  - { name: west, network: net-2 }`;
    const gateway = renderText(mesh(AMBIENT_SHOP, { revision: '1-30', clusters })).yaml(gatewayFile('east'));
    expect(gateway.metadata.labels).toEqual({ 'topology.istio.io/network': 'net-1', 'istio.io/rev': '1-30' });
    expect(gateway.metadata.annotations).toEqual({ 'networking.istio.io/service-type': 'NodePort' });
    expect(gateway.spec.infrastructure).toEqual({ annotations: { 'a.example.com/x': 'y' } });
  });

  it('replaces the sidecar east-west gateway where no sidecar namespace spans networks', () => {
    const { files } = renderText(mesh(AMBIENT_SHOP));
    expect(files.has(gatewayFile('east'))).toBe(true);
    expect(files.has('east/helm/istio-eastwestgateway.values.yaml')).toBe(false);
    expect(files.has('east/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml')).toBe(false);
  });

  it('stands beside the sidecar east-west gateway where sidecar namespaces span networks too', () => {
    const { files } = renderText(mesh(MIXED));
    expect(files.has(gatewayFile('east'))).toBe(true);
    expect(files.has('east/helm/istio-eastwestgateway.values.yaml')).toBe(true);
    expect(files.has('east/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml')).toBe(true);
  });

  it('is not rendered on one network, nor with eastWestGateway.enabled: false', () => {
    const oneNetwork = renderText(mesh(AMBIENT_SHOP, { clusters: 'clusters:\n  - { name: east, network: net-1 }\n  - { name: west, network: net-1 }' }));
    expect(oneNetwork.files.has(gatewayFile('east'))).toBe(false);
    expect(oneNetwork.yaml('east/helm/istiod.values.yaml').env).toBeUndefined();
    const disabled = renderText(mesh(AMBIENT_SHOP, { clusters: 'clusters:\n  - { name: east, network: net-1, eastWestGateway: { enabled: false } }\n  - { name: west, network: net-2 }' }));
    expect(disabled.files.has(gatewayFile('east'))).toBe(false);
    expect(disabled.files.has(gatewayFile('west'))).toBe(true);
  });
});

describe('ambient namespaces', () => {
  it('carry istio.io/dataplane-mode: ambient and no sidecar injection label, with or without a revision', () => {
    for (const revision of [undefined, '1-30']) {
      const { yaml } = renderText(mesh(MIXED, { revision }));
      expect(yaml('east/manifests/core_Namespace__shop.yaml').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
      expect(yaml('east/manifests/core_Namespace__billing.yaml').metadata.labels).toEqual(revision ? { 'istio.io/rev': revision } : { 'istio-injection': 'enabled' });
    }
  });
});

describe('GitOps on an ambient cluster', () => {
  const GITOPS = `gitops:
  argocd: { repoURL: "https://git.example.com/mesh.git" }
  flux: { sourceRef: { kind: GitRepository, name: platform } }`;
  const clusters = `clusters:
  - { name: east, network: net-1, apiServer: { url: "https://203.0.113.1:6443" } }
  - { name: west, network: net-2, apiServer: { url: "https://203.0.113.2:6443" } }`;
  const { yaml } = renderText(mesh(MIXED, { clusters, extra: GITOPS }));
  const wave = (part: string) => Number(yaml(`argocd/east/argoproj.io_Application_argocd_demo-east-${part}.yaml`).metadata.annotations['argocd.argoproj.io/sync-wave']);
  const fluxFile = (group: string, kind: string, name: string) => `flux/east/${group}_${kind}_flux-system_${name}.yaml`;

  it('Argo CD installs the Gateway API CRDs first, then base, istiod, istio-cni, ztunnel, the gateways and the manifests', () => {
    const order = ['gateway-api-crds', 'istio-base', 'istiod', 'istio-cni', 'ztunnel', 'istio-eastwestgateway', 'manifests'].map(wave);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('Argo CD takes the CRDs from the Gateway API repository at the release Istio 1.30 builds against, never pruned', () => {
    const spec = yaml('argocd/east/argoproj.io_Application_argocd_demo-east-gateway-api-crds.yaml').spec;
    expect(spec.source).toEqual({ repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git', targetRevision: 'v1.5.1', path: 'config/crd/standard' });
    expect(spec.syncPolicy.automated.prune).toBe(false);
    expect(spec.syncPolicy.syncOptions).toContain('Prune=false');
  });

  it('Flux chains base → istiod → istio-cni → ztunnel → gateways by dependsOn', () => {
    const dependsOn = (release: string) => yaml(fluxFile('helm.toolkit.fluxcd.io', 'HelmRelease', release)).spec.dependsOn?.map((d: any) => d.name);
    expect(['istio-base', 'istiod', 'istio-cni', 'ztunnel', 'istio-eastwestgateway'].map(dependsOn)).toEqual([undefined, ['istio-base'], ['istiod'], ['istio-cni'], ['ztunnel']]);
  });

  it('Flux applies the CRDs from a GitRepository at the release tag, and the manifests wait for them', () => {
    expect(yaml(fluxFile('source.toolkit.fluxcd.io', 'GitRepository', 'gateway-api')).spec.ref).toEqual({ tag: 'v1.5.1' });
    const crds = yaml(fluxFile('kustomize.toolkit.fluxcd.io', 'Kustomization', 'gateway-api-crds')).spec;
    expect(crds).toMatchObject({ path: './config/crd/standard', prune: false, sourceRef: { kind: 'GitRepository', name: 'gateway-api' } });
    expect(yaml(fluxFile('kustomize.toolkit.fluxcd.io', 'Kustomization', 'istio-manifests')).spec.dependsOn).toEqual([{ name: 'gateway-api-crds' }]);
  });

  it('a cluster without ambient namespaces keeps the sidecar waves and no CRD Application', () => {
    const { files, yaml: other } = renderText(mesh('  - { name: shop, injection: ambient, clusters: [west] }', { clusters, extra: GITOPS }));
    expect(files.has('argocd/east/argoproj.io_Application_argocd_demo-east-gateway-api-crds.yaml')).toBe(false);
    expect(other('argocd/east/argoproj.io_Application_argocd_demo-east-manifests.yaml').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('4');
  });
});

describe('README and verify.sh', () => {
  it('names the Gateway API release to install first', () => {
    const readme = renderText(mesh(AMBIENT_SHOP)).files.get('README.md')!;
    expect(readme).toContain('kubectl --context "$CTX_EAST" apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml');
    expect(readme).toContain('## Ambient data plane');
  });

  it('verify.sh first checks that each sleep pod is redirected into ztunnel when the verification namespace is ambient', () => {
    const ambient = renderText(mesh('  - { name: sample, injection: ambient }', { extra: 'verification: { enabled: true }' })).files.get('verify.sh')!;
    expect(ambient).toContain('ambient.istio.io/redirection');
    const sidecar = renderText(mesh(AMBIENT_SHOP, { extra: 'verification: { enabled: true }' })).files.get('verify.sh')!;
    expect(sidecar).not.toContain('ambient.istio.io/redirection');
  });
});

describe('checks', () => {
  // W2701 (a minor past its end of life, by today's date) is the version check's concern, not ambient's
  const codes = (text: string) => validate({ meshFile: '/mesh.yaml' }, new MemoryHost({ files: { '/mesh.yaml': text } })).diagnostics.map((d) => d.code).filter((c) => c !== 'W2701');

  it('accept an ambient namespace of one cluster on Istio 1.24 (ambient itself is older than ambient multicluster)', () => {
    expect(codes(mesh('  - { name: shop, injection: ambient, clusters: [east] }', { version: '1.24.6' }))).toEqual([]);
  });

  it('warn about nothing on a multi-network ambient mesh on Istio 1.29 and later (beta)', () => {
    expect(codes(mesh(AMBIENT_SHOP, { version: '1.29.6' }))).toEqual([]);
  });

  it('refuse ambient multicluster before 1.27.0, and only warn from 1.27.0', () => {
    expect(codes(mesh(AMBIENT_SHOP, { version: '1.26.8' }))).toEqual(['MG2902']);
    expect(codes(mesh(AMBIENT_SHOP, { version: '1.27.0' }))).toEqual(['W2902']);
  });
});

describe('the shared root (MG2905)', () => {
  afterAll(removeTempDirs);

  /** east from the suite's fake CA; west adopted from another mesh's directory: an intermediate and root copy of its own root. */
  function perClusterRoots(): string {
    const meshDir = makeTempDir();
    const pki = path.join(meshDir, 'pki');
    const copy = (from: string, to: string) => fs.cpSync(path.join(REPO, from), path.join(pki, to), { recursive: true });
    copy('test/fixtures/pki/root-cert.pem', 'root-cert.pem');
    copy('test/fixtures/pki/root-key.pem', 'root-key.pem');
    copy('test/fixtures/pki/east', 'east');
    copy('examples/multi-primary-multi-network/pki/west', 'west');
    for (const key of ['root-key.pem', 'east/ca-key.pem', 'west/ca-key.pem']) fs.chmodSync(path.join(pki, key), 0o600);
    return meshDir;
  }

  it('is reported for the adopted cluster with a root of its own when ambient needs one root', async () => {
    const meshDir = perClusterRoots();
    const model = { ...pkiModel(['east', 'west']), sharedRootRequiredBy: 'the ambient namespaces shop' };
    const plan = await planPki({ host: diskHost(), model, meshDir, pkiDirDisplay: 'pki', allowGenerate: false });
    const ambient = plan.diagnostics.filter((d) => d.code === 'MG2905');
    expect(ambient.map((d) => d.file)).toEqual(['pki/west/ca-cert.pem']);
    expect(ambient[0].hint).toMatch(/istio\/istio#61719/);
  });

  it('is not reported without ambient across clusters (the generic chain errors still are)', async () => {
    const meshDir = perClusterRoots();
    const plan = await planPki({ host: diskHost(), model: pkiModel(['east', 'west']), meshDir, pkiDirDisplay: 'pki', allowGenerate: false });
    const codesFound = plan.diagnostics.map((d) => d.code);
    expect(codesFound).not.toContain('MG2905');
    expect(codesFound).toContain('MG3003');
  });
});
