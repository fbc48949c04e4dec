import { kubeObject, manifestFileName, type KubeObject } from '../../resource/kube-object.js';
import { Application, type ApplicationSpec, type ApplicationSpecIgnoreDifferences } from '../../imports/argoproj.io.js';
import { ISTIO_NAMESPACE, type ClusterModel, type GitOpsModel, type MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { isOciRepository, type ChartRelease, releaseVersion } from '../../plan/chart-releases.js';
import { ARGOCD_NAMESPACE, type ArgoCdApplicationPlan, type ArgoCdClusterPlan } from '../../plan/gitops-plan.js';
import { argocdClusterDir, manifestsDir, valuesFilePath } from '../../resource/out-layout.js';
import { repoPath } from './repo-paths.js';
import { NAMESPACE_MANIFEST } from '../cluster/istio-system-namespace.js';
import { gatewayApiCrdsApplicationSpec } from '../ambient/gitops.js';
import { SEALED_SECRET_GROUP, SEALED_SECRET_KIND } from '../../plan/secret-delivery.js';

// Argo CD Applications (argoproj.io/v1alpha1) that install one cluster the way out/README.md
// does by hand. They are applied in the cluster that runs Argo CD, namespace `argocd`: one
// root Application per cluster ("app of apps") syncs the cluster's Applications from
// out/argocd/<cluster>/ in sync waves, and each of those targets the cluster's API server.
// The plan names them and orders them in waves (plan/gitops-plan.ts).
// Facts: Argo CD user guide (multiple sources, sync waves, diffing, sync options).
// (`cdk8s import` spells the CRD's repoURL as repoUrl; manifest() writes it back.)

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Where Argo CD reaches its own cluster, which holds the child Applications. */
const ARGOCD_IN_CLUSTER = 'https://kubernetes.default.svc';
const PROJECT = 'default';

type ArgoCd = NonNullable<GitOpsModel['argocd']>;

/** The root Application of one cluster: it syncs out/argocd/<cluster>/ into the Argo CD cluster. */
export function argoCdRootApplication(argo: ArgoCd, cluster: ClusterModel, plan: ArgoCdClusterPlan): KubeObject {
  return kubeObject(Application, {
    metadata: { name: plan.root.name, namespace: plan.root.namespace },
    spec: {
      project: PROJECT,
      destination: { server: ARGOCD_IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      source: { repoUrl: argo.repoURL, targetRevision: argo.targetRevision, path: repoPath(argo.path, argocdClusterDir(cluster.name)) },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  });
}

/** The Applications of one cluster, in install order; validation guarantees it has apiServer.url (MG2401). */
export function argoCdApplications(mesh: MeshModel, argo: ArgoCd, plan: ClusterPlan, argoPlan: ArgoCdClusterPlan): KubeObject[] {
  const cluster = plan.cluster;
  const server = cluster.apiServer?.url;
  if (!server) throw new Error(`internal: Argo CD Applications for cluster ${cluster.name} without apiServer.url`);
  return argoPlan.applications.map((application) =>
    kubeObject(Application, {
      metadata: { name: application.name, namespace: ARGOCD_NAMESPACE, annotations: { [SYNC_WAVE_ANNOTATION]: String(application.wave) } },
      spec: { project: PROJECT, destination: { server, namespace: application.release?.namespace ?? ISTIO_NAMESPACE }, ...applicationSpec(mesh, argo, cluster, application, argoPlan, namespaceManifests(plan)) },
    }),
  );
}

/** What an Application syncs, and how: everything in its spec but the project and destination. */
type SyncSpec = Omit<ApplicationSpec, 'project' | 'destination'>;

/**
 * The Namespaces the charts install into: istio-system, and the ingress gateway's namespace
 * where it has one: their manifest files (applicationSpec joins them into one glob for Argo CD).
 */
function namespaceManifests(plan: ClusterPlan): string[] {
  const files = [...new Set(plan.releases.map((r) => r.namespace))]
    .map((name) => manifestFileName({ group: '', kind: 'Namespace', namespace: '', name }))
    .filter((file) => file !== NAMESPACE_MANIFEST);
  return [NAMESPACE_MANIFEST, ...files];
}

function applicationSpec(mesh: MeshModel, argo: ArgoCd, cluster: ClusterModel, application: ArgoCdApplicationPlan, argoPlan: ArgoCdClusterPlan, namespaces: readonly string[]): SyncSpec {
  if (application.release) return chartApplicationSpec(mesh, argo, cluster, application.release);
  if (application.gatewayApiCrds) return gatewayApiCrdsApplicationSpec(application.gatewayApiCrds);
  // The Namespace is its own Application so that it exists before the charts; the manifests
  // Application leaves it out, so no two Applications ever manage one object. Never pruned:
  // deleting istio-system would take cacerts and the remote secrets with it.
  const namespaceOnly = application.manifests === 'namespace';
  // The object that makes cacerts goes with the Namespace: Argo CD waits for its health (the
  // Certificate or ExternalSecret Ready) before the charts' waves, so istiod starts with cacerts.
  // Argo CD's directory include/exclude take one glob; {a,b} matches either file.
  const files = [...namespaces, ...(application.withNamespace ?? []).map(manifestFileName)];
  return {
    source: {
      repoUrl: argo.repoURL,
      targetRevision: argo.targetRevision,
      path: repoPath(argo.path, manifestsDir(cluster.name)),
      directory: manifestSelection(application, argoPlan, files),
    },
    syncPolicy: { automated: { prune: !namespaceOnly, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
  };
}

/**
 * A multi-source Application: the chart from spec.istio.chartRepository at spec.istio.version,
 * and the values file meshgen rendered, from the GitOps repository through a `ref: values` source.
 */
function chartApplicationSpec(mesh: MeshModel, argo: ArgoCd, cluster: ClusterModel, release: ChartRelease): SyncSpec {
  const valueFile = `$values/${repoPath(argo.path, valuesFilePath(cluster.name, release.release))}`;
  const ignoreDifferences = webhookFieldsPatchedByIstiod(release);
  return {
    sources: [
      {
        // Argo CD takes an OCI registry without its scheme (and the repository registered with enableOCI).
        repoUrl: isOciRepository(mesh) ? mesh.istio.chartRepository.replace(/^oci:\/\//, '') : mesh.istio.chartRepository,
        chart: release.chart,
        targetRevision: releaseVersion(mesh, release),
        helm: { releaseName: release.release, valueFiles: [valueFile] },
      },
      { repoUrl: argo.repoURL, targetRevision: argo.targetRevision, ref: 'values' },
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
    ignoreDifferences: ignoreDifferences.length ? ignoreDifferences : undefined,
  };
}

/**
 * istiod patches its webhooks at run time: it fills in `caBundle`, and flips the validating
 * webhooks' `failurePolicy` from Ignore to Fail once it serves (comments in the base and
 * istiod charts' webhook templates; istio/istio#44285). Without these rules Argo CD shows the
 * charts out of sync forever, and a sync would reset the CA bundle and break injection.
 */
function webhookFieldsPatchedByIstiod(release: ChartRelease): ApplicationSpecIgnoreDifferences[] {
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

/**
 * Which files of manifests/ an Application syncs: the Namespace alone, the SealedSecrets alone
 * (secrets.mode sealed-secrets), or every other file; no two Applications manage one object.
 * Argo CD's directory include/exclude take globs, `{a,b}` for either.
 */
function manifestSelection(application: ArgoCdApplicationPlan, argoPlan: ArgoCdClusterPlan, withNamespace: readonly string[]): { include?: string; exclude?: string } {
  const glob = (patterns: readonly string[]) => (patterns.length === 1 ? patterns[0]! : `{${patterns.join(',')}}`);
  if (application.manifests === 'namespace') return { include: glob(withNamespace) };
  if (application.manifests === 'sealedSecrets') return { include: SEALED_SECRETS_GLOB };
  const sealed = argoPlan.applications.some((a) => a.manifests === 'sealedSecrets');
  return { exclude: glob(sealed ? [...withNamespace, SEALED_SECRETS_GLOB] : withNamespace) };
}

const SEALED_SECRETS_GLOB = `${SEALED_SECRET_GROUP}_${SEALED_SECRET_KIND}_*.yaml`;
