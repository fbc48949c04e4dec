// The shape of mesh.yaml after schema validation (schemas/mesh.schema.json is the source of truth).
// Everything optional here is defaulted in mesh-model.ts.

export interface MeshDocument {
  apiVersion: 'meshgen.dev/v1alpha1';
  kind: 'Mesh';
  metadata: { name: string };
  spec: MeshSpec;
}

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
  pki?: { dir?: string; root?: CaProfileSpec; intermediate?: CaProfileSpec };
  secrets?: {
    mode?: 'plain' | 'omit' | 'sops' | 'sealed-secrets';
    sops?: { age?: string[] };
    sealedSecrets?: { controllerName?: string; controllerNamespace?: string };
  };
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
    serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
    annotations?: Record<string, string>;
  };
  /** istiocorednsAddress: legacy.global on Istio with istiocoredns, the ClusterIP the .global stub forwards to */
  dns?: { provider?: 'coredns' | 'coredns-custom' | 'kube-dns'; version?: string; istiocorednsAddress?: string };
}
