import { compareText } from '../diagnostics/diagnostic.js';
import { isLegacyOnly, parseIstioVersion, type IstioVersion } from '../rules/istio-versions.js';
import type { CaKeyType, CertManagerSpec, ClusterSpec, ExposeSpec, MeshDocument, MeshSpec, RotationSpec, ServiceSpec, UpgradeSpec } from '../rules/mesh-spec.js';
import { buildLegacyGlobal, type LegacyGlobalModel } from './legacy-global.js';
import type { HelmOverlays } from '../rules/helm-overlays.js';

// The normalized mesh: every default applied, every derived fact computed once, clusters
// sorted by name so that the order of mesh.yaml never changes the output.

export const DEFAULT_CHART_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';
export const ISTIO_NAMESPACE = 'istio-system';
/** Where Istio's gateway docs install an ingress gateway (helm install istio-ingress istio/gateway -n istio-ingress). */
export const DEFAULT_INGRESS_NAMESPACE = 'istio-ingress';
export const DEFAULT_INGRESS_GATEWAY_NAME = 'istio-ingressgateway';
/** Istio's multicluster verification runs in `sample` unless spec.verification.namespace says otherwise. */
export const DEFAULT_VERIFICATION_NAMESPACE = 'sample';

export type Topology = 'multi-primary' | 'primary-remote';

export type { CaKeyType };

export interface CaProfile {
  organization: string;
  commonName: string;
  validityDays: number;
}

/** spec.pki.rotation with its defaults */
export interface RotationModel {
  phase: RotationSpec['phase'];
  newRoot: CaProfile;
}

/** spec.istio.upgrade with its defaults */
export interface UpgradeModel {
  revision: string;
  version: string;
  parsed: IstioVersion;
  phase: UpgradeSpec['phase'];
  /** migrate: the namespaces that move (sorted); undefined = all of them */
  namespaces?: string[];
}

export interface GatewayModel {
  enabled: boolean;
  serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  annotations: Record<string, string>;
}

export interface IngressGatewayModel extends GatewayModel {
  /** namespace of the gateway release, default istio-ingress */
  namespace: string;
  /** the chart's `name`: Deployment and Service; pods labelled istio=<name without "istio-"> */
  name: string;
  /** NodePort Services: pinned node ports of 80, 443 and the status port 15021 */
  nodePorts: { http?: number; https?: number; status?: number };
  /** a Kubernetes Ingress in front of the gateway */
  ingress?: { className: string; annotations: Record<string, string> };
}

export interface EastWestGatewayModel extends GatewayModel {
  serviceType: 'LoadBalancer' | 'NodePort';
  /** `enabled: false` in mesh.yaml: no east-west gateway of either data plane (sidecar or ambient) */
  disabledByUser: boolean;
  address?: string;
  nodePort?: number;
}

export interface ClusterModel {
  name: string;
  network: string;
  role: 'primary' | 'remote';
  controlPlane?: string;
  region?: string;
  zone?: string;
  podCIDR?: string;
  serviceCIDR?: string;
  apiServer?: ClusterSpec['apiServer'];
  reader?: ClusterSpec['reader'];
  /** this cluster's part of spec.secrets.mode */
  secrets: { sopsAge: string[]; sealedCertFile?: string };
  eastWestGateway: EastWestGatewayModel;
  ingressGateway: IngressGatewayModel;
  /**
   * Outbound ranges the sidecars capture (global.proxy.includeIPRanges); undefined: everything.
   * `auto` is resolved here: the podCIDR and serviceCIDR of every cluster on this network.
   */
  includeIPRanges?: { ranges: string[]; auto: boolean };
  dns: { provider: 'coredns' | 'coredns-custom' | 'kube-dns'; version?: string; istiocorednsAddress?: string };
  /** clusters[].helm: Helm values overlays by release */
  helm: HelmOverlays;
  /** clusters[].extraManifests: a directory of the user's objects, relative to mesh.yaml */
  extraManifests?: string;
  /** position in spec.clusters, for diagnostics and for features where the user's order matters */
  index: number;
}

export interface NamespaceModel {
  name: string;
  injection: 'sidecar' | 'ambient' | 'disabled';
  /** where the namespace exists, sorted */
  clusters: string[];
}

export interface ServicePortModel {
  name: string;
  port: number;
  /** Istio protocol (HTTP, TCP, ...) */
  protocol: string;
}

export interface ServiceModel {
  name: string;
  namespace: string;
  /** <name>.<namespace>.svc.cluster.local */
  host: string;
  ports: ServicePortModel[];
  /** clusters that run the service, sorted */
  clusters: string[];
  clusterLocal: boolean;
  selector?: Record<string, string>;
  localityFailover: boolean;
  /** cluster → percentage, when the traffic is split by weight */
  weights?: Record<string, number>;
  /** north-south: served by these clusters' ingress gateways */
  expose?: ExposeModel;
}

export interface ExposeModel {
  hosts: string[];
  /** sorted */
  clusters: string[];
  /** the service port traffic goes to */
  port: number;
  /** undefined: plain HTTP on port 80 */
  tls?: { mode: 'SIMPLE'; credentialName: string; httpsRedirect: boolean } | { mode: 'PASSTHROUGH' };
}

/** spec.pki.certManager with its defaults (provider cert-manager) */
export interface CertManagerModel {
  issuerRef: { kind: 'ClusterIssuer' | 'Issuer'; name: string; group: string };
  /** relative to mesh.yaml, as written */
  rootCertFile?: string;
}

/** spec.secrets.externalSecrets with its defaults (mode external-secrets) */
export interface ExternalSecretsModel {
  storeRef: { kind: 'ClusterSecretStore' | 'SecretStore'; name: string };
  /** default meshgen/<meshID> */
  remoteKeyPrefix: string;
}

/** spec.gitops with its defaults (see README, "GitOps"); absent parts are not rendered */
export interface GitOpsModel {
  argocd?: { repoURL: string; targetRevision: string; path: string };
  flux?: { sourceRef: { kind: 'GitRepository' | 'OCIRepository' | 'Bucket'; name: string }; path: string };
}

export interface MeshModel {
  name: string;
  meshID: string;
  trustDomain: string;
  istio: { version: string; parsed: IstioVersion; revision: string; chartRepository: string; installer: 'helm' | 'istioctl'; upgrade?: UpgradeModel };
  /** spec.helm: mesh-wide Helm values overlays by release */
  helm: HelmOverlays;
  pki: { dir: string; root: CaProfile; intermediate: CaProfile; keyType: CaKeyType; provider: 'meshgen' | 'cert-manager'; certManager?: CertManagerModel; rotation?: RotationModel; /** spec.pki.intermediates (src/rules/pki-intermediates.ts) */ intermediates: 'per-cluster' | 'shared' };
  secretsMode: 'plain' | 'omit' | 'sops' | 'sealed-secrets' | 'external-secrets';
  /** secrets.mode external-secrets: the store and the prefix of every key in it */
  externalSecrets?: ExternalSecretsModel;
  /** secrets.mode sops: recipients of every encrypted file */
  sopsAge: string[];
  /** secrets.mode sealed-secrets: where the controller runs */
  sealedSecrets: { controllerName: string; controllerNamespace: string };
  dns: { capture: boolean; autoAllocate: boolean };
  /** sorted by name */
  clusters: ClusterModel[];
  /** sorted */
  networks: string[];
  multiNetwork: boolean;
  topology: Topology;
  /** sorted by name */
  namespaces: NamespaceModel[];
  /** sorted by namespace, then name */
  services: ServiceModel[];
  /** helloworld + sleep in every cluster (Istio's multicluster verification) */
  verification: boolean;
  /** where the verification workloads run */
  verificationNamespace: string;
  /** spec.legacy.global, when enabled: .global names, VIPs, serving clusters */
  legacyGlobal?: LegacyGlobalModel;
  gitops: GitOpsModel;
}

/** Assumes a document that passed schema and semantic validation. */
export function buildModel(document: MeshDocument): MeshModel {
  const spec = document.spec;
  const networks = [...new Set(spec.clusters.map((c) => c.network))].sort(compareText);
  const multiNetwork = networks.length > 1;
  const servesRemotes = new Set(spec.clusters.filter((c) => c.role === 'remote' && c.controlPlane).map((c) => c.controlPlane));
  const legacyGlobal = buildLegacyGlobal(spec);
  // legacy .global: other clusters reach a service through its serving clusters' gateways
  const servesOtherClusters = new Set(spec.clusters.length > 1 ? (legacyGlobal?.services ?? []).flatMap((s) => s.servingClusters) : []);
  const sidecarCrossesNetworks = sidecarTrafficCrossesNetworks(spec);
  const parsed = parseIstioVersion(spec.istio.version);
  if (!parsed) throw new Error(`buildModel: unvalidated istio.version ${spec.istio.version}`);

  const clusterNames = spec.clusters.map((c) => c.name).sort(compareText);
  // Istio 1.4-1.7 (legacy .global): istio-ingressgateway is the cross-cluster gateway and is on
  // in Istio's default profile, in every cluster (values-istio-multicluster-gateways.yaml)
  const operatorGateway = legacyGlobal !== undefined && isLegacyOnly(parsed);
  const clusters = spec.clusters
    .map((c, index): ClusterModel => {
      const ew = c.eastWestGateway ?? {};
      const ingress = c.ingressGateway ?? {};
      return {
        name: c.name,
        network: c.network,
        role: c.role ?? 'primary',
        controlPlane: c.controlPlane,
        region: c.region,
        zone: c.zone,
        podCIDR: c.podCIDR,
        serviceCIDR: c.serviceCIDR,
        apiServer: c.apiServer,
        reader: c.reader,
        secrets: { sopsAge: c.secrets?.sops?.age ?? [], sealedCertFile: c.secrets?.sealedSecrets?.certFile },
        eastWestGateway: {
          enabled: ew.enabled ?? (operatorGateway || (multiNetwork && sidecarCrossesNetworks(c.name)) || servesRemotes.has(c.name) || servesOtherClusters.has(c.name)),
          disabledByUser: ew.enabled === false,
          serviceType: ew.serviceType ?? 'LoadBalancer',
          annotations: ew.annotations ?? {},
          address: ew.address,
          nodePort: ew.nodePort,
        },
        ingressGateway: {
          enabled: ingress.enabled ?? false,
          serviceType: ingress.serviceType ?? 'LoadBalancer',
          annotations: ingress.annotations ?? {},
          namespace: ingress.namespace ?? DEFAULT_INGRESS_NAMESPACE,
          name: ingress.name ?? DEFAULT_INGRESS_GATEWAY_NAME,
          nodePorts: { ...ingress.nodePorts },
          ...(ingress.ingress ? { ingress: { className: ingress.ingress.className, annotations: ingress.ingress.annotations ?? {} } } : {}),
        },
        ...includeIPRanges(c, spec.clusters),
        dns: { provider: c.dns?.provider ?? 'coredns', version: c.dns?.version, istiocorednsAddress: c.dns?.istiocorednsAddress },
        helm: c.helm ?? {},
        ...(c.extraManifests !== undefined ? { extraManifests: c.extraManifests } : {}),
        index,
      };
    })
    .sort((a, b) => compareText(a.name, b.name));

  return {
    name: document.metadata.name,
    meshID: spec.meshID ?? document.metadata.name,
    trustDomain: spec.trustDomain ?? 'cluster.local',
    istio: {
      version: spec.istio.version,
      parsed,
      revision: spec.istio.revision ?? '',
      chartRepository: spec.istio.chartRepository ?? DEFAULT_CHART_REPOSITORY,
      installer: spec.istio.installer ?? 'helm',
      ...upgradeModel(spec.istio.upgrade),
    },
    helm: spec.helm ?? {},
    pki: {
      dir: spec.pki?.dir ?? 'pki',
      // The defaults are the profile of Istio's tools/certs/Makefile.selfsigned.mk.
      root: caProfile(spec.pki?.root, 'Root CA'),
      intermediate: caProfile(spec.pki?.intermediate, 'Intermediate CA'),
      keyType: spec.pki?.keyType ?? 'rsa-4096',
      provider: spec.pki?.provider ?? 'meshgen',
      certManager: certManagerModel(spec.pki?.provider, spec.pki?.certManager),
      intermediates: spec.pki?.intermediates ?? 'per-cluster',
      ...rotationModel(spec.pki),
    },
    secretsMode: spec.secrets?.mode ?? 'plain',
    externalSecrets: externalSecretsModel(spec, spec.meshID ?? document.metadata.name),
    sopsAge: spec.secrets?.sops?.age ?? [],
    sealedSecrets: {
      controllerName: spec.secrets?.sealedSecrets?.controllerName ?? 'sealed-secrets-controller',
      controllerNamespace: spec.secrets?.sealedSecrets?.controllerNamespace ?? 'kube-system',
    },
    dns: { capture: spec.dns?.capture ?? false, autoAllocate: spec.dns?.autoAllocate ?? false },
    clusters,
    networks,
    multiNetwork,
    topology: clusters.some((c) => c.role === 'remote') ? 'primary-remote' : 'multi-primary',
    namespaces: (spec.namespaces ?? [])
      .map((n) => ({ name: n.name, injection: n.injection ?? 'sidecar', clusters: sortedOr(n.clusters, clusterNames) }))
      .sort((a, b) => compareText(a.name, b.name)),
    services: (spec.services ?? []).map((s) => serviceModel(s, clusterNames)).sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name)),
    verification: spec.verification?.enabled ?? false,
    verificationNamespace: spec.verification?.namespace ?? DEFAULT_VERIFICATION_NAMESPACE,
    legacyGlobal,
    gitops: gitopsModel(spec.gitops),
  };
}

/**
 * Whether sidecar traffic leaves a cluster for another network, so that it needs the sidecar
 * east-west gateway (15443). A mesh without ambient namespaces: always (meshgen cannot know the
 * namespaces it was not told of). With ambient namespaces (issue #17): where a namespace with
 * sidecars (declared, or the verification namespace meshgen adds) is in this cluster and in a
 * cluster on another network; the ambient namespaces have an east-west gateway of their own.
 */
function sidecarTrafficCrossesNetworks(spec: MeshDocument['spec']): (cluster: string) => boolean {
  const declared = spec.namespaces ?? [];
  if (!declared.some((n) => n.injection === 'ambient')) return () => true;
  const all = spec.clusters.map((c) => c.name);
  const networkOf = new Map(spec.clusters.map((c) => [c.name, c.network]));
  const sidecar = declared.filter((n) => (n.injection ?? 'sidecar') === 'sidecar').map((n) => n.clusters ?? all);
  // the verification namespace (plan/services-plan.ts) is a sidecar namespace in every cluster unless declared
  if (spec.verification?.enabled && !declared.some((n) => n.name === (spec.verification?.namespace ?? DEFAULT_VERIFICATION_NAMESPACE))) sidecar.push(all);
  return (cluster) => sidecar.some((clusters) => clusters.includes(cluster) && clusters.some((other) => networkOf.get(other) !== networkOf.get(cluster)));
}

function certManagerModel(provider: 'meshgen' | 'cert-manager' | undefined, spec: CertManagerSpec | undefined): CertManagerModel | undefined {
  // validation guarantees an issuerRef when the provider is cert-manager
  if (provider !== 'cert-manager' || !spec?.issuerRef) return undefined;
  const ref = spec.issuerRef;
  return { issuerRef: { kind: ref.kind ?? 'ClusterIssuer', name: ref.name, group: ref.group ?? 'cert-manager.io' }, rootCertFile: spec.rootCertFile };
}

function externalSecretsModel(spec: MeshSpec, meshID: string): ExternalSecretsModel | undefined {
  const given = spec.secrets?.externalSecrets;
  // validation guarantees a storeRef in mode external-secrets
  if (spec.secrets?.mode !== 'external-secrets' || !given?.storeRef) return undefined;
  return {
    storeRef: { kind: given.storeRef.kind ?? 'ClusterSecretStore', name: given.storeRef.name },
    remoteKeyPrefix: given.remoteKeyPrefix ?? `meshgen/${meshID}`,
  };
}

function serviceModel(s: ServiceSpec, clusterNames: string[]): ServiceModel {
  return {
    name: s.name,
    namespace: s.namespace,
    host: `${s.name}.${s.namespace}.svc.cluster.local`,
    ports: (s.ports ?? []).map((p) => {
      const protocol = p.protocol ?? 'TCP';
      // Istio selects the protocol from the port name's prefix (http-, grpc-, tcp-, ...)
      return { name: p.name ?? `${protocol.toLowerCase()}-${p.port}`, port: p.port, protocol };
    }),
    clusters: sortedOr(s.clusters, clusterNames),
    clusterLocal: s.clusterLocal ?? false,
    selector: s.selector,
    localityFailover: s.trafficPolicy?.localityFailover ?? false,
    weights: s.trafficPolicy?.weights,
    ...(s.expose ? { expose: exposeModel(s.expose, s) } : {}),
  };
}

/** Assumes validation: the port exists (or the service has exactly one), SIMPLE has a credentialName. */
function exposeModel(e: ExposeSpec, s: ServiceSpec): ExposeModel {
  const port = e.port ?? s.ports?.[0]?.port;
  if (port === undefined) throw new Error(`buildModel: unvalidated expose of service ${s.name}`);
  const tls: ExposeModel['tls'] =
    e.tls?.mode === 'SIMPLE'
      ? { mode: 'SIMPLE', credentialName: e.tls.credentialName ?? '', httpsRedirect: e.tls.httpsRedirect ?? true }
      : e.tls?.mode === 'PASSTHROUGH'
        ? { mode: 'PASSTHROUGH' }
        : undefined;
  return { hosts: [...e.hosts], clusters: [...e.clusters].sort(compareText), port, ...(tls ? { tls } : {}) };
}

/**
 * proxy.includeIPRanges: `auto` is every podCIDR and serviceCIDR of the clusters on this cluster's
 * network (clusters by name, pod range first, each once), as a sidecar on a flat
 * network reaches them directly; validation guarantees there is at least one.
 */
function includeIPRanges(c: ClusterSpec, all: readonly ClusterSpec[]): Pick<ClusterModel, 'includeIPRanges'> {
  const given = c.proxy?.includeIPRanges;
  if (given === undefined) return {};
  if (given !== 'auto') return { includeIPRanges: { ranges: [...given], auto: false } };
  const ranges = [...all].sort((a, b) => compareText(a.name, b.name)).filter((o) => o.network === c.network).flatMap((o) => [o.podCIDR, o.serviceCIDR]).filter((r): r is string => r !== undefined);
  return { includeIPRanges: { ranges: [...new Set(ranges)], auto: true } };
}

function sortedOr(given: string[] | undefined, all: string[]): string[] {
  return [...(given ?? all)].sort(compareText);
}

/** Users commit out/ beside mesh.yaml, so out/ is the default path of both wrappers. */
function gitopsModel(given: MeshDocument['spec']['gitops']): GitOpsModel {
  const gitops: GitOpsModel = {};
  if (given?.argocd) gitops.argocd = { repoURL: given.argocd.repoURL, targetRevision: given.argocd.targetRevision ?? 'HEAD', path: given.argocd.path ?? 'out' };
  if (given?.flux) gitops.flux = { sourceRef: { kind: given.flux.sourceRef.kind, name: given.flux.sourceRef.name }, path: given.flux.path ?? './out' };
  return gitops;
}

function caProfile(given: { organization?: string; commonName?: string; validityDays?: number } | undefined, commonName: string): CaProfile {
  return {
    organization: given?.organization ?? 'Istio',
    commonName: given?.commonName ?? commonName,
    validityDays: given?.validityDays ?? 3650,
  };
}

function rotationModel(pki: MeshDocument['spec']['pki']): { rotation?: RotationModel } {
  if (!pki?.rotation) return {};
  const root = caProfile(pki.root, 'Root CA');
  const newRoot = pki.rotation.newRoot ?? {};
  return {
    rotation: {
      phase: pki.rotation.phase,
      newRoot: {
        organization: newRoot.organization ?? root.organization,
        commonName: newRoot.commonName ?? `${root.commonName} (new)`,
        validityDays: newRoot.validityDays ?? root.validityDays,
      },
    },
  };
}

function upgradeModel(upgrade: UpgradeSpec | undefined): { upgrade?: UpgradeModel } {
  if (!upgrade) return {};
  const parsed = parseIstioVersion(upgrade.version);
  if (!parsed) throw new Error(`buildModel: unvalidated istio.upgrade.version ${upgrade.version}`);
  return {
    upgrade: {
      revision: upgrade.revision,
      version: upgrade.version,
      parsed,
      phase: upgrade.phase,
      ...(upgrade.namespaces ? { namespaces: [...upgrade.namespaces].sort(compareText) } : {}),
    },
  };
}
