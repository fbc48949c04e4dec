import type { MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { AMBIENT_SYNC_WAVES, argoCdApplicationName, FLUX_CONTROL_PLANE_KUSTOMIZATION, SYNC_WAVES } from '../../plan/gitops-plan.js';
import { argocdRootPath, ARGOCD_DIR, fluxClusterDir, fluxRootPath, FLUX_CONTROL_PLANE_DIR, FLUX_DIR } from '../../resource/out-layout.js';
import { HELM_REPOSITORY_NAME, MANIFESTS_KUSTOMIZATION_NAME } from './flux.js';
import { fluxPath } from './repo-paths.js';
import { istiodReleaseName } from '../../plan/chart-releases.js';
import { NAMESPACE_MANIFEST } from '../cluster/istio-system-namespace.js';
import { encryptedGitOpsSection } from '../secrets/encrypted-readme.js';
import { SOPS_SECRETS_KUSTOMIZATION_NAME } from '../secrets/flux-decryption.js';
import { contextOf } from '../docs/kube-context.js';
import { manifestFileName } from '../../resource/kube-object.js';
import { allByReference, byReferenceGitopsLines } from '../secrets/by-reference-readme.js';

// The parts of out/README.md about spec.gitops: where the wrappers are, what they install in
// which order, what to set up before applying them, and how private material gets there.

/** Argo CD's "Resource Health" page, section "Argocd App": how to restore the Application health check. */
const ARGOCD_APPLICATION_HEALTH_DOC = 'https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app';

export function gitopsSections(mesh: MeshModel, meshPlan: MeshPlan, bootstrapSteps: (plan: ClusterPlan) => string[]): string[] {
  const plans = meshPlan.installOrder;
  const { argocd, flux } = mesh.gitops;
  if (!argocd && !flux) return [];
  return [...privateMaterialSection(mesh, meshPlan, bootstrapSteps), ...(argocd ? ['', ...argoCdSection(mesh, plans)] : []), ...(flux ? ['', ...fluxSection(mesh, plans)] : [])];
}

function privateMaterialSection(mesh: MeshModel, meshPlan: MeshPlan, bootstrapSteps: (plan: ClusterPlan) => string[]): string[] {
  const plans = meshPlan.installOrder;
  if (allByReference(mesh, meshPlan)) {
    return ['## GitOps: what cannot come from git', '', ...byReferenceGitopsLines(mesh, meshPlan), '', '```sh', ...plans.flatMap((plan) => bootstrapSteps(plan)), '```'];
  }
  const encrypted = encryptedGitOpsSection(mesh);
  if (encrypted.length) return encrypted;
  // pki.provider cert-manager with remote secrets in plain text (or by hand): cacerts by reference, the rest not
  const cacertsByReference = plans.some((p) => p.byReference.cacertsObject);
  const lines = [
    '## GitOps: what cannot come from git',
    '',
    ...(cacertsByReference
      ? [
          mesh.secretsMode === 'plain'
            ? '`*/secrets/` holds the remote secrets\' tokens and is git-ignored, so neither Argo CD nor Flux can\napply it.'
            : `With \`secrets.mode: ${mesh.secretsMode}\`, out/ holds no private material.`,
          'Before a cluster\'s istiod is installed, apply its `istio-system` Namespace and, on a primary,',
          'the object that makes `cacerts`, and wait until it is Ready (Argo CD does both in wave 0). Otherwise',
          'istiod starts with a self-signed CA, and must be restarted once `cacerts` exists.',
        ]
      : [
          mesh.secretsMode === 'plain'
            ? '`*/secrets/` holds private keys and tokens and is git-ignored, so neither Argo CD nor Flux can\napply it.'
            : 'With `secrets.mode: omit`, out/ holds no private material; the CA keys stay in `spec.pki.dir`.',
          'Before a cluster\'s istiod is installed, create its `istio-system` Namespace and, on a primary,',
          'the `cacerts` Secret by hand. Otherwise istiod starts with a self-signed CA, and must be',
          'restarted once `cacerts` exists. The GitOps tool adopts the Namespace afterwards.',
        ]),
    '',
    '```sh',
    ...plans.flatMap((plan) => bootstrapSteps(plan)),
    '```',
  ];
  if (meshPlan.readClusters.length) {
    lines.push('', 'The remote secrets, too, are applied by hand, as in "Install order" above.');
    if (mesh.secretsMode === 'plain') {
      lines.push(
        'To keep them in git instead, encrypt them with your secrets tool (Sealed Secrets, SOPS with',
        'Flux\'s decryption, External Secrets): meshgen writes them in plain text.',
      );
    }
  }
  return lines;
}

function argoCdSection(mesh: MeshModel, plans: readonly ClusterPlan[]): string[] {
  const argo = mesh.gitops.argocd!;
  const cacertsObjects = [...new Set(plans.flatMap((p) => (p.byReference.cacertsObject ? [manifestFileName(p.byReference.cacertsObject)] : [])))];
  const byReference = plans.every((p) => !p.cacerts || p.byReference.cacertsObject);
  const app = (part: string) => `${mesh.name}-<cluster>-${part}`;
  const remotes = plans.filter((p) => p.releases.some((r) => r.waitsForRemoteSecret));
  const ambient = plans.filter((p) => p.ambient).map((p) => p.cluster.name);
  const lines = [
    '## Argo CD',
    '',
    `\`${ARGOCD_DIR}/\` installs the mesh with one Argo CD (namespace \`argocd\`) that manages every`,
    `cluster, from ${argo.repoURL} at revision \`${argo.targetRevision}\`, where out/ is \`${argo.path}\`.`,
    `Each cluster has a root Application, \`${mesh.name}-<cluster>\` in \`${ARGOCD_DIR}/\`; it syncs the`,
    `cluster's Applications from \`${ARGOCD_DIR}/<cluster>/\`, which install it in sync waves:`,
    '',
    '| wave | Application | installs |',
    '|---|---|---|',
    `| ${SYNC_WAVES.namespace} | \`${app('namespace')}\` | \`<cluster>/manifests/${NAMESPACE_MANIFEST}\`${cacertsObjects.length ? `; on a primary, ${cacertsObjects.map((f) => `\`${f}\``).join(', ')}, which makes \`cacerts\` (Argo CD waits until it is Ready)` : ''} |`,
    ...(mesh.secretsMode === 'sealed-secrets' ? [`| ${SYNC_WAVES.sealedSecrets} | \`${app('sealed-secrets')}\` | the SealedSecrets in \`<cluster>/manifests/\` (cacerts, remote secrets), on a primary |`] : []),
    `| ${SYNC_WAVES['istio-base']} | \`${app('istio-base')}\` | chart \`base\` ${mesh.istio.version} with \`<cluster>/helm/istio-base.values.yaml\` |`,
    `| ${SYNC_WAVES.istiod} | \`${app(istiodReleaseName(mesh.istio.revision))}\` | chart \`istiod\` with \`<cluster>/helm/${istiodReleaseName(mesh.istio.revision)}.values.yaml\` |`,
    `| ${SYNC_WAVES.gateways} | \`${app('istio-eastwestgateway')}\`, \`${app('istio-ingressgateway')}\` | chart \`gateway\`, where the cluster has them |`,
    `| ${SYNC_WAVES.manifests} | \`${app('manifests')}\` | every other file in \`<cluster>/manifests/\` |`,
    ...(ambient.length
      ? [
          `| ${AMBIENT_SYNC_WAVES.gatewayApiCrds} | \`${app('gateway-api-crds')}\` | ambient clusters (${ambient.join(', ')}): the Gateway API CRDs |`,
          `| ${AMBIENT_SYNC_WAVES.cni}, ${AMBIENT_SYNC_WAVES.ztunnel} | \`${app('istio-cni')}\`, \`${app('ztunnel')}\` | ambient clusters: charts \`cni\` and \`ztunnel\`; their gateways and manifests come two waves later (${SYNC_WAVES.gateways + 2}, ${SYNC_WAVES.manifests + 2}) |`,
        ]
      : []),
    ...(remotes.length ? [`| ${SYNC_WAVES.remoteGateways} | a remote's gateways | chart \`gateway\`, once the remote's secret is in its primary |`] : []),
    '',
    'Before you apply them:',
    '',
    '1. Register every cluster in Argo CD under its `apiServer.url` (`argocd cluster add <context>`):',
    '   the Applications name it as their `destination.server`, and Argo CD matches it exactly.',
    '',
    '   | cluster | destination.server |',
    '   |---|---|',
    ...plans.map((p) => `   | ${p.cluster.name} | ${p.cluster.apiServer?.url} |`),
    '',
    `2. Let Argo CD read ${argo.repoURL}${mesh.istio.chartRepository.startsWith('oci://') ? ', and register the chart registry as a Helm repository with `enableOCI: true`' : ''}.`,
    '3. Restore the health check of `argoproj.io/Application` in `argocd-cm`, which Argo CD removed',
    '   in 1.8: without it a root Application starts a wave without waiting for the one before to',
    `   be healthy. See ${ARGOCD_APPLICATION_HEALTH_DOC}`,
    byReference ? '4. Nothing else by hand: wave 0 applies each primary\'s Namespace with the object that makes `cacerts`.' : '4. Create the Namespace and `cacerts` as above.',
    '',
    'Then apply the root Applications in the cluster that runs Argo CD: all of them,',
    '',
    '```sh',
    'export CTX_ARGOCD=<kubectl context of the cluster that runs Argo CD>',
    `kubectl --context "$CTX_ARGOCD" apply -k ${ARGOCD_DIR}`,
    '```',
    '',
    'or one cluster at a time, primaries first:',
    '',
    '```sh',
    ...plans.map((p) => `kubectl --context "$CTX_ARGOCD" apply -f ${argocdRootPath(p.gitops.argocd!.root)}`),
    '```',
    '',
    'What the Applications set, and why: istiod patches its webhooks at run time (`caBundle`, and',
    '`failurePolicy` of the validating webhooks, from Ignore to Fail), so the `istio-base` and `istiod`',
    'Applications ignore those fields (`ignoreDifferences`) and keep them when they sync',
    '(`RespectIgnoreDifferences=true`). A cluster\'s Applications apply server-side',
    '(`ServerSideApply=true`: the base chart\'s CRDs are large); none creates a namespace',
    '(`CreateNamespace=false`): the Namespace Application owns `istio-system` with its labels, and',
    'is never pruned.',
  ];
  if (remotes.length) {
    lines.push(
      '',
      `A remote's gateway Applications (${remotes.map((p) => `\`${argoCdApplicationName(mesh, p.cluster, 'istio-eastwestgateway')}\``).join(', ')})`,
      `come last, in wave ${SYNC_WAVES.remoteGateways}, after the reader token Secret among the remote's manifests. They stay`,
      'progressing until the remote\'s secret is in its primary, whose istiod injects them.',
    );
  }
  return lines;
}

function fluxSection(mesh: MeshModel, plans: readonly ClusterPlan[]): string[] {
  const flux = mesh.gitops.flux!;
  const source = `${flux.sourceRef.kind}/${flux.sourceRef.name}`;
  // cacerts comes from git: istiod waits for it (gitops-plan.ts, FluxClusterPlan.controlPlane)
  const gated = plans.some((p) => p.gitops.flux?.controlPlane);
  return [
    '## Flux',
    '',
    `\`${FLUX_DIR}/<cluster>/\` installs a cluster with that cluster's own Flux (namespace \`flux-system\`),`,
    `from the source \`${source}\`, where out/ is \`${flux.path}\`:`,
    '',
    `- HelmRepository \`${HELM_REPOSITORY_NAME}\`: ${mesh.istio.chartRepository};`,
    '- a HelmRelease per chart, in install order (`dependsOn`: `istio-base`, then `istiod`, then the',
    `  gateways${plans.some((p) => p.ambient) ? '; on an ambient cluster `istio-cni` and `ztunnel` come between istiod and the gateways' : ''}), with the values of \`<cluster>/helm/\`;`,
    `- Kustomization \`${MANIFESTS_KUSTOMIZATION_NAME}\` for \`${fluxPath(flux.path, '<cluster>')}\`. Flux applies its Namespace first; its`,
    '  Istio resources are retried until the `base` chart has installed their CRDs.',
    ...(mesh.secretsMode === 'sops' ? [`- on a primary, Kustomization \`${SOPS_SECRETS_KUSTOMIZATION_NAME}\` for \`${fluxPath(flux.path, '<cluster>/secrets')}\`: the SOPS-encrypted Secrets, decrypted${gated ? ' (`wait: true`: Ready once they exist)' : ''}.`] : []),
    ...(gated
      ? [
          `- on a primary, Kustomization \`${FLUX_CONTROL_PLANE_KUSTOMIZATION}\` for \`${fluxPath(flux.path, `${fluxClusterDir('<cluster>')}/${FLUX_CONTROL_PLANE_DIR}`)}\`: istiod and every`,
          `  release after it. It \`dependsOn\` ${mesh.secretsMode === 'sops' ? `\`${SOPS_SECRETS_KUSTOMIZATION_NAME}\`` : `\`${MANIFESTS_KUSTOMIZATION_NAME}\`, which has a health check on Secret \`cacerts\``}, so istiod starts only once`,
          '  `cacerts` exists (a HelmRelease can depend on HelmReleases only, a Kustomization on',
          `  Kustomizations); \`istio-base\` stays with the root, as the manifests need its CRDs. The root`,
          `  applies \`${FLUX_DIR}/<cluster>/kustomization.yaml\`, which leaves \`${FLUX_CONTROL_PLANE_DIR}/\` out.`,
        ]
      : []),
    '',
    gated
      ? `Nothing by hand before it${mesh.secretsMode === 'sops' ? ' but the `sops-age` Secret' : ''}: apply each cluster's root Kustomization in that`
      : plans.every((p) => !p.cacerts || p.byReference.cacertsObject)
        ? `Apply the Namespace and the object that makes \`cacerts\` as above, then each cluster's root Kustomization in that`
        : `Create the Namespace and \`cacerts\` as above, then apply each cluster's root Kustomization in that`,
    `cluster, once; from then on Flux follows \`${fluxPath(flux.path, fluxClusterDir('<cluster>'))}\`:`,
    '',
    '```sh',
    ...plans.map((p) => `kubectl --context ${contextOf(p.cluster)} apply -f ${fluxRootPath(p.gitops.flux!.root)}`),
    '```',
    '',
    'Each HelmRelease installs into `istio-system` under the release name of the manual install, and',
    'keeps retrying a failed install (a remote\'s gateways can start only once its remote secret is in',
    'its primary).',
  ];
}
