import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { Gateway, GatewaySpecServersTlsMode, VirtualService, type GatewaySpecServers } from '../../imports/networking.istio.io.js';
import { k8sClasses } from './k8s-classes.js';
import { ISTIO_NAMESPACE, type MeshModel, type ServiceModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { INGRESS_HTTP_PORT, INGRESS_HTTPS_PORT, type IngressPlan } from '../../plan/ingress-plan.js';
import { STABLE_TAG } from '../../plan/upgrade-plan.js';

// North-south objects of one cluster (plan/ingress-plan.ts decides them): the ingress gateway's
// Namespace, and per exposed service a Gateway bound to the gateway's pods plus a VirtualService
// that routes its hosts to the service; an Ingress in front of the gateway where one is asked for.
// A primary also holds the Gateways and VirtualServices of its remotes' ingress gateways.
// Facts: Istio's "Ingress Gateways" and "Secure Gateways" tasks (Gateway servers, credentialName
// in the gateway's namespace, httpsRedirect), "Ingress Gateway without TLS Termination"
// (PASSTHROUGH with a tls route matching sniHosts), and the gateway install docs, which create
// the namespace istio-ingress before `helm install istio-ingress istio/gateway -n istio-ingress`.

export function ingressObjects(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  const ingress = plan.ingress;
  const objects: KubeObject[] = [];
  if (ingress) {
    // istio-system is rendered already (older Istio docs put the ingress gateway there)
    if (ingress.namespace !== ISTIO_NAMESPACE) objects.push(ingressNamespace(mesh, plan, ingress));
    // a remote's Gateways and VirtualServices go into its primary (plan/ingress-plan.ts, configIn)
    if (ingress.configIn === plan.cluster.name) objects.push(...ingress.exposed.flatMap((s) => [exposeGateway(ingress, s), exposeVirtualService(ingress, s)]));
    if (ingress.ingress) objects.push(kubernetesIngress(ingress));
  }
  // the remotes' gateways this primary's istiod configures: their config, in their namespace here
  const here = new Set([ISTIO_NAMESPACE, ...(ingress ? [ingress.namespace] : []), ...plan.namespaces.map((n) => n.name)]);
  for (const remote of plan.remoteIngress) {
    if (!here.has(remote.namespace)) {
      objects.push(configNamespace(plan, remote.namespace));
      here.add(remote.namespace);
    }
    objects.push(...remote.exposed.flatMap((s) => [exposeGateway(remote, s), exposeVirtualService(remote, s)]));
  }
  return objects;
}

/**
 * A namespace on a primary that holds only the Istio config of a remote's ingress gateway (no
 * pods, so not labelled for injection).
 */
function configNamespace(plan: ClusterPlan, name: string): KubeObject {
  const annotations = Object.keys(plan.gitops.neverPrune).length ? { ...plan.gitops.neverPrune } : undefined;
  return kubeObject(k8sClasses().KubeNamespace, { metadata: { name, annotations } });
}

/** Labelled for injection as the docs do: the gateway pods are injected with the gateway template (by revision where one is set). */
export function ingressNamespace(mesh: MeshModel, plan: ClusterPlan, ingress: IngressPlan): KubeObject {
  // during a canary upgrade every injected namespace follows the stable revision tag (plan/upgrade-plan.ts)
  const revision = mesh.istio.upgrade ? STABLE_TAG : mesh.istio.revision;
  const labels: Record<string, string> = revision ? { 'istio.io/rev': revision } : { 'istio-injection': 'enabled' };
  const annotations = Object.keys(plan.gitops.neverPrune).length ? { ...plan.gitops.neverPrune } : undefined;
  return kubeObject(k8sClasses().KubeNamespace, { metadata: { name: ingress.namespace, labels, annotations } });
}

/**
 * Gateway and VirtualService of one service share a name: <service>-<namespace>, and
 * -<cluster> for a remote's gateway, whose config shares its primary's namespace with the
 * primary's own and other remotes'.
 */
export function exposeName(service: Pick<ServiceModel, 'name' | 'namespace'>, ingress: Pick<IngressPlan, 'cluster' | 'configIn'>): string {
  return ingress.configIn === ingress.cluster ? `${service.name}-${service.namespace}` : `${service.name}-${service.namespace}-${ingress.cluster}`;
}

export function exposeGateway(ingress: IngressPlan, service: ServiceModel): KubeObject {
  const expose = service.expose!;
  const hosts = [...expose.hosts];
  const tls = expose.tls;
  const servers: GatewaySpecServers[] = [];
  if (tls === undefined) {
    servers.push({ port: { number: INGRESS_HTTP_PORT, name: 'http', protocol: 'HTTP' }, hosts });
  } else if (tls.mode === 'SIMPLE') {
    servers.push({ port: { number: INGRESS_HTTPS_PORT, name: 'https', protocol: 'HTTPS' }, hosts, tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: tls.credentialName } });
    if (tls.httpsRedirect) servers.push({ port: { number: INGRESS_HTTP_PORT, name: 'http', protocol: 'HTTP' }, hosts, tls: { httpsRedirect: true } });
  } else {
    servers.push({ port: { number: INGRESS_HTTPS_PORT, name: 'tls', protocol: 'TLS' }, hosts, tls: { mode: GatewaySpecServersTlsMode.PASSTHROUGH } });
  }
  return kubeObject(Gateway, {
    metadata: { name: exposeName(service, ingress), namespace: ingress.namespace },
    spec: { selector: { ...ingress.gatewaySelector }, servers },
  });
}

export function exposeVirtualService(ingress: IngressPlan, service: ServiceModel): KubeObject {
  const expose = service.expose!;
  const destination = { host: service.host, port: { number: expose.port } };
  const passthrough = expose.tls?.mode === 'PASSTHROUGH';
  return kubeObject(VirtualService, {
    metadata: { name: exposeName(service, ingress), namespace: ingress.namespace },
    spec: {
      hosts: [...expose.hosts],
      gateways: [exposeName(service, ingress)],
      ...(passthrough
        ? { tls: [{ match: [{ port: INGRESS_HTTPS_PORT, sniHosts: [...expose.hosts] }], route: [{ destination }] }] }
        : { http: [{ route: [{ destination }] }] }),
    },
  });
}

/** Every host and path to the gateway's port 80: the gateway routes by host itself. */
export function kubernetesIngress(ingress: IngressPlan): KubeObject {
  const object = ingress.ingress!;
  return kubeObject(k8sClasses().KubeIngress, {
    metadata: { name: ingress.name, namespace: ingress.namespace, annotations: Object.keys(object.annotations).length ? { ...object.annotations } : undefined },
    spec: {
      ingressClassName: object.className,
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: ingress.name, port: { number: INGRESS_HTTP_PORT } } } }] } }],
    },
  });
}
