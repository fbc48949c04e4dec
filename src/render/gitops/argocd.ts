import type { KubeObject } from '../../resource/kube-object.js';
import { ISTIO_NAMESPACE, type ClusterModel, type GitOpsModel, type MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { chartReleases, isOciRepository, valuesFilePath, type ChartRelease } from '../../plan/chart-releases.js';
import { ARGOCD_DIR, repoPath } from './repo-paths.js';
import { NAMESPACE_MANIFEST } from '../cluster/istio-system-namespace.js';

// Argo CD Applications (argoproj.io/v1alpha1) that install one cluster the way out/README.md
// does by hand. They are applied in the cluster that runs Argo CD, namespace `argocd`: one
// root Application per cluster ("app of apps") syncs the cluster's Applications from
// out/argocd/<cluster>/ in sync waves, and each of those targets the cluster's API server.
// Facts: Argo CD user guide (multiple sources, sync waves, diffing, sync options).

export const ARGOCD_NAMESPACE = 'argocd';
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Where Argo CD reaches its own cluster, which holds the child Applications. */
const ARGOCD_IN_CLUSTER = 'https://kubernetes.default.svc';
const PROJECT = 'default';

/**
 * Sync waves in install order (reference 2.x, gotcha 9): the istio-system Namespace (its
 * network label and controlPlaneClusters annotation come before istiod), the base chart
 * (CRDs and the default validator), istiod, the gateways (injected by istiod), then the
 * remaining manifests, whose Istio resources need the CRDs. A remote's gateways come last:
 * they start only once the remote secret is in the primary (gotcha 6), and that secret is
 * built from the reader token Secret among the manifests, so waiting for them before the
 * manifests would never end.
 */
export const SYNC_WAVES = { namespace: 0, 'istio-base': 1, istiod: 2, gateways: 3, manifests: 4, remoteGateways: 5 } as const;

type ArgoCd = NonNullable<GitOpsModel['argocd']>;

export function argoCdApplicationName(mesh: MeshModel, cluster: ClusterModel, part?: string): string {
  return [mesh.name, cluster.name, part].filter(Boolean).join('-');
}

/** The root Application of one cluster: it syncs out/argocd/<cluster>/ into the Argo CD cluster. */
export function argoCdRootApplication(mesh: MeshModel, argo: ArgoCd, cluster: ClusterModel): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: argoCdApplicationName(mesh, cluster), namespace: ARGOCD_NAMESPACE },
    spec: {
      project: PROJECT,
      destination: { server: ARGOCD_IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      source: { repoURL: argo.repoURL, targetRevision: argo.targetRevision, path: repoPath(argo.path, `${ARGOCD_DIR}/${cluster.name}`) },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

/** The Applications of one cluster, in install order; the caller has checked it has apiServer.url. */
export function argoCdApplications(mesh: MeshModel, argo: ArgoCd, plan: ClusterPlan): KubeObject[] {
  const cluster = plan.cluster;
  const server = cluster.apiServer?.url ?? '';
  const application = (part: string, wave: number, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: argoCdApplicationName(mesh, cluster, part),
      namespace: ARGOCD_NAMESPACE,
      annotations: { [SYNC_WAVE_ANNOTATION]: String(wave) },
    },
    spec: { project: PROJECT, destination: { server, namespace: ISTIO_NAMESPACE }, ...spec },
  });
  const manifests = (directory: Record<string, string>) => ({
    repoURL: argo.repoURL,
    targetRevision: argo.targetRevision,
    path: repoPath(argo.path, `${cluster.name}/manifests`),
    directory,
  });

  // The Namespace is its own Application so that it exists before the charts; the manifests
  // Application leaves it out, so no two Applications ever manage one object. Never pruned:
  // deleting istio-system would take cacerts and the remote secrets with it.
  const applications = [
    application('namespace', SYNC_WAVES.namespace, {
      source: manifests({ include: NAMESPACE_MANIFEST }),
      syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
    }),
  ];
  for (const release of chartReleases(mesh, plan)) {
    applications.push(application(release.release, waveOf(release), chartApplicationSpec(mesh, argo, cluster, release)));
  }
  applications.push(
    application('manifests', SYNC_WAVES.manifests, {
      source: manifests({ exclude: NAMESPACE_MANIFEST }),
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
    }),
  );
  return applications;
}

function waveOf(release: ChartRelease): number {
  if (release.chart === 'gateway') return release.waitsForRemoteSecret ? SYNC_WAVES.remoteGateways : SYNC_WAVES.gateways;
  return SYNC_WAVES[release.chart === 'base' ? 'istio-base' : 'istiod'];
}

/**
 * A multi-source Application: the chart from spec.istio.chartRepository at spec.istio.version,
 * and the values file meshgen rendered, from the GitOps repository through a `ref: values` source.
 */
function chartApplicationSpec(mesh: MeshModel, argo: ArgoCd, cluster: ClusterModel, release: ChartRelease): Record<string, unknown> {
  const valueFile = `$values/${repoPath(argo.path, valuesFilePath(cluster.name, release.release))}`;
  const ignoreDifferences = webhookFieldsPatchedByIstiod(release);
  return {
    sources: [
      {
        // Argo CD takes an OCI registry without its scheme (and the repository registered with enableOCI).
        repoURL: isOciRepository(mesh) ? mesh.istio.chartRepository.replace(/^oci:\/\//, '') : mesh.istio.chartRepository,
        chart: release.chart,
        targetRevision: mesh.istio.version,
        helm: { releaseName: release.release, valueFiles: [valueFile] },
      },
      { repoURL: argo.repoURL, targetRevision: argo.targetRevision, ref: 'values' },
    ],
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: [
        // the Namespace Application owns istio-system, with its labels
        'CreateNamespace=false',
        // the base chart's CRDs are large (DestinationRule's is ~160 kB) for client-side
        // apply's last-applied annotation (256 kB at most)
        'ServerSideApply=true',
        // sync keeps what istiod patched, not only the diff
        ...(ignoreDifferences.length ? ['RespectIgnoreDifferences=true'] : []),
      ],
    },
    ...(ignoreDifferences.length ? { ignoreDifferences } : {}),
  };
}

/**
 * istiod patches its webhooks at run time: it fills in `caBundle`, and flips the validating
 * webhooks' `failurePolicy` from Ignore to Fail once it serves (comments in the base and
 * istiod charts' webhook templates; istio/istio#44285). Without these rules Argo CD shows the
 * charts out of sync forever, and a sync would reset the CA bundle and break injection.
 */
function webhookFieldsPatchedByIstiod(release: ChartRelease): Record<string, unknown>[] {
  const group = 'admissionregistration.k8s.io';
  const caBundle = '.webhooks[]?.clientConfig.caBundle';
  const failurePolicy = '.webhooks[]?.failurePolicy';
  if (release.chart === 'base') return [{ group, kind: 'ValidatingWebhookConfiguration', jqPathExpressions: [caBundle, failurePolicy] }];
  if (release.chart === 'istiod') {
    return [
      { group, kind: 'MutatingWebhookConfiguration', jqPathExpressions: [caBundle] },
      { group, kind: 'ValidatingWebhookConfiguration', jqPathExpressions: [caBundle, failurePolicy] },
    ];
  }
  return [];
}
