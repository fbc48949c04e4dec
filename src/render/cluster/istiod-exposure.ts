import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { Gateway, GatewaySpecServersTlsMode, VirtualService, type GatewaySpecServers, type VirtualServiceSpecTls } from '../../imports/networking.istio.io.js';
import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import { EAST_WEST_SELECTOR } from '../helm/gateway-values.js';

// A primary that serves remotes exposes istiod (xDS/CA on 15012, webhooks on 15017) through
// its east-west gateway by TLS passthrough. Istio's samples/multicluster/expose-istiod.yaml
// and, with a revision, expose-istiod-rev.yaml.tmpl.

const ISTIOD_GATEWAY = 'istiod-gateway';

export function istiodGateway(): KubeObject {
  const server = (name: string, number: number): GatewaySpecServers => ({ port: { name, number, protocol: 'tls' }, tls: { mode: GatewaySpecServersTlsMode.PASSTHROUGH }, hosts: ['*'] });
  return kubeObject(Gateway, {
    metadata: { name: ISTIOD_GATEWAY, namespace: ISTIO_NAMESPACE },
    spec: {
      selector: { ...EAST_WEST_SELECTOR },
      servers: [server('tls-istiod', 15012), server('tls-istiodwebhook', 15017)],
    },
  });
}

/**
 * One per istiod revision on the primary. During a canary upgrade two revisions share the
 * gateway's ports, so each route matches its own Service's SNI names, the default one's too
 * (a '*' route would take the other revision's connections).
 */
export function istiodVirtualService(mesh: MeshModel, rev: string = mesh.istio.revision, options: { bySni?: boolean } = {}): KubeObject {
  const service = rev ? `istiod-${rev}` : 'istiod';
  const host = `${service}.${ISTIO_NAMESPACE}.svc.cluster.local`;
  const sniHosts = rev || options.bySni ? [`${service}.${ISTIO_NAMESPACE}.svc`, host] : ['*'];
  const route = (port: number, targetPort: number): VirtualServiceSpecTls => ({
    match: [{ port, sniHosts }],
    route: [{ destination: { host, port: { number: targetPort } } }],
  });
  return kubeObject(VirtualService, {
    metadata: { name: rev ? `istiod-vs-${rev}` : 'istiod-vs', namespace: ISTIO_NAMESPACE },
    spec: {
      hosts: ['*'],
      gateways: [ISTIOD_GATEWAY],
      tls: [route(15012, 15012), route(15017, 443)],
    },
  });
}
