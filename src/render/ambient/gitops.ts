import type { ApplicationSpec } from '../../imports/argoproj.io.js';
import { GitRepository } from '../../imports/source.toolkit.fluxcd.io.js';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io.js';
import { FLUX_NAMESPACE } from '../../plan/gitops-plan.js';
import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { GATEWAY_API_CRD_PATH, GATEWAY_API_REPOSITORY } from '../../rules/ambient.js';

// The Gateway API CRDs of an ambient cluster in the GitOps wrappers: pulled from the Gateway API
// repository at the release Istio builds against, not copied into out/. They are cluster-wide
// and often already managed by the platform (a managed Kubernetes may install them itself), so
// they stay one separate, pinned, named part that a platform team can drop. They are never
// pruned: deleting a CRD deletes every Gateway and route of its kind in the cluster.

export const GATEWAY_API_SOURCE = 'gateway-api';
export const GATEWAY_API_CRDS_KUSTOMIZATION = 'gateway-api-crds';

/** The Argo CD Application's source and sync policy: the standard CRDs of one Gateway API release. */
export function gatewayApiCrdsApplicationSpec(version: string): Omit<ApplicationSpec, 'project' | 'destination'> {
  return {
    source: { repoUrl: `${GATEWAY_API_REPOSITORY}.git`, targetRevision: version, path: GATEWAY_API_CRD_PATH },
    // the CRDs are too large for client-side apply's last-applied annotation
    syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'Prune=false'] },
  };
}

/** Flux: a GitRepository at the release tag and a Kustomization that applies its standard CRDs. */
export function gatewayApiCrdsFluxObjects(version: string): KubeObject[] {
  return [
    kubeObject(GitRepository, {
      metadata: { name: GATEWAY_API_SOURCE, namespace: FLUX_NAMESPACE },
      spec: { url: `${GATEWAY_API_REPOSITORY}.git`, ref: { tag: version }, interval: '1h' },
    }),
    kubeObject(Kustomization, {
      metadata: { name: GATEWAY_API_CRDS_KUSTOMIZATION, namespace: FLUX_NAMESPACE },
      spec: {
        interval: '1h',
        path: `./${GATEWAY_API_CRD_PATH}`,
        prune: false,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: GATEWAY_API_SOURCE },
      },
    }),
  ];
}
