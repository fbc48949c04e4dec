import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { isLegacyGlobal } from '../../rules/topology.js';
import type { ClusterSpec } from '../../rules/mesh-spec.js';
import type { Context } from './check-context.js';

// Checks of north-south traffic: ingressGateway (namespace, name, nodePorts, ingress) and
// services[].expose. Each reports at the field to change.

/** Namespaces that belong to Kubernetes; istio-system is allowed (older Istio docs install the gateway there). */
const KUBERNETES_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];
/** AWS Load Balancer Controller: target type annotation, `instance` by default (docs/guide/ingress/annotations.md). */
const ALB_TARGET_TYPE = 'alb.ingress.kubernetes.io/target-type';
/** A DNS name as Istio's Gateway and VirtualService hosts take it: lowercase labels, optionally a leading `*.` */
const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkNorthSouth({ document, at, report }: Context): void {
  const spec = document.spec;
  const clusters = spec.clusters;
  const byName = new Map(clusters.map((c) => [c.name, c]));

  clusters.forEach((c, i) => {
    const gateway = c.ingressGateway;
    if (!gateway) return;
    const path = ['spec', 'clusters', i, 'ingressGateway'];
    if (gateway.enabled !== true) {
      const set = (['ingress', 'nodePorts', 'namespace', 'name'] as const).filter((k) => gateway[k] !== undefined);
      if (set.length) {
        report(
          warning(Codes.IngressSettingsWithoutGateway, `cluster "${c.name}" sets ingressGateway.${set[0]}, but its ingress gateway is not enabled`, {
            ...at([...path, set[0]], 'key'),
            hint: 'set ingressGateway.enabled: true, or remove the settings: nothing is rendered from them',
          }),
        );
      }
      return;
    }
    const namespace = gateway.namespace;
    if (namespace !== undefined) {
      const declared = (spec.namespaces ?? []).some((n) => n.name === namespace && (n.clusters ?? clusters.map((x) => x.name)).includes(c.name));
      if (KUBERNETES_NAMESPACES.includes(namespace) || declared) {
        report(
          error(Codes.IngressNamespaceConflict, `the ingress gateway of cluster "${c.name}" cannot go into namespace "${namespace}"`, {
            ...at([...path, 'namespace']),
            hint: declared ? `"${namespace}" is an application namespace in spec.namespaces; meshgen renders the gateway's namespace itself: pick another (default istio-ingress)` : 'it belongs to Kubernetes; the default is istio-ingress',
          }),
        );
      }
    }
    const serviceType = gateway.serviceType ?? 'LoadBalancer';
    if (gateway.nodePorts && serviceType === 'ClusterIP') {
      report(error(Codes.NodePortsOnClusterIp, `the ingress gateway of cluster "${c.name}" is a ClusterIP Service, which has no node ports`, { ...at([...path, 'nodePorts'], 'key'), hint: 'set serviceType: NodePort, or remove nodePorts' }));
    }
    const ingress = gateway.ingress;
    if (ingress?.className === 'alb' && (ingress.annotations?.[ALB_TARGET_TYPE] ?? 'instance') === 'instance') {
      if (serviceType === 'ClusterIP') {
        report(
          error(Codes.AlbHealthCheckWithoutNodePort, `the ALB of cluster "${c.name}" registers nodes (target type instance), but the gateway is a ClusterIP Service`, {
            ...at([...path, 'serviceType']),
            hint: `use serviceType: NodePort with nodePorts.status, or annotate the Ingress with ${ALB_TARGET_TYPE}: ip (the ALB then reaches the pods, and their status port 15021, directly)`,
          }),
        );
      } else if (gateway.nodePorts?.status === undefined) {
        report(
          error(Codes.AlbHealthCheckWithoutNodePort, `the ALB of cluster "${c.name}" checks the nodes (target type instance), but the node port of the gateway's status port is not pinned`, {
            ...at([...path, 'ingress', 'className']),
            hint: 'set ingressGateway.nodePorts.status (e.g. 30621): the ALB health check asks that node port for /healthz/ready (port 15021 of the gateway)',
          }),
        );
      }
    }
  });

  (spec.services ?? []).forEach((s, i) => {
    const expose = s.expose;
    if (!expose) return;
    const path = ['spec', 'services', i, 'expose'];
    expose.hosts.forEach((host, h) => {
      if (!(host === '*' || (host.length <= 253 && HOST.test(host)))) {
        report(
          error(Codes.ExposeHostInvalid, `host "${host}" of service "${s.name}" is not a DNS name`, {
            ...at([...path, 'hosts', h]),
            hint: 'write it as a lowercase DNS name, e.g. hello.example.com, or a wildcard such as *.example.com',
          }),
        );
      }
    });
    const ports = s.ports ?? [];
    if (expose.port !== undefined ? !ports.some((p) => p.port === expose.port) : ports.length !== 1) {
      report(
        error(Codes.ExposePortUnknown, expose.port !== undefined ? `expose.port ${expose.port} is not a port of service "${s.name}"` : `service "${s.name}" has ${ports.length ? `${ports.length} ports` : 'no ports'}, so expose needs to know which one to route to`, {
          ...(expose.port !== undefined ? at([...path, 'port']) : at(path, 'key')),
          hint: ports.length ? `one of: ${ports.map((p) => p.port).join(', ')}` : 'list the service\'s ports under ports',
        }),
      );
    }
    const tls = expose.tls;
    if (tls?.mode === 'SIMPLE' && tls.credentialName === undefined) {
      report(error(Codes.ExposeTlsFields, `TLS mode SIMPLE of service "${s.name}" needs credentialName`, { ...at([...path, 'tls', 'mode']), hint: 'name the kubernetes.io/tls Secret in the ingress gateway\'s namespace that holds the certificate and key' }));
    }
    if (tls?.mode === 'PASSTHROUGH') {
      for (const field of ['credentialName', 'httpsRedirect'] as const) {
        if (tls[field] !== undefined) {
          report(error(Codes.ExposeTlsFields, `TLS mode PASSTHROUGH of service "${s.name}" does not take ${field}`, { ...at([...path, 'tls', field], 'key'), hint: 'with PASSTHROUGH the service terminates TLS itself; remove it, or use mode SIMPLE' }));
        }
      }
    }
    expose.clusters.forEach((name, j) => {
      const cluster = byName.get(name);
      if (!cluster) return; // cluster references are checked elsewhere
      const where = at([...path, 'clusters', j]);
      // a remote's gateway is fine: its Gateway and VirtualService go into its primary, whose
      // istiod configures it (plan/ingress-plan.ts)
      if (cluster.ingressGateway?.enabled !== true) {
        report(error(Codes.ExposeWithoutIngressGateway, `service "${s.name}" is exposed on cluster "${name}", which has no ingress gateway`, { ...where, hint: `enable it: clusters[${clusters.indexOf(cluster)}].ingressGateway.enabled: true` }));
        return;
      }
      if (!reachable(s, name, clusters, isLegacyGlobal(spec))) {
        report(
          error(Codes.ExposeNotReachable, `the ingress gateway of cluster "${name}" cannot reach service "${s.name}"`, {
            ...where,
            hint: isLegacyGlobal(spec)
              ? 'in a legacy .global mesh no istiod knows another cluster\'s endpoints: expose it where it runs'
              : 'it does not run there and is clusterLocal: expose it where it runs, or add the cluster to its clusters',
          }),
        );
      }
      if (tls && cluster.ingressGateway.ingress) {
        report(
          error(Codes.ExposeTlsBehindIngress, `service "${s.name}" is exposed with TLS on cluster "${name}", whose gateway has an Ingress in front`, {
            ...at([...path, 'tls'], 'key'),
            hint: 'the Ingress terminates TLS and sends plain HTTP to the gateway\'s port 80: remove tls (put the certificate on the load balancer), or remove the Ingress',
          }),
        );
      }
    });
  });

  // one host, one route per gateway: two VirtualServices for one host on one gateway conflict
  const seen = new Map<string, string>();
  (spec.services ?? []).forEach((s, i) => {
    s.expose?.hosts.forEach((host, h) => {
      for (const cluster of s.expose!.clusters) {
        const key = `${cluster}\u0000${host}`;
        const first = seen.get(key);
        if (first !== undefined && first !== s.name) {
          report(error(Codes.ExposeHostInvalid, `host "${host}" is exposed on cluster "${cluster}" by both "${first}" and "${s.name}"`, { ...at(['spec', 'services', i, 'expose', 'hosts', h]), hint: 'give each service its own host names' }));
          return;
        }
        seen.set(key, s.name);
      }
    });
  });
}

/**
 * Every primary's istiod reads every cluster (topology.ts, readersOf), so a gateway on a
 * primary, or on a remote (configured by its primary's istiod), reaches a service wherever it runs, unless the service is clusterLocal; a legacy
 * .global mesh reads no other cluster.
 */
function reachable(s: { clusters?: string[]; clusterLocal?: boolean }, cluster: string, all: readonly ClusterSpec[], legacy: boolean): boolean {
  const runsIn = s.clusters ?? all.map((c) => c.name);
  if (runsIn.includes(cluster)) return true;
  return !legacy && s.clusterLocal !== true && runsIn.length > 0;
}
