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

export interface MeshSpec {
  meshID?: string;
  trustDomain?: string;
  istio: { version: string; revision?: string; chartRepository?: string };
  networks?: string[];
  pki?: { dir?: string; root?: CaProfileSpec; intermediate?: CaProfileSpec; keyType?: CaKeyType };
  secrets?: { mode?: 'plain' | 'omit' };
  dns?: { capture?: boolean; autoAllocate?: boolean };
  clusters: ClusterSpec[];
  namespaces?: { name: string; injection?: 'sidecar' | 'ambient' | 'disabled'; clusters?: string[] }[];
  services?: ServiceSpec[];
  legacy?: { global?: { enabled?: boolean; suffix?: string } };
  verification?: { enabled?: boolean };
  gitops?: {
    argocd?: { repoURL: string; targetRevision?: string; path?: string };
    flux?: { sourceRef: { kind: 'GitRepository' | 'OCIRepository' | 'Bucket'; name: string }; path?: string };
  };
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
  eastWestGateway?: {
    enabled?: boolean;
    serviceType?: 'LoadBalancer' | 'NodePort';
    annotations?: Record<string, string>;
    address?: string;
    nodePort?: number;
  };
  ingressGateway?: {
    enabled?: boolean;
    serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
    annotations?: Record<string, string>;
  };
  /** istiocorednsAddress: legacy.global on Istio with istiocoredns, the ClusterIP the .global stub forwards to */
  dns?: { provider?: 'coredns' | 'coredns-custom' | 'kube-dns'; version?: string; istiocorednsAddress?: string };
}
