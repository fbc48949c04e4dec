import { compareText } from '../diagnostics/diagnostic.js';
import { parseIstioVersion, type IstioVersion } from '../rules/istio-versions.js';
import type { ClusterSpec, MeshDocument, ServiceSpec } from '../rules/mesh-spec.js';
import { buildLegacyGlobal, type LegacyGlobalModel } from './legacy-global.js';

// The normalized mesh: every default applied, every derived fact computed once, clusters
// sorted by name so that the order of mesh.yaml never changes the output.

export const DEFAULT_CHART_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';
export const ISTIO_NAMESPACE = 'istio-system';

export type Topology = 'multi-primary' | 'primary-remote';

export interface CaProfile {
  organization: string;
  commonName: string;
  validityDays: number;
}

export interface GatewayModel {
  enabled: boolean;
  serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  annotations: Record<string, string>;
}

export interface EastWestGatewayModel extends GatewayModel {
  serviceType: 'LoadBalancer' | 'NodePort';
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
  ingressGateway: GatewayModel;
  dns: { provider: 'coredns' | 'coredns-custom' | 'kube-dns'; version?: string; istiocorednsAddress?: string };
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
  istio: { version: string; parsed: IstioVersion; revision: string; chartRepository: string };
  pki: { dir: string; root: CaProfile; intermediate: CaProfile };
  secretsMode: 'plain' | 'omit' | 'sops' | 'sealed-secrets';
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
  const parsed = parseIstioVersion(spec.istio.version);
  if (!parsed) throw new Error(`buildModel: unvalidated istio.version ${spec.istio.version}`);

  const clusterNames = spec.clusters.map((c) => c.name).sort(compareText);
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
          enabled: ew.enabled ?? (multiNetwork || servesRemotes.has(c.name) || servesOtherClusters.has(c.name)),
          serviceType: ew.serviceType ?? 'LoadBalancer',
          annotations: ew.annotations ?? {},
          address: ew.address,
          nodePort: ew.nodePort,
        },
        ingressGateway: {
          enabled: ingress.enabled ?? false,
          serviceType: ingress.serviceType ?? 'LoadBalancer',
          annotations: ingress.annotations ?? {},
        },
        dns: { provider: c.dns?.provider ?? 'coredns', version: c.dns?.version, istiocorednsAddress: c.dns?.istiocorednsAddress },
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
    },
    pki: {
      dir: spec.pki?.dir ?? 'pki',
      // The defaults are the profile of Istio's tools/certs/Makefile.selfsigned.mk.
      root: caProfile(spec.pki?.root, 'Root CA'),
      intermediate: caProfile(spec.pki?.intermediate, 'Intermediate CA'),
    },
    secretsMode: spec.secrets?.mode ?? 'plain',
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
    legacyGlobal,
    gitops: gitopsModel(spec.gitops),
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
  };
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
