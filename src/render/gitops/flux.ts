import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { HelmRepository, HelmRepositorySpecType } from '../../imports/source.toolkit.fluxcd.io.js';
import { HelmRelease, HelmReleaseSpecChartSpecSourceRefKind } from '../../imports/helm.toolkit.fluxcd.io.js';
import { Kustomization, KustomizationSpecSourceRefKind, type KustomizationSpecSourceRef } from '../../imports/kustomize.toolkit.fluxcd.io.js';
import { ISTIO_NAMESPACE, type ClusterModel, type GitOpsModel, type MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { isOciRepository, releaseVersion } from '../../plan/chart-releases.js';
import { FLUX_CONTROL_PLANE_KUSTOMIZATION, FLUX_NAMESPACE, type FluxClusterPlan } from '../../plan/gitops-plan.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { fluxClusterDir, FLUX_CONTROL_PLANE_DIR, secretsDir } from '../../resource/out-layout.js';
import { chartValues } from '../helm/chart-values.js';
import { fluxPath } from './repo-paths.js';
import { GATEWAY_API_CRDS_KUSTOMIZATION, gatewayApiCrdsFluxObjects } from '../ambient/gitops.js';
import { SOPS_SECRETS_KUSTOMIZATION_NAME, sopsDecryption } from '../secrets/flux-decryption.js';

// Flux objects that install one cluster the way out/README.md does by hand. Flux runs in every
// cluster, so each cluster gets its own set in out/flux/<cluster>/, applied there by a root
// Kustomization (out/flux/<root>.yaml), in namespace flux-system where the GitOps source lives.
// Facts: Flux API references for source.toolkit.fluxcd.io/v1 HelmRepository,
// helm.toolkit.fluxcd.io/v2 HelmRelease and kustomize.toolkit.fluxcd.io/v1 Kustomization.

export const HELM_REPOSITORY_NAME = 'istio';
export const MANIFESTS_KUSTOMIZATION_NAME = 'istio-manifests';
const INTERVAL = '10m';

type Flux = NonNullable<GitOpsModel['flux']>;

/** Every source kind mesh.yaml may name, as the Kustomization CRD spells it. */
const SOURCE_KINDS: Record<Flux['sourceRef']['kind'], KustomizationSpecSourceRefKind> = {
  GitRepository: KustomizationSpecSourceRefKind.GIT_REPOSITORY,
  OCIRepository: KustomizationSpecSourceRefKind.OCI_REPOSITORY,
  Bucket: KustomizationSpecSourceRefKind.BUCKET,
};

function sourceRef(flux: Flux): KustomizationSpecSourceRef {
  return { kind: SOURCE_KINDS[flux.sourceRef.kind], name: flux.sourceRef.name };
}

/** The root Kustomization of one cluster; its name says which cluster it belongs to. */
export function fluxRootKustomization(flux: Flux, cluster: ClusterModel, plan: FluxClusterPlan): KubeObject {
  return kubeObject(Kustomization, {
    metadata: { name: plan.root.name, namespace: plan.root.namespace },
    spec: { interval: INTERVAL, path: fluxPath(flux.path, fluxClusterDir(cluster.name)), prune: true, sourceRef: sourceRef(flux) },
  });
}

/** The Secret istiod takes its CA from, as a Flux health check names it. */
const CACERTS_HEALTH_CHECK = { apiVersion: 'v1', kind: 'Secret', name: 'cacerts', namespace: ISTIO_NAMESPACE };

export interface FluxClusterObjects {
  /** applied by the root Kustomization (flux/<cluster>/) */
  root: KubeObject[];
  /** applied by the control-plane Kustomization (flux/<cluster>/control-plane/), when the plan has one */
  controlPlane: KubeObject[];
}

/** What the root applies: the chart repository, the releases in install order, the manifests. */
export function fluxObjects(mesh: MeshModel, meshPlan: MeshPlan, flux: Flux, plan: ClusterPlan): FluxClusterObjects {
  const repository = kubeObject(HelmRepository, {
    metadata: { name: HELM_REPOSITORY_NAME, namespace: FLUX_NAMESPACE },
    // the chart version is pinned, so the index rarely needs a refresh
    spec: { url: mesh.istio.chartRepository, interval: '1h', type: isOciRepository(mesh) ? HelmRepositorySpecType.OCI : undefined },
  });
  const objects = [repository];
  const gated = plan.gitops.flux?.controlPlane;
  const controlPlane: KubeObject[] = [];
  let previous: string | undefined;
  for (const release of plan.releases) {
    // base → istiod (→ istio-cni → ztunnel) → gateways: each waits for the one before to be
    // Ready; the gateways all wait for the last release before them
    const dependsOn = previous;
    // with cacerts from git, istiod and what follows it wait for cacerts (gitops-plan.ts)
    (gated && release.chart !== 'base' ? controlPlane : objects).push(
      kubeObject(HelmRelease, {
        metadata: { name: release.release, namespace: FLUX_NAMESPACE },
        spec: {
          interval: INTERVAL,
          // explicit: the default would be "<targetNamespace>-<name>", unlike the manual install
          releaseName: release.release,
          targetNamespace: release.namespace,
          // Helm's release records beside the release, as `helm install -n <namespace>` keeps them
          storageNamespace: release.namespace,
          chart: { spec: { chart: release.chart, version: releaseVersion(mesh, release), sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: HELM_REPOSITORY_NAME } } },
          dependsOn: dependsOn ? [{ name: dependsOn }] : undefined,
          // Keep trying instead of stalling: istio-system comes from the manifests Kustomization,
          // and a remote's gateway pods can be created only once its remote secret is in the
          // primary, both of which may happen after the first attempt.
          install: { remediation: { retries: -1 } },
          values: chartValues(mesh, meshPlan, plan, release),
        },
      }),
    );
    if (release.chart !== 'gateway') previous = release.release;
  }
  // ambient clusters: the Gateway API CRDs, before the manifests (the ambient east-west Gateway is one)
  const gatewayApiCrds = plan.gitops.flux?.gatewayApiCrds;
  if (gatewayApiCrds) objects.push(...gatewayApiCrdsFluxObjects(gatewayApiCrds));
  // kustomize-controller applies Namespaces (and CRDs) before everything else, so istio-system
  // exists early; the Istio resources wait for the base chart's CRDs, retried every minute
  // (a Kustomization can depend on Kustomizations only, not on HelmReleases).
  // fluxcd/pkg ssa/manager_apply.go, ApplyAllStaged: CRDs, ClusterRoles and Namespaces first.
  objects.push(
    kubeObject(Kustomization, {
      metadata: { name: MANIFESTS_KUSTOMIZATION_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        interval: INTERVAL,
        retryInterval: '1m',
        path: fluxPath(flux.path, plan.cluster.name),
        prune: true,
        sourceRef: sourceRef(flux),
        dependsOn: gatewayApiCrds ? [{ name: GATEWAY_API_CRDS_KUSTOMIZATION }] : undefined,
        // the object that makes cacerts is among the manifests: Ready only once the Secret
        // exists. A health check may name any object, not only one this Kustomization applies
        // (kustomize-controller internal/controller/kustomization_controller.go, checkHealth);
        // only this one, as the manifests hold workloads that wait for istiod.
        healthChecks: gated?.gate === 'manifests' ? [CACERTS_HEALTH_CHECK] : undefined,
      },
    }),
  );
  // secrets.mode sops: the SOPS-encrypted Secrets of <cluster>/secrets/, decrypted with the
  // cluster's age key. A Kustomization of their own, so that the cluster's kustomization.yaml
  // stays appliable by `kubectl apply -k` without decryption; Flux generates one for the
  // directory. Until istio-system exists (from the manifests above) it retries. With `wait`,
  // Ready means every Secret in it (cacerts among them) exists.
  if (plan.encryption?.format === 'sops') {
    objects.push(
      kubeObject(Kustomization, {
        metadata: { name: SOPS_SECRETS_KUSTOMIZATION_NAME, namespace: FLUX_NAMESPACE },
        spec: { interval: INTERVAL, retryInterval: '1m', path: fluxPath(flux.path, secretsDir(plan.cluster.name)), prune: true, sourceRef: sourceRef(flux), decryption: sopsDecryption(), wait: gated?.gate === 'secrets' ? true : undefined },
      }),
    );
  }
  // istiod and every release after it, once cacerts exists: a Kustomization may depend on a
  // Kustomization (kustomize.toolkit.fluxcd.io/v1 spec.dependsOn), a HelmRelease only on
  // HelmReleases (helm.toolkit.fluxcd.io/v2 spec.dependsOn); istiod's own dependsOn still names
  // istio-base, applied by the root.
  if (gated) {
    objects.push(
      kubeObject(Kustomization, {
        metadata: { name: FLUX_CONTROL_PLANE_KUSTOMIZATION, namespace: FLUX_NAMESPACE },
        spec: {
          interval: INTERVAL,
          retryInterval: '1m',
          path: fluxPath(flux.path, `${fluxClusterDir(plan.cluster.name)}/${FLUX_CONTROL_PLANE_DIR}`),
          prune: true,
          sourceRef: sourceRef(flux),
          dependsOn: [{ name: gated.gate === 'secrets' ? SOPS_SECRETS_KUSTOMIZATION_NAME : MANIFESTS_KUSTOMIZATION_NAME }],
        },
      }),
    );
  }
  return { root: objects, controlPlane };
}
