import type { ClusterModel, IngressGatewayModel, MeshModel, ServiceModel } from '../model/mesh-model.js';

// North-south traffic of one cluster: the ingress gateway (its namespace, name and the label
// its pods carry), the services it serves (services[].expose), and the Kubernetes Ingress in
// front of it. The Gateways and VirtualServices are Istio config, read by the istiod of the
// cluster they are applied in; validation allows expose only on primaries (MG2756), so they
// always go into the gateway's own cluster, in the gateway's namespace.

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
  namespace: string;
  name: string;
  selector: { istio: string };
  /** services this gateway serves, sorted by namespace and name */
  exposed: ServiceModel[];
  ingress?: IngressObjectPlan;
}

export function planIngress(mesh: MeshModel, cluster: ClusterModel, enabled: boolean, reasons: string[]): IngressPlan | undefined {
  if (!enabled) return undefined;
  const gateway = cluster.ingressGateway;
  const exposed = mesh.services.filter((s) => s.expose?.clusters.includes(cluster.name));
  const plan: IngressPlan = { namespace: gateway.namespace, name: gateway.name, selector: ingressSelector(gateway), exposed };
  reasons.push(`ingress gateway ${gateway.name} in namespace ${gateway.namespace} (labelled for injection), pods labelled istio=${plan.selector.istio}: enabled in mesh.yaml`);
  for (const s of exposed) {
    const tls = s.expose!.tls;
    const how = tls === undefined ? 'HTTP on port 80' : tls.mode === 'SIMPLE' ? `HTTPS on 443 with the certificate of Secret ${tls.credentialName}${tls.httpsRedirect ? ', port 80 redirecting to it' : ''}` : 'TLS passed through on 443, routed by SNI';
    reasons.push(`exposes ${s.name}.${s.namespace} as ${s.expose!.hosts.join(', ')} (${how}) to port ${s.expose!.port}`);
  }
  if (gateway.ingress) {
    plan.ingress = { className: gateway.ingress.className, annotations: { ...healthCheckAnnotations(gateway), ...gateway.ingress.annotations } };
    reasons.push(`Ingress ${gateway.name} (class ${gateway.ingress.className}) in front of the gateway, every host and path to its port ${INGRESS_HTTP_PORT}`);
  }
  return plan;
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
