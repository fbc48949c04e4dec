import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { EAST_WEST_GATEWAY_RELEASE, INGRESS_GATEWAY_RELEASE } from '../../plan/chart-releases.js';
import { istiodValues } from '../helm/istio-values.js';
import type { CurrentIstioOperator, OperatorGateway, OperatorGatewayK8s, OperatorServicePort, OperatorValues } from './istio-operator-spec.js';

// spec.istio.installer: istioctl on current Istio: one IstioOperator per cluster for
// `istioctl install -f`, carrying the facts the Helm values carry (they are taken from the very
// same istiod values, so the two installers cannot disagree): mesh ID, cluster name, network,
// trust domain, revision, DNS proxying, cluster-local services, and on a remote the `remote`
// profile with the injection path and the primary's address.
//
// The east-west gateway is a gateway component shaped as Istio's
// samples/multicluster/gen-eastwest-gateway.sh makes it: labels istio=eastwestgateway,
// app=istio-eastwestgateway and topology.istio.io/network, ISTIO_META_REQUESTED_NETWORK_VIEW,
// Service ports 15021 (status), 15443 (tls), 15012 (tls-istiod), 15017 (tls-webhook), and the
// gateway injection template.

/**
 * gen-eastwest-gateway.sh's Service ports, in its order, with `protocol: TCP` written out as the
 * istio/gateway chart does from 1.30 (the API server defaults it; tools reading files do not).
 */
const EAST_WEST_PORTS: readonly OperatorServicePort[] = [
  { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
  { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
  { name: 'tls-istiod', port: 15012, targetPort: 15012, protocol: 'TCP' },
  { name: 'tls-webhook', port: 15017, targetPort: 15017, protocol: 'TCP' },
];

export function currentIstioOperator(mesh: MeshModel, plan: ClusterPlan, clusterLocalHosts: readonly string[]): CurrentIstioOperator {
  const cluster = plan.cluster;
  const helm = istiodValues(mesh, plan, clusterLocalHosts);
  const values: OperatorValues = { global: { ...helm.global } };
  if (helm.istiodRemote) values.istiodRemote = { injectionPath: helm.istiodRemote.injectionPath };

  const gateways: OperatorGateway[] = [];
  // the default profile turns istio-ingressgateway on: say what mesh.yaml says, either way
  const ingress = plan.ingress;
  if (!plan.ingressGateway || !ingress) gateways.push({ name: INGRESS_GATEWAY_RELEASE, enabled: false });
  else {
    // ingressGateway.name and .namespace as on the Helm path, with the pod label the ingress
    // plan's Gateways select; a renamed gateway turns the profile's own one off
    if (ingress.name !== INGRESS_GATEWAY_RELEASE) gateways.push({ name: INGRESS_GATEWAY_RELEASE, enabled: false });
    gateways.push({
      name: ingress.name,
      ...(ingress.namespace !== ISTIO_NAMESPACE ? { namespace: ingress.namespace } : {}),
      enabled: true,
      label: { app: ingress.name, ...ingress.selector },
      k8s: serviceOf(cluster.ingressGateway.serviceType, cluster.ingressGateway.annotations),
    });
  }
  if (plan.eastWestGateway) {
    const k8s = serviceOf(cluster.eastWestGateway.serviceType, cluster.eastWestGateway.annotations);
    const nodePort = cluster.eastWestGateway.nodePort;
    k8s.env = [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: cluster.network }];
    k8s.service!.ports = EAST_WEST_PORTS.map((p) => (p.name === 'tls' && nodePort !== undefined ? { ...p, nodePort } : { ...p }));
    gateways.push({
      name: EAST_WEST_GATEWAY_RELEASE,
      enabled: true,
      label: { app: EAST_WEST_GATEWAY_RELEASE, istio: 'eastwestgateway', 'topology.istio.io/network': cluster.network },
      k8s,
    });
  }
  // gateway pods get the gateway injection template (the istio/gateway chart always uses it)
  if (gateways.some((g) => g.enabled)) values.gateways = { 'istio-ingressgateway': { injectionTemplate: 'gateway' } };

  return {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: { name: cluster.name, namespace: ISTIO_NAMESPACE },
    spec: {
      profile: plan.controlPlane ? 'remote' : 'default',
      ...(mesh.istio.revision ? { revision: mesh.istio.revision } : {}),
      ...(helm.meshConfig ? { meshConfig: helm.meshConfig } : {}),
      components: { ingressGateways: gateways },
      values,
    },
  };
}

function serviceOf(type: string, annotations: Record<string, string>): OperatorGatewayK8s {
  const k8s: OperatorGatewayK8s = { service: { type } };
  if (Object.keys(annotations).length) k8s.serviceAnnotations = { ...annotations };
  return k8s;
}
