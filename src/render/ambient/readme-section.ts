import type { MeshModel } from '../../model/mesh-model.js';
import { AMBIENT_EAST_WEST_GATEWAY, EAST_WEST_GATEWAY_CLASS } from '../../plan/ambient-plan.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { AMBIENT_SYNC_WAVES } from '../../plan/gitops-plan.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { GATEWAY_API_CRD_PATH, GATEWAY_API_REPOSITORY } from '../../rules/ambient.js';
import { GATEWAY_API_CRDS_KUSTOMIZATION, GATEWAY_API_SOURCE } from './gitops.js';

// The parts of out/README.md about the ambient data plane (issue #17).

/** Before a cluster's charts: the Gateway API CRDs, server-side (they are too large for a client-side apply). */
export function ambientInstallSteps(plan: ClusterPlan, context: string): string[] {
  return plan.ambient ? [`kubectl --context ${context} apply --server-side -f ${plan.ambient.gatewayApi.installUrl}`] : [];
}

export function ambientReadmeSection(mesh: MeshModel, meshPlan: MeshPlan): string[] {
  const plans = meshPlan.clusters.filter((p) => p.ambient);
  if (!plans.length) return [];
  const namespaces = mesh.namespaces.filter((n) => n.injection === 'ambient');
  const sidecar = mesh.namespaces.filter((n) => n.injection === 'sidecar').map((n) => n.name);
  const version = plans[0].ambient!.gatewayApi.version;
  const global = plans[0].ambient!.globalNamespaces;
  const lines = [
    '## Ambient data plane',
    '',
    `Namespaces ${namespaces.map((n) => `\`${n.name}\``).join(', ')} use Istio's ambient data plane (label \`istio.io/dataplane-mode: ambient\`,`,
    'no sidecar injection label): their pods are captured by the `istio-cni` node agent and their',
    'traffic carried by the `ztunnel` DaemonSet. Clusters with such a namespace install, after',
    '`istiod` (profile `ambient`), the charts `cni` (release `istio-cni`) and `ztunnel`; ztunnel carries',
    'the cluster name and network of its istiod.',
    '',
    `Prerequisite: the standard Gateway API CRDs, release ${version} (the one Istio ${mesh.istio.version} builds against),`,
    'in every ambient cluster before anything else; the install steps above apply them. meshgen does',
    'not copy them into out/: a platform that already manages Gateway API CRDs keeps doing so (use',
    `that release or a newer one). With GitOps they come from ${GATEWAY_API_REPOSITORY} (\`${GATEWAY_API_CRD_PATH}\`),`,
    `tag ${version}: Argo CD Applications \`${mesh.name}-<cluster>-gateway-api-crds\` (wave ${AMBIENT_SYNC_WAVES.gatewayApiCrds}), Flux GitRepository \`${GATEWAY_API_SOURCE}\` and Kustomization`,
    `\`${GATEWAY_API_CRDS_KUSTOMIZATION}\`, which the manifests wait for. Neither ever prunes them (a deleted CRD takes every object of its kind with it).`,
  ];
  if (plans.some((p) => p.ambient!.eastWestGateway)) {
    lines.push(
      '',
      `Across networks, ambient traffic enters a cluster through the Gateway \`${AMBIENT_EAST_WEST_GATEWAY}\` (class \`${EAST_WEST_GATEWAY_CLASS}\`,`,
      'HBONE on 15008), from which istiod makes a Deployment and Service of that name; istiod runs with',
      '`AMBIENT_ENABLE_MULTI_NETWORK=true`. `AMBIENT_ENABLE_MULTI_NETWORK_INGRESS` is left off: turning it on',
      'changed how ingress gateways reach other networks in a mixed mesh (istio/istio#60609).',
    );
    if (meshPlan.clusters.some((p) => p.eastWestGateway)) {
      lines.push(
        'Sidecar traffic keeps its own east-west gateway (`istio-eastwestgateway`, 15443): one gateway',
        'cannot serve both data planes yet (istio/istio#60887).',
      );
    }
  }
  if (global.length) {
    lines.push(
      '',
      `Ambient discovers another cluster's endpoints only for global services. The Services of ${global.map((n) => `\`${n}\``).join(', ')}`,
      '(namespaces in more than one cluster) are global through `meshConfig.serviceScopeConfigs`, which',
      'selects the namespaces by the `kubernetes.io/metadata.name` label the API server sets; a Service',
      'elsewhere can opt in with the label `istio.io/global: "true"` (the ambient profile\'s own rule).',
    );
  }
  lines.push(
    '',
    'Limits of ambient multicluster in this Istio release (istio.io, "Install ambient multicluster"):',
    '',
    '- multi-primary only: a mesh with remote clusters cannot have ambient namespaces;',
    '- calls between an ambient and a sidecar workload do not cross networks (istio/istio#60716):',
    `  keep such callers on one network${sidecar.length ? ` (sidecar namespaces here: ${sidecar.map((n) => `\`${n}\``).join(', ')})` : ''};`,
    '- waypoints must have the same name in every cluster; meshgen renders none;',
    '- every primary\'s intermediate CA must chain to the one shared root in `spec.pki.dir`: ztunnel',
    '  trusts only its own cluster\'s root (istio/istio#61719).',
  );
  return lines;
}
