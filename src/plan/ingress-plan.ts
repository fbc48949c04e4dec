import type { ClusterModel, IngressGatewayModel, MeshModel, ServiceModel } from '../model/mesh-model.js';
import { remotesServedBy } from '../rules/topology.js';

// North-south traffic of one cluster: the ingress gateway (its namespace, name and the label
// its pods carry), the services it serves (services[].expose), and the Kubernetes Ingress in
// front of it. The Gateways and VirtualServices are Istio config, read by the istiod that
// configures the gateway from its own cluster's API server (its config cluster:
// pilot/pkg/bootstrap/configcontroller.go, initK8SConfigStore, reads s.kubeClient, in
// github.com/istio/istio 1.30.3). So a primary's go into the primary, and a remote's into its
// primary (configIn), in the gateway's namespace: istiod matches a Gateway's selector against
// every proxy's labels whatever the Gateway's namespace (pilot/pkg/model/push_context.go,
// mergeGateways), unless PILOT_SCOPE_GATEWAY_TO_NAMESPACE is set, which then wants them in
// the gateway pods' namespace; the gateway's namespace works either way.
//
// A primary whose istiod also configures remotes' ingress gateways sees pods of the same
// chart, labelled alike, in several clusters: its Gateways then also select by
// topology.istio.io/cluster, which istiod adds to every proxy's labels from the proxy's
// CLUSTER_ID (pilot/pkg/xds/ads.go, initializeProxy → labelutil.AugmentLabels in
// pilot/pkg/serviceregistry/util/label/label.go), so each Gateway binds one cluster's gateway.

export const CLUSTER_LABEL = 'topology.istio.io/cluster';

/** The istio/gateway chart labels its pods istio=<name without a leading "istio-"> (templates/_helpers.tpl, gateway.selectorLabels). */
export function ingressSelector(gateway: Pick<IngressGatewayModel, 'name'>): { istio: string } {
  return { istio: gateway.name.replace(/^istio-/, '') };
}

/** The gateway's HTTP port (Service port = container port 80 in the istio/gateway chart's defaults) and its status port. */
export const INGRESS_HTTP_PORT = 80;
export const INGRESS_HTTPS_PORT = 443;
export const GATEWAY_STATUS_PORT = 15021;
export const GATEWAY_READY_PATH = '/healthz/ready';

/**
 * AWS Load Balancer Controller annotations (kubernetes-sigs/aws-load-balancer-controller,
 * docs/guide/ingress/annotations.md): the target type decides which port the ALB's health
 * check reaches. `instance` (the default) registers the nodes, so the check must use the node
 * port of the status port; `ip` registers the pods, which answer on 15021 themselves.
 */
export const ALB_TARGET_TYPE = 'alb.ingress.kubernetes.io/target-type';
export const ALB_HEALTHCHECK_PORT = 'alb.ingress.kubernetes.io/healthcheck-port';
export const ALB_HEALTHCHECK_PATH = 'alb.ingress.kubernetes.io/healthcheck-path';

export interface IngressObjectPlan {
  className: string;
  /** meshgen's health-check annotations (className alb), then the user's, which win */
  annotations: Record<string, string>;
}

export interface IngressPlan {
  /** the cluster whose gateway this is */
  cluster: string;
  namespace: string;
  name: string;
  /** the labels of the gateway's pods */
  selector: { istio: string };
  /** the selector of its Istio Gateways: the pods' labels, and the cluster where its config cluster configures other clusters' gateways too */
  gatewaySelector: Record<string, string>;
  /** where its Gateways and VirtualServices are applied: this cluster (a primary), or its primary (a remote) */
  configIn: string;
  /** services this gateway serves, sorted by namespace and name */
  exposed: ServiceModel[];
  ingress?: IngressObjectPlan;
}

export function planIngress(mesh: MeshModel, cluster: ClusterModel, enabled: boolean, reasons: string[]): IngressPlan | undefined {
  if (!enabled) return undefined;
  const gateway = cluster.ingressGateway;
  const exposed = mesh.services.filter((s) => s.expose?.clusters.includes(cluster.name));
  const configIn = cluster.role === 'remote' && cluster.controlPlane ? cluster.controlPlane : cluster.name;
  const selector = ingressSelector(gateway);
  const pinned = configuresRemoteIngress(mesh, configIn);
  const plan: IngressPlan = { cluster: cluster.name, namespace: gateway.namespace, name: gateway.name, selector, gatewaySelector: pinned ? { ...selector, [CLUSTER_LABEL]: cluster.name } : { ...selector }, configIn, exposed };
  reasons.push(`ingress gateway ${gateway.name} in namespace ${gateway.namespace} (labelled for injection), pods labelled istio=${plan.selector.istio}: enabled in mesh.yaml`);
  if (exposed.length && configIn !== cluster.name) {
    reasons.push(`its Gateways and VirtualServices are applied in ${configIn} (out/${configIn}/manifests, namespace ${gateway.namespace}): ${configIn}'s istiod configures this gateway and reads Istio config from its own cluster only`);
  }
  if (exposed.length && pinned) reasons.push(`its Gateways also select ${CLUSTER_LABEL}=${cluster.name}: ${configIn}'s istiod configures the ingress gateways of its remotes, whose pods are labelled alike in every cluster`);
  for (const s of exposed) {
    const tls = s.expose!.tls;
    const how = tls === undefined ? 'HTTP on port 80' : tls.mode === 'SIMPLE' ? `HTTPS on 443 with the certificate of Secret ${tls.credentialName}${tls.httpsRedirect ? ', port 80 redirecting to it' : ''}` : 'TLS passed through on 443, routed by SNI';
    reasons.push(`exposes ${s.name}.${s.namespace} as ${s.expose!.hosts.join(', ')} (${how}) to port ${s.expose!.port}`);
    // pilot/pkg/xds/sds.go (SecretGen.Generate, istio/istio 1.30.3): a Gateway's credentialName
    // Secret is read from the proxy's own cluster (proxyClusterSecrets), in the proxy's namespace
    if (tls?.mode === 'SIMPLE') {
      reasons.push(
        `you create Secret ${tls.credentialName} (type kubernetes.io/tls) in ${cluster.name}, namespace ${gateway.namespace}${configIn !== cluster.name ? `, where the gateway runs, not in ${configIn}: istiod reads a gateway's credentialName from the gateway's own cluster (through the remote secret)` : ''}`,
      );
    }
  }
  if (gateway.ingress) {
    plan.ingress = { className: gateway.ingress.className, annotations: { ...healthCheckAnnotations(gateway), ...gateway.ingress.annotations } };
    reasons.push(`Ingress ${gateway.name} (class ${gateway.ingress.className}) in front of the gateway, every host and path to its port ${INGRESS_HTTP_PORT}`);
  }
  return plan;
}

/**
 * Whether the istiod of `configCluster` configures the ingress gateway of one of its remotes:
 * then every Gateway it reads selects by cluster as well.
 */
function configuresRemoteIngress(mesh: MeshModel, configCluster: string): boolean {
  return remotesServedBy(mesh.clusters, configCluster).some((r) => r.ingressGateway.enabled);
}

/**
 * The ingress gateways of `cluster`'s remotes whose Gateways and VirtualServices `cluster`
 * holds (its istiod configures them): those that expose a service, sorted by cluster.
 */
export function remoteIngressConfig(mesh: MeshModel, cluster: ClusterModel): IngressPlan[] {
  if (cluster.role !== 'primary') return [];
  return remotesServedBy(mesh.clusters, cluster.name)
    .filter((r) => r.ingressGateway.enabled)
    .map((remote) => planIngress(mesh, remote, true, []))
    .filter((p): p is IngressPlan => p !== undefined && p.exposed.length > 0)
    .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
}

/**
 * The load balancer must probe the gateway's readiness, not port 80 (which answers 404 for an
 * unknown host): /healthz/ready on the status port. Only the ALB controller reads it from
 * Ingress annotations; other classes configure health checks elsewhere, so nothing is added.
 */
function healthCheckAnnotations(gateway: IngressGatewayModel): Record<string, string> {
  if (gateway.ingress?.className !== 'alb') return {};
  const targetType = gateway.ingress.annotations[ALB_TARGET_TYPE] ?? 'instance';
  const port = targetType === 'ip' ? String(GATEWAY_STATUS_PORT) : gateway.nodePorts.status !== undefined ? String(gateway.nodePorts.status) : undefined;
  return { [ALB_HEALTHCHECK_PATH]: GATEWAY_READY_PATH, ...(port ? { [ALB_HEALTHCHECK_PORT]: port } : {}) };
}
