import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';

// services[].expose on a remote's ingress gateway (primary-remote): the remote runs the gateway,
// the primary's istiod configures it from the primary's own API server, so the Gateway and
// VirtualService are rendered into the primary's manifests, bound to the remote's gateway pods.

const mesh = (opts: { hubIngress?: boolean; exposeOn?: string; tls?: string } = {}) =>
  meshText(`istio: { version: "1.30.3" }
clusters:
  - name: hub
    network: net-1
    eastWestGateway: { address: 203.0.113.10 }
${opts.hubIngress ? '    ingressGateway: { enabled: true }\n' : ''}  - name: spoke
    network: net-1
    role: remote
    controlPlane: hub
    ingressGateway: { enabled: true }
namespaces: [{ name: shop }]
services:
  - name: web
    namespace: shop
    ports: [{ name: http, port: 8080, protocol: HTTP }]
    clusters: [spoke]
    expose: { hosts: [shop.example.com], clusters: [${opts.exposeOn ?? 'spoke'}]${opts.tls ? `, tls: ${opts.tls}` : ''} }`);

const HUB_GATEWAY = 'hub/manifests/networking.istio.io_Gateway_istio-ingress_web-shop-spoke.yaml';
const HUB_ROUTE = 'hub/manifests/networking.istio.io_VirtualService_istio-ingress_web-shop-spoke.yaml';

describe('expose on a remote', () => {
  it("renders the Gateway and VirtualService into the primary's manifests, in the gateway's namespace, and none into the remote's", () => {
    const { files } = renderText(mesh());
    const exposed = [...files.keys()].filter((p) => /networking\.istio\.io_(Gateway|VirtualService)_istio-ingress_/.test(p));
    expect(exposed).toEqual([HUB_GATEWAY, HUB_ROUTE]);
  });

  it("selects the remote's gateway pods: the chart's istio=ingressgateway, and the remote's cluster, which istiod adds to a proxy's labels", () => {
    const { yaml } = renderText(mesh());
    expect(yaml(HUB_GATEWAY).spec.selector).toEqual({ istio: 'ingressgateway', 'topology.istio.io/cluster': 'spoke' });
    // the remote's gateway: the istio/gateway release named istio-ingressgateway (pods labelled istio=ingressgateway),
    // injected as cluster spoke (the remote's injector path carries its cluster name, which becomes the proxy's CLUSTER_ID)
    expect(yaml('spoke/helm/istio-ingressgateway.values.yaml').name).toBe('istio-ingressgateway');
    expect(yaml('spoke/helm/istiod.values.yaml').istiodRemote.injectionPath).toBe('/inject/cluster/spoke/net/net-1');
  });

  it('routes the hosts to the service through that Gateway', () => {
    const { yaml } = renderText(mesh());
    expect(yaml(HUB_ROUTE).spec).toEqual({ hosts: ['shop.example.com'], gateways: ['web-shop-spoke'], http: [{ route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 8080 } } }] }] });
  });

  it("gives the primary the gateway's namespace for that config, not labelled for injection (no pods run there)", () => {
    const { yaml } = renderText(mesh());
    expect(yaml('hub/manifests/core_Namespace__istio-ingress.yaml').metadata).toEqual({ name: 'istio-ingress' });
    expect(yaml('spoke/manifests/core_Namespace__istio-ingress.yaml').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  it("with a gateway of its own, the primary keeps its injection-labelled namespace, and its own Gateway selects its own cluster too", () => {
    const { yaml, files } = renderText(mesh({ hubIngress: true, exposeOn: 'hub, spoke' }));
    expect(yaml('hub/manifests/core_Namespace__istio-ingress.yaml').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(yaml('hub/manifests/networking.istio.io_Gateway_istio-ingress_web-shop.yaml').spec.selector).toEqual({ istio: 'ingressgateway', 'topology.istio.io/cluster': 'hub' });
    expect(yaml(HUB_GATEWAY).spec.selector).toEqual({ istio: 'ingressgateway', 'topology.istio.io/cluster': 'spoke' });
    expect([...files.keys()].filter((p) => p.startsWith('spoke/manifests/networking.istio.io_'))).toEqual([]);
  });

  it('installs the ingress gateway release on the remote', () => {
    const { files } = renderText(mesh());
    expect(files.has('spoke/helm/istio-ingressgateway.values.yaml')).toBe(true);
    expect(files.has('hub/helm/istio-ingressgateway.values.yaml')).toBe(false);
  });

  it("out/README.md says the SIMPLE TLS Secret is created in the remote, in the gateway's namespace, and where the config goes", () => {
    const { files } = renderText(mesh({ tls: '{ mode: SIMPLE, credentialName: shop-tls }' }));
    const readme = files.get('README.md')!;
    expect(readme).toContain('you create Secret shop-tls (type kubernetes.io/tls) in spoke, namespace istio-ingress, where the gateway runs, not in hub');
    expect(readme).toContain('its Gateways and VirtualServices are applied in hub (out/hub/manifests, namespace istio-ingress)');
  });
});
