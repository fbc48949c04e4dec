import type { MeshModel } from '../../model/mesh-model.js';
import type { AmbientClusterPlan } from '../../plan/ambient-plan.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

// Values of the ambient data plane's charts (istio/cni, istio/ztunnel) and what ambient adds to
// istiod's, per ../shared/reference/gitops-secrets.md section 6 (the values are unchanged from
// 1.28 to 1.30). Neither chart has a values schema: the keys below are the ones their
// values.yaml names (manifests/charts/{istio-cni,ztunnel}/values.yaml), or `profile`, which
// each chart's templates/zzz_profile.yaml reads. The conformance tests check every key against
// the real 1.30.3 charts, and the ecosystem tier renders them.

/** istio/cni: the ambient profile turns on the ambient node agent (files/profile-ambient.yaml: cni.ambient.enabled). */
export interface CniValues {
  profile: 'ambient';
  /** the control plane revision; names the revisioned resources */
  revision?: string;
}

/**
 * istio/ztunnel. The chart flattens `global` onto the top level (templates/zzz_profile.yaml)
 * and reads `.Values.network` (env NETWORK) and `.Values.multiCluster.clusterName` (env
 * ISTIO_META_CLUSTER_ID, "Kubernetes" when empty): both must match istiod's, or other clusters'
 * endpoints are attributed to the wrong cluster (templates/daemonset.yaml).
 */
export interface ZtunnelValues {
  profile: 'ambient';
  multiCluster: { clusterName: string };
  global: { network: string };
  /** ztunnel's CA and XDS address: istiod-<revision> (templates/daemonset.yaml) */
  revision?: string;
}

/** What ambient sets in istiod's values. */
export interface IstiodAmbientValues {
  profile: 'ambient';
  env?: { AMBIENT_ENABLE_MULTI_NETWORK: 'true' };
  serviceScopeConfigs?: ServiceScopeConfig[];
}

/** MeshConfig.ServiceScopeConfigs (istio.io/api mesh/v1alpha1/config.proto). */
export interface ServiceScopeConfig {
  namespaceSelector?: LabelSelector;
  servicesSelector?: LabelSelector;
  scope: 'GLOBAL' | 'LOCAL';
}

interface LabelSelector {
  matchExpressions: { key: string; operator: 'In'; values: string[] }[];
}

/**
 * The ambient profile's own entry (manifests/helm-profiles/ambient.yaml): a Service labelled
 * istio.io/global=true is global. A serviceScopeConfigs list in the values replaces the
 * profile's, so it is repeated first: users keep that opt-in for namespaces meshgen does not know.
 */
export const PROFILE_SERVICE_SCOPE: ServiceScopeConfig = {
  servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] },
  scope: 'GLOBAL',
};

/**
 * The label the API server puts on every Namespace, its name (Kubernetes "Well-Known Labels,
 * Annotations and Taints": kubernetes.io/metadata.name, GA in 1.22). Selecting on it needs no
 * label on anything the user owns.
 */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function cniValues(mesh: MeshModel): CniValues {
  return { profile: 'ambient', ...(mesh.istio.revision ? { revision: mesh.istio.revision } : {}) };
}

export function ztunnelValues(mesh: MeshModel, plan: ClusterPlan): ZtunnelValues {
  return {
    profile: 'ambient',
    multiCluster: { clusterName: plan.cluster.name },
    global: { network: plan.cluster.network },
    ...(mesh.istio.revision ? { revision: mesh.istio.revision } : {}),
  };
}

export function istiodAmbientValues(ambient: AmbientClusterPlan): IstiodAmbientValues {
  return {
    profile: 'ambient',
    ...(ambient.multiNetwork ? { env: { AMBIENT_ENABLE_MULTI_NETWORK: 'true' as const } } : {}),
    ...(ambient.globalNamespaces.length
      ? {
          serviceScopeConfigs: [
            PROFILE_SERVICE_SCOPE,
            { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...ambient.globalNamespaces] }] }, scope: 'GLOBAL' },
          ],
        }
      : {}),
  };
}
