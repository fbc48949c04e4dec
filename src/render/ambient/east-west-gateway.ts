import { Gateway, GatewaySpecListenersTlsMode, GatewayV1Beta1, GatewayV1Beta1SpecListenersTlsMode } from '../../imports/gateway.networking.k8s.io.js';
import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import { EAST_WEST_GATEWAY_CLASS } from '../../plan/ambient-plan.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { kubeObject, type KubeObject } from '../../resource/kube-object.js';

// The ambient east-west gateway: a Gateway API Gateway that istiod's east-west controller turns
// into a Deployment and Service of the same name. Shape from istio:samples/multicluster/
// gen-eastwest-gateway.sh --ambient (1.27-1.30): class istio-east-west, one listener `mesh` on
// 15008 with protocol HBONE, TLS terminated with Istio mutual TLS, and the network label istiod
// reads to know which network the gateway leads into. istiod rejects any other listener on
// 15008 (unexpectedEastWestWaypointListener in istio:pilot/pkg/config/kube/gateway/conversion.go).

export const HBONE_PORT = 15008;
/** istio:pilot/pkg/config/kube/gatewaycommon/gateway_utils.go GatewayTLSTerminateModeKey */
const TLS_TERMINATE_MODE = 'gateway.istio.io/tls-terminate-mode';
/** istio.io/api annotation networking.istio.io/service-type: the generated Service's type (LoadBalancer by default) */
const SERVICE_TYPE_ANNOTATION = 'networking.istio.io/service-type';

/** The cluster's ambient east-west Gateway, where the plan gives it one. */
export function ambientEastWestGateways(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  const gateway = plan.ambient?.eastWestGateway;
  if (!gateway) return [];
  const ew = plan.cluster.eastWestGateway;
  const metadata = {
    name: gateway.name,
    namespace: ISTIO_NAMESPACE,
    // istio.io/rev: a revisioned control plane without a default tag handles only Gateways of its revision (reference section 6)
    labels: { 'topology.istio.io/network': plan.cluster.network, ...(mesh.istio.revision ? { 'istio.io/rev': mesh.istio.revision } : {}) },
    ...(ew.serviceType !== 'LoadBalancer' ? { annotations: { [SERVICE_TYPE_ANNOTATION]: ew.serviceType } } : {}),
  };
  // the cloud load-balancer settings of mesh.yaml go to the generated Service and Deployment
  const infrastructure = Object.keys(ew.annotations).length ? { annotations: { ...ew.annotations } } : undefined;
  const tls = { options: { [TLS_TERMINATE_MODE]: 'ISTIO_MUTUAL' } };
  if (gateway.apiVersion === 'gateway.networking.k8s.io/v1') {
    return [kubeObject(Gateway, {
      metadata,
      spec: { gatewayClassName: EAST_WEST_GATEWAY_CLASS, infrastructure, listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE', tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, ...tls } }] },
    })];
  }
  return [kubeObject(GatewayV1Beta1, {
    metadata,
    spec: { gatewayClassName: EAST_WEST_GATEWAY_CLASS, infrastructure, listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE', tls: { mode: GatewayV1Beta1SpecListenersTlsMode.TERMINATE, ...tls } }] },
  })];
}
