import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';

// spec.gitops: Argo CD Applications and Flux objects that install each cluster in the order
// of out/README.md, with the same charts, versions and values as the manual install.

const CLUSTERS = `clusters:
  - { name: east, network: net-1, apiServer: { url: "https://203.0.113.1:6443" } }
  - { name: west, network: net-2, apiServer: { url: "https://203.0.113.2:6443" }, ingressGateway: { enabled: true } }`;

const ARGOCD = meshText(`istio: { version: "1.30.3" }
gitops:
  argocd: { repoURL: "https://git.example.com/mesh.git", targetRevision: main, path: deploy/out }
${CLUSTERS}`);

const FLUX = meshText(`istio: { version: "1.30.3" }
gitops:
  flux: { sourceRef: { kind: GitRepository, name: platform }, path: ./deploy/out }
${CLUSTERS}`);

const app = (part: string, cluster = 'west') => `argocd/${cluster}/argoproj.io_Application_argocd_demo-${cluster}-${part}.yaml`;
const flux = (kind: string, name: string, cluster = 'west') => {
  const group = { HelmRepository: 'source.toolkit.fluxcd.io', HelmRelease: 'helm.toolkit.fluxcd.io', Kustomization: 'kustomize.toolkit.fluxcd.io' }[kind];
  return `flux/${cluster}/${group}_${kind}_flux-system_${name}.yaml`;
};

describe('Argo CD', () => {
  const { yaml, files } = renderText(ARGOCD);
  const wave = (path: string) => Number(yaml(path).metadata.annotations['argocd.argoproj.io/sync-wave']);

  it('gives each cluster a root Application in the Argo CD cluster that syncs argocd/<cluster>/', () => {
    const root = yaml('argocd/argoproj.io_Application_argocd_demo-east.yaml');
    expect(root.metadata.namespace).toBe('argocd');
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.spec.source).toEqual({ repoURL: 'https://git.example.com/mesh.git', targetRevision: 'main', path: 'deploy/out/argocd/east' });
    expect(yaml('argocd/kustomization.yaml').resources).toEqual(['argoproj.io_Application_argocd_demo-east.yaml', 'argoproj.io_Application_argocd_demo-west.yaml']);
  });

  it('targets every Application of a cluster at that cluster\'s API server', () => {
    const own = [...files.keys()].filter((p) => p.startsWith('argocd/west/'));
    expect(own.length).toBe(6);
    for (const path of own) expect(yaml(path).spec.destination.server, path).toBe('https://203.0.113.2:6443');
  });

  it('installs each chart into its release\'s namespace: the ingress gateway into istio-ingress, the rest into istio-system', () => {
    expect(yaml(app('istio-ingressgateway')).spec.destination.namespace).toBe('istio-ingress');
    for (const part of ['namespace', 'istio-base', 'istiod', 'istio-eastwestgateway', 'manifests']) expect(yaml(app(part)).spec.destination.namespace, part).toBe('istio-system');
  });

  it('orders the sync waves as the manual install: Namespace, base, istiod, gateways, manifests', () => {
    expect(wave(app('namespace'))).toBeLessThan(wave(app('istio-base')));
    expect(wave(app('istio-base'))).toBeLessThan(wave(app('istiod')));
    expect(wave(app('istiod'))).toBeLessThan(wave(app('istio-eastwestgateway')));
    expect(wave(app('istio-eastwestgateway'))).toBe(wave(app('istio-ingressgateway')));
    expect(wave(app('istio-ingressgateway'))).toBeLessThan(wave(app('manifests')));
  });

  it('syncs a remote\'s gateways after its manifests, whose reader token its remote secret is built from', () => {
    const remote = renderText(
      meshText(`istio: { version: "1.30.3" }
gitops:
  argocd: { repoURL: "https://git.example.com/mesh.git" }
clusters:
  - { name: hub, network: net-1, apiServer: { url: "https://203.0.113.1:6443" }, eastWestGateway: { address: 203.0.113.10 } }
  - { name: spoke, network: net-2, role: remote, controlPlane: hub, apiServer: { url: "https://203.0.113.2:6443" } }`),
    );
    const waveOf = (path: string) => Number(remote.yaml(path).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(remote.files.get('spoke/manifests/core_Secret_istio-system_istio-reader-service-account-istio-remote-secret-token.yaml')).toBeDefined();
    expect(waveOf(app('istio-eastwestgateway', 'spoke'))).toBeGreaterThan(waveOf(app('manifests', 'spoke')));
    // a primary's gateway is injected by its own istiod: before the manifests, as installed by hand
    expect(waveOf(app('istio-eastwestgateway', 'hub'))).toBeLessThan(waveOf(app('manifests', 'hub')));
  });

  it('installs each chart from the Istio chart repository at the mesh\'s version, with the rendered values file from git', () => {
    const [chart, values] = yaml(app('istiod')).spec.sources;
    expect(chart).toEqual({
      repoURL: 'https://istio-release.storage.googleapis.com/charts',
      chart: 'istiod',
      targetRevision: '1.30.3',
      helm: { releaseName: 'istiod', valueFiles: ['$values/deploy/out/west/helm/istiod.values.yaml'] },
    });
    expect(values).toEqual({ repoURL: 'https://git.example.com/mesh.git', targetRevision: 'main', ref: 'values' });
    expect(yaml(app('istio-ingressgateway')).spec.sources[0].chart).toBe('gateway');
  });

  it('ignores the webhook fields istiod patches, and keeps them on sync', () => {
    const istiod = yaml(app('istiod')).spec;
    expect(istiod.ignoreDifferences).toEqual([
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.failurePolicy'] },
    ]);
    expect(istiod.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    expect(yaml(app('istio-base')).spec.ignoreDifferences).toEqual([
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.failurePolicy'] },
    ]);
    expect(yaml(app('istio-eastwestgateway')).spec.ignoreDifferences).toBeUndefined();
  });

  it('applies charts server-side and never lets them create the namespace', () => {
    for (const part of ['istio-base', 'istiod', 'istio-eastwestgateway']) {
      expect(yaml(app(part)).spec.syncPolicy.syncOptions, part).toEqual(expect.arrayContaining(['CreateNamespace=false', 'ServerSideApply=true']));
    }
  });

  it('lists only istio-system in the Namespace Application of a cluster without an ingress gateway', () => {
    expect(yaml(app('namespace', 'east')).spec.source.directory).toEqual({ include: 'core_Namespace__istio-system.yaml' });
  });

  it('manages the Namespace in its own Application, never pruned, and leaves it out of the manifests Application', () => {
    const namespace = yaml(app('namespace')).spec;
    expect(namespace.source.path).toBe('deploy/out/west/manifests');
    expect(namespace.source.directory).toEqual({ include: '{core_Namespace__istio-system.yaml,core_Namespace__istio-ingress.yaml}' });
    expect(namespace.syncPolicy.automated.prune).toBe(false);
    const manifests = yaml(app('manifests')).spec;
    expect(manifests.source.path).toBe('deploy/out/west/manifests');
    expect(manifests.source.directory).toEqual({ exclude: '{core_Namespace__istio-system.yaml,core_Namespace__istio-ingress.yaml}' });
    expect(manifests.syncPolicy.automated.prune).toBe(true);
  });

  it('defaults the revision to HEAD and out/ to `out`', () => {
    const defaults = renderText(ARGOCD.replace(', targetRevision: main, path: deploy/out', ''));
    expect(defaults.yaml('argocd/argoproj.io_Application_argocd_demo-east.yaml').spec.source).toEqual({ repoURL: 'https://git.example.com/mesh.git', targetRevision: 'HEAD', path: 'out/argocd/east' });
  });

  it('takes out/ at the repository root as "."', () => {
    const root = renderText(ARGOCD.replace('path: deploy/out', 'path: "."'));
    expect(root.yaml(app('istiod')).spec.sources[0].helm.valueFiles).toEqual(['$values/west/helm/istiod.values.yaml']);
  });

  it('names an OCI chart registry without its scheme, as Argo CD expects', () => {
    const oci = renderText(ARGOCD.replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3", chartRepository: "oci://registry.istio.io/release/charts" }'));
    expect(oci.yaml(app('istiod')).spec.sources[0].repoURL).toBe('registry.istio.io/release/charts');
  });

  it('renders nothing for Argo CD or Flux when spec.gitops is absent', () => {
    const plain = renderText(meshText(`istio: { version: "1.30.3" }\n${CLUSTERS}`));
    expect([...plain.files.keys()].filter((p) => p.startsWith('argocd/') || p.startsWith('flux/'))).toEqual([]);
  });
});

describe('Flux', () => {
  const { yaml } = renderText(FLUX);

  it('gives each cluster a root Kustomization that applies flux/<cluster>/ from the mesh\'s source', () => {
    const root = yaml('flux/kustomize.toolkit.fluxcd.io_Kustomization_flux-system_istio-mesh-east.yaml');
    expect(root.spec).toEqual({ interval: '10m', path: './deploy/out/flux/east', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' } });
  });

  it('fetches the charts from the Istio chart repository', () => {
    expect(yaml(flux('HelmRepository', 'istio')).spec.url).toBe('https://istio-release.storage.googleapis.com/charts');
    const oci = renderText(FLUX.replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3", chartRepository: "oci://registry.istio.io/release/charts" }'));
    expect(oci.yaml(flux('HelmRepository', 'istio')).spec).toMatchObject({ url: 'oci://registry.istio.io/release/charts', type: 'oci' });
  });

  it('installs each chart at the mesh\'s version under the release name and namespace of the manual install', () => {
    const istiod = yaml(flux('HelmRelease', 'istiod')).spec;
    expect(istiod.chart.spec).toEqual({ chart: 'istiod', version: '1.30.3', sourceRef: { kind: 'HelmRepository', name: 'istio' } });
    expect(istiod).toMatchObject({ releaseName: 'istiod', targetNamespace: 'istio-system', storageNamespace: 'istio-system' });
  });

  it('chains the releases in install order with dependsOn', () => {
    expect(yaml(flux('HelmRelease', 'istio-base')).spec.dependsOn).toBeUndefined();
    expect(yaml(flux('HelmRelease', 'istiod')).spec.dependsOn).toEqual([{ name: 'istio-base' }]);
    expect(yaml(flux('HelmRelease', 'istio-eastwestgateway')).spec.dependsOn).toEqual([{ name: 'istiod' }]);
    expect(yaml(flux('HelmRelease', 'istio-ingressgateway')).spec.dependsOn).toEqual([{ name: 'istiod' }]);
  });

  it('inlines exactly the values of the rendered values files', () => {
    for (const release of ['istio-base', 'istiod', 'istio-eastwestgateway', 'istio-ingressgateway']) {
      expect(yaml(flux('HelmRelease', release)).spec.values, release).toEqual(yaml(`west/helm/${release}.values.yaml`) ?? {});
    }
  });

  it('applies the cluster\'s directory with a Kustomization from the mesh\'s source', () => {
    const manifests = yaml(flux('Kustomization', 'istio-manifests')).spec;
    expect(manifests).toMatchObject({ path: './deploy/out/west', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' } });
  });
});

describe('Flux: istiod after cacerts, where Flux applies cacerts', () => {
  // cacerts made in the cluster by a cert-manager Certificate among the manifests
  const CERT_MANAGER = FLUX.replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3" }\n  pki: { provider: cert-manager, certManager: { issuerRef: { kind: ClusterIssuer, name: istio-ca }, rootCertFile: root.pem } }');
  const controlPlane = (kind: string, name: string, cluster = 'west') => flux(kind, name, cluster).replace(`flux/${cluster}/`, `flux/${cluster}/control-plane/`);

  it('plain mode (cacerts made by hand before Flux) keeps every release with the root, and writes no flux/<cluster>/kustomization.yaml', () => {
    const { files } = renderText(FLUX);
    expect(files.has(flux('HelmRelease', 'istiod'))).toBe(true);
    expect([...files.keys()].filter((p) => p.includes('/control-plane/') || /^flux\/[^/]+\/kustomization\.yaml$/.test(p) || p.includes('istio-control-plane'))).toEqual([]);
  });

  it('with cert-manager: istiod and the gateways move to control-plane/, istio-base stays with the root', () => {
    const { files } = renderText(CERT_MANAGER);
    expect(files.has(flux('HelmRelease', 'istio-base'))).toBe(true);
    for (const release of ['istiod', 'istio-eastwestgateway', 'istio-ingressgateway']) {
      expect(files.has(flux('HelmRelease', release)), release).toBe(false);
      expect(files.has(controlPlane('HelmRelease', release)), release).toBe(true);
    }
  });

  it('with cert-manager: istio-control-plane applies control-plane/ once istio-manifests is Ready, which waits for Secret cacerts', () => {
    const { yaml } = renderText(CERT_MANAGER);
    expect(yaml(flux('Kustomization', 'istio-control-plane')).spec).toMatchObject({ path: './deploy/out/flux/west/control-plane', prune: true, dependsOn: [{ name: 'istio-manifests' }] });
    expect(yaml(flux('Kustomization', 'istio-manifests')).spec.healthChecks).toEqual([{ apiVersion: 'v1', kind: 'Secret', name: 'cacerts', namespace: 'istio-system' }]);
    expect(yaml(flux('Kustomization', 'istio-manifests')).spec.wait).toBeUndefined();
  });

  it('the root lists its own files only: control-plane/ is left to istio-control-plane', () => {
    const { yaml, files } = renderText(CERT_MANAGER);
    const listed: string[] = yaml('flux/west/kustomization.yaml').resources;
    const own = [...files.keys()].filter((p) => p.startsWith('flux/west/') && !p.endsWith('kustomization.yaml') && !p.includes('/control-plane/')).map((p) => p.slice('flux/west/'.length));
    expect([...listed].sort()).toEqual(own.sort());
    expect(listed.some((f) => f.includes('control-plane/'))).toBe(false);
  });

  it('the HelmReleases keep their chain across the two Kustomizations: istiod still dependsOn istio-base', () => {
    const { yaml } = renderText(CERT_MANAGER);
    expect(yaml(controlPlane('HelmRelease', 'istiod')).spec.dependsOn).toEqual([{ name: 'istio-base' }]);
    expect(yaml(controlPlane('HelmRelease', 'istio-eastwestgateway')).spec.dependsOn).toEqual([{ name: 'istiod' }]);
  });
});

describe('spec.gitops validation', () => {
  const invalid = (text: string) => () => renderText(text);

  it('a cluster without apiServer.url cannot be an Argo CD destination (MG2401)', () => {
    expect(invalid(ARGOCD.replace(', apiServer: { url: "https://203.0.113.2:6443" }', ''))).toThrow(/no apiServer.url, which its Argo CD Applications need/);
  });

  it('Flux needs no API server URL', () => {
    expect(() => renderText(FLUX.replace(/, apiServer: \{ url: "[^"]+" \}/g, ''))).not.toThrow();
  });
});
