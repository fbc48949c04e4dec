import type { IstioVersion } from './istio-versions.js';
import type { MeshSpec } from './mesh-spec.js';

// Facts about Istio's ambient data plane across clusters (issue #17), each with its source.
// Validation asks them of mesh.yaml as written, the plan of the model.

/**
 * The first release with ambient multicluster: 1.27.0, in alpha ("Introducing multicluster
 * support for ambient mode (alpha)", istio.io blog 2025-08-04; 1.27.0 change notes: alpha
 * ServiceScope in MeshConfig; istio:samples/multicluster/gen-eastwest-gateway.sh gained
 * --ambient at 1.27.0, and manifests/helm-profiles/ambient.yaml its serviceScopeConfigs).
 */
export const FIRST_AMBIENT_MULTICLUSTER = { minor: 27, version: '1.27.0' } as const;

/**
 * Multi-network ambient multicluster is beta from 1.29 ("Ambient multi-network multicluster
 * support is now Beta", istio.io blog 2026-02-18); before that, and on one network in every
 * release so far, it is alpha (istio/istio#61066 tracks single-network to beta).
 */
export const AMBIENT_MULTI_NETWORK_BETA_MINOR = 29;

/**
 * The ambient east-west Gateway's apiVersion: gen-eastwest-gateway.sh --ambient writes
 * gateway.networking.k8s.io/v1beta1 up to 1.28.x and /v1 from 1.29 (istio:samples/multicluster/
 * gen-eastwest-gateway.sh at 1.27.0, 1.28.10 and 1.29.6).
 */
export function ambientGatewayApiVersion(v: IstioVersion): 'gateway.networking.k8s.io/v1' | 'gateway.networking.k8s.io/v1beta1' {
  return v.minor >= 29 ? 'gateway.networking.k8s.io/v1' : 'gateway.networking.k8s.io/v1beta1';
}

/**
 * The Gateway API release each Istio minor builds against (sigs.k8s.io/gateway-api in
 * istio:go.mod at 1.24.6, 1.25.5, 1.26.8, 1.27.9, 1.28.10, 1.29.6, 1.30.3 and 1.31.0-rc.0): its
 * standard-channel CRDs are what the ambient east-west Gateway (and any waypoint) needs.
 */
const GATEWAY_API_BY_MINOR: Record<number, string> = { 24: 'v1.2.1', 25: 'v1.2.1', 26: 'v1.3.0', 27: 'v1.3.0', 28: 'v1.4.1', 29: 'v1.4.1', 30: 'v1.5.1', 31: 'v1.6.0' };

/** For a release meshgen renders ambient for (1.24-1.31; validation refuses the others). */
export function gatewayApiVersion(v: IstioVersion): string {
  return GATEWAY_API_BY_MINOR[v.minor] ?? GATEWAY_API_BY_MINOR[Math.min(Math.max(v.minor, 24), 31)];
}

export const GATEWAY_API_REPOSITORY = 'https://github.com/kubernetes-sigs/gateway-api';
/** The standard channel's CRDs in that repository (config/crd/standard: a directory of CRD files, which Argo CD and Flux apply as they are). */
export const GATEWAY_API_CRD_PATH = 'config/crd/standard';

/** The release asset that holds the same CRDs, for `kubectl apply`. */
export function gatewayApiInstallUrl(version: string): string {
  return `${GATEWAY_API_REPOSITORY}/releases/download/${version}/standard-install.yaml`;
}

/** mesh.yaml declares a namespace with the ambient data plane. */
export function hasAmbientNamespace(spec: MeshSpec): boolean {
  return (spec.namespaces ?? []).some((n) => n.injection === 'ambient');
}
