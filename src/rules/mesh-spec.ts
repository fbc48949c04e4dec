import type { HelmOverlays } from './helm-overlays.js';

// The shape of mesh.yaml after schema validation (schemas/mesh.schema.json is the source of truth).
// Everything optional here is defaulted in mesh-model.ts.

export interface MeshDocument {
  apiVersion: 'meshgen.dev/v1alpha1';
  kind: 'Mesh';
  metadata: { name: string };
  spec: MeshSpec;
}

/** spec.pki.keyType: the key of each CA meshgen creates */
export type CaKeyType = 'rsa-4096' | 'ecdsa-p256' | 'ecdsa-p384';

export interface CaProfileSpec {
  organization?: string;
  commonName?: string;
  validityDays?: number;
}

/** spec.pki.rotation: a staged root rotation in progress */
export interface RotationSpec {
  newRoot?: CaProfileSpec;
  phase: 'trust-both' | 'sign-with-new' | 'drop-old';
}

/** spec.istio.upgrade: a canary control-plane upgrade in progress */
export interface UpgradeSpec {
  revision: string;
  version: string;
  phase: 'canary' | 'migrate' | 'finalize';
  namespaces?: string[];
}

export interface MeshSpec {
  meshID?: string;
  trustDomain?: string;
  istio: { version: string; revision?: string; chartRepository?: string; installer?: 'helm' | 'istioctl'; upgrade?: UpgradeSpec };
  /** mesh-wide Helm values overlays by release (clusters[].helm wins over these) */
  helm?: HelmOverlays;
  networks?: string[];
  pki?: { dir?: string; root?: CaProfileSpec; intermediate?: CaProfileSpec; keyType?: CaKeyType; provider?: 'meshgen' | 'cert-manager'; certManager?: CertManagerSpec; rotation?: RotationSpec; intermediates?: 'per-cluster' | 'shared' };
  secrets?: {
    mode?: 'plain' | 'omit' | 'sops' | 'sealed-secrets' | 'external-secrets';
    sops?: { age?: string[] };
    sealedSecrets?: { controllerName?: string; controllerNamespace?: string };
    externalSecrets?: ExternalSecretsSpec;
  };
  dns?: { capture?: boolean; autoAllocate?: boolean };
  clusters: ClusterSpec[];
  namespaces?: { name: string; injection?: 'sidecar' | 'ambient' | 'disabled'; clusters?: string[] }[];
  services?: ServiceSpec[];
  legacy?: { global?: { enabled?: boolean; suffix?: string } };
  verification?: { enabled?: boolean; namespace?: string };
  gitops?: {
    argocd?: { repoURL: string; targetRevision?: string; path?: string };
    flux?: { sourceRef: { kind: 'GitRepository' | 'OCIRepository' | 'Bucket'; name: string }; path?: string };
  };
}

/** spec.pki.certManager (provider cert-manager) */
export interface CertManagerSpec {
  issuerRef?: { kind?: 'ClusterIssuer' | 'Issuer'; name: string; group?: string };
  rootCertFile?: string;
}

/** spec.secrets.externalSecrets (mode external-secrets) */
export interface ExternalSecretsSpec {
  storeRef?: { kind?: 'ClusterSecretStore' | 'SecretStore'; name: string };
  remoteKeyPrefix?: string;
}

export interface ServiceSpec {
  name: string;
  namespace: string;
  ports?: { name?: string; port: number; protocol?: string }[];
  clusters?: string[];
  clusterLocal?: boolean;
  selector?: Record<string, string>;
  trafficPolicy?: { localityFailover?: boolean; weights?: Record<string, number> };
  /** legacy.global: a pinned virtual IP for <name>.<namespace>.<suffix> */
  vip?: string;
  /** north-south: a Gateway on these clusters' ingress gateways and a VirtualService to the service */
  expose?: ExposeSpec;
}

export interface ExposeSpec {
  hosts: string[];
  clusters: string[];
  port?: number;
  tls?: { mode: 'SIMPLE' | 'PASSTHROUGH'; credentialName?: string; httpsRedirect?: boolean };
}

export interface ClusterSpec {
  name: string;
  network: string;
  role?: 'primary' | 'remote';
  controlPlane?: string;
  region?: string;
  zone?: string;
  podCIDR?: string;
  serviceCIDR?: string;
  apiServer?: { url?: string; caFile?: string; caData?: string };
  reader?: { tokenFile?: string; tokenEnv?: string };
  /** this cluster's part of spec.secrets.mode */
  secrets?: { sops?: { age?: string[] }; sealedSecrets?: { certFile?: string } };
  eastWestGateway?: {
    enabled?: boolean;
    serviceType?: 'LoadBalancer' | 'NodePort';
    annotations?: Record<string, string>;
    address?: string;
    nodePort?: number;
  };
  ingressGateway?: {
    enabled?: boolean;
    namespace?: string;
    name?: string;
    serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
    annotations?: Record<string, string>;
    nodePorts?: { http?: number; https?: number; status?: number };
    ingress?: { className: string; annotations?: Record<string, string> };
  };
  /** Helm values overlays by release, over spec.helm */
  helm?: HelmOverlays;
  /** a directory of the user's own objects, relative to mesh.yaml */
  extraManifests?: string;
  /** sidecar capture: 'auto' or the ranges (the injector's global.proxy.includeIPRanges) */
  proxy?: { includeIPRanges?: 'auto' | string[] };
  /** istiocorednsAddress: legacy.global on Istio with istiocoredns, the ClusterIP the .global stub forwards to */
  dns?: { provider?: 'coredns' | 'coredns-custom' | 'kube-dns'; version?: string; istiocorednsAddress?: string };
}
