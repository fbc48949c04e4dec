import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';

// North-south traffic (ingressGateway namespace/name/nodePorts/ingress, services[].expose), the
// pinned east-west node port, and proxy.includeIPRanges: the shapes rendered for each.

const base = (cluster: string, services = '') =>
  meshText(`istio: { version: "1.30.3" }
clusters:
  - name: east
    network: net-1
${cluster.replace(/^/gm, '    ')}
  - { name: west, network: net-2 }
namespaces: [{ name: shop }]
services:
  - name: web
    namespace: shop
    ports: [{ name: http, port: 8080, protocol: HTTP }]
${services.replace(/^/gm, '    ')}`);

const INGRESS = 'ingressGateway: { enabled: true }';

describe('ingress gateway', () => {
  it('installs into namespace istio-ingress by default, labelled for injection', () => {
    const { yaml } = renderText(base(INGRESS));
    expect(yaml('east/manifests/core_Namespace__istio-ingress.yaml').metadata).toEqual({ name: 'istio-ingress', labels: { 'istio-injection': 'enabled' } });
  });

  it('labels its namespace with the revision when one is set', () => {
    const { yaml } = renderText(base(INGRESS).replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3", revision: "1-30" }'));
    expect(yaml('east/manifests/core_Namespace__istio-ingress.yaml').metadata.labels).toEqual({ 'istio.io/rev': '1-30' });
  });

  it('installs the release into ingressGateway.namespace and names the gateway ingressGateway.name', () => {
    const { yaml, files } = renderText(base('ingressGateway: { enabled: true, namespace: edge, name: public-gw }'));
    expect(yaml('east/manifests/core_Namespace__edge.yaml').metadata.name).toBe('edge');
    expect(yaml('east/helm/istio-ingressgateway.values.yaml').name).toBe('public-gw');
    expect(files.get('README.md')).toContain('kubectl --context "$CTX_EAST" apply -f east/manifests/core_Namespace__edge.yaml\nhelm upgrade --install istio-ingressgateway gateway');
    expect(files.get('README.md')).toMatch(/helm upgrade --install istio-ingressgateway .* -n edge -f east\/helm\/istio-ingressgateway\.values\.yaml/);
  });

  it('renders no second Namespace when the gateway goes into istio-system', () => {
    const { files } = renderText(base('ingressGateway: { enabled: true, namespace: istio-system }'));
    expect([...files.keys()].filter((p) => p.startsWith('east/manifests/core_Namespace__'))).toEqual(['east/manifests/core_Namespace__istio-system.yaml', 'east/manifests/core_Namespace__shop.yaml']);
  });

  it('pins the node ports given, keeping the chart\'s three ports', () => {
    const values = renderText(base('ingressGateway: { enabled: true, serviceType: NodePort, nodePorts: { http: 30080, status: 30621 } }')).yaml('east/helm/istio-ingressgateway.values.yaml');
    expect(values.service).toEqual({
      type: 'NodePort',
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021, nodePort: 30621 },
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 443 },
      ],
    });
  });

  it('leaves the chart\'s ports alone when no node port is pinned', () => {
    expect(renderText(base(INGRESS)).yaml('east/helm/istio-ingressgateway.values.yaml').service).toEqual({ type: 'LoadBalancer' });
  });
});

describe('Ingress in front of the gateway', () => {
  const ALB = 'ingressGateway: { enabled: true, serviceType: NodePort, nodePorts: { status: 30621 }, ingress: { className: alb, annotations: { alb.ingress.kubernetes.io/scheme: internet-facing } } }';

  it('routes every host and path to the gateway Service\'s port 80', () => {
    const ingress = renderText(base(ALB)).yaml('east/manifests/networking.k8s.io_Ingress_istio-ingress_istio-ingressgateway.yaml');
    expect(ingress.spec).toEqual({
      ingressClassName: 'alb',
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'istio-ingressgateway', port: { number: 80 } } } }] } }],
    });
  });

  it('with class alb in instance mode, health-checks /healthz/ready on the status port\'s node port', () => {
    const ingress = renderText(base(ALB)).yaml('east/manifests/networking.k8s.io_Ingress_istio-ingress_istio-ingressgateway.yaml');
    expect(ingress.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/healthcheck-path': '/healthz/ready',
      'alb.ingress.kubernetes.io/healthcheck-port': '30621',
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
    });
  });

  it('with class alb and target type ip, health-checks the pods\' status port 15021', () => {
    const ip = 'ingressGateway: { enabled: true, serviceType: ClusterIP, ingress: { className: alb, annotations: { alb.ingress.kubernetes.io/target-type: ip } } }';
    const annotations = renderText(base(ip)).yaml('east/manifests/networking.k8s.io_Ingress_istio-ingress_istio-ingressgateway.yaml').metadata.annotations;
    expect(annotations['alb.ingress.kubernetes.io/healthcheck-port']).toBe('15021');
  });

  it('lets the user\'s annotations win over the health check meshgen adds', () => {
    const own = ALB.replace('alb.ingress.kubernetes.io/scheme: internet-facing', 'alb.ingress.kubernetes.io/healthcheck-path: /custom');
    const annotations = renderText(base(own)).yaml('east/manifests/networking.k8s.io_Ingress_istio-ingress_istio-ingressgateway.yaml').metadata.annotations;
    expect(annotations['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/custom');
  });

  it('adds no health-check annotations for other classes', () => {
    const ingress = renderText(base('ingressGateway: { enabled: true, ingress: { className: nginx } }')).yaml('east/manifests/networking.k8s.io_Ingress_istio-ingress_istio-ingressgateway.yaml');
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(ingress.spec.ingressClassName).toBe('nginx');
  });
});

describe('services[].expose', () => {
  const gateway = (text: string) => renderText(text).yaml('east/manifests/networking.istio.io_Gateway_istio-ingress_web-shop.yaml');
  const route = (text: string) => renderText(text).yaml('east/manifests/networking.istio.io_VirtualService_istio-ingress_web-shop.yaml');

  it('without tls: an HTTP server on port 80 bound to the gateway\'s pods, and an http route to the service port', () => {
    const text = base(INGRESS, 'expose: { hosts: [shop.example.com], clusters: [east] }');
    expect(gateway(text).spec).toEqual({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] });
    expect(route(text).spec).toEqual({ hosts: ['shop.example.com'], gateways: ['web-shop'], http: [{ route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 8080 } } }] }] });
  });

  it('selects the pods of a renamed gateway by the chart\'s label, istio=<name without istio->', () => {
    const text = base('ingressGateway: { enabled: true, name: istio-public }', 'expose: { hosts: [shop.example.com], clusters: [east] }');
    expect(gateway(text).spec.selector).toEqual({ istio: 'public' });
  });

  it('SIMPLE: HTTPS on 443 with credentialName, and port 80 redirecting to it', () => {
    const text = base(INGRESS, 'expose: { hosts: [shop.example.com], clusters: [east], tls: { mode: SIMPLE, credentialName: shop-tls } }');
    expect(gateway(text).spec.servers).toEqual([
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-tls' } },
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } },
    ]);
    expect(route(text).spec.http).toEqual([{ route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 8080 } } }] }]);
  });

  it('SIMPLE with httpsRedirect false: no port 80 server', () => {
    const text = base(INGRESS, 'expose: { hosts: [shop.example.com], clusters: [east], tls: { mode: SIMPLE, credentialName: shop-tls, httpsRedirect: false } }');
    expect(gateway(text).spec.servers.map((s: { port: { number: number } }) => s.port.number)).toEqual([443]);
  });

  it('PASSTHROUGH: TLS on 443 passed through, routed by SNI to the service port', () => {
    const text = base(INGRESS, 'expose: { hosts: [shop.example.com], clusters: [east], tls: { mode: PASSTHROUGH } }');
    expect(gateway(text).spec.servers).toEqual([{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['shop.example.com'], tls: { mode: 'PASSTHROUGH' } }]);
    expect(route(text).spec).toEqual({
      hosts: ['shop.example.com'],
      gateways: ['web-shop'],
      tls: [{ match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 8080 } } }] }],
    });
  });

  it('routes to expose.port when the service has several ports', () => {
    const text = base(INGRESS, 'expose: { hosts: [shop.example.com], clusters: [east], port: 9090 }').replace('ports: [{ name: http, port: 8080, protocol: HTTP }]', 'ports: [{ name: http, port: 8080, protocol: HTTP }, { name: grpc, port: 9090, protocol: GRPC }]');
    expect(route(text).spec.http[0].route[0].destination.port).toEqual({ number: 9090 });
  });

  it('renders the Gateway only in the clusters of expose.clusters', () => {
    const text = base(INGRESS, 'expose: { hosts: [shop.example.com], clusters: [east] }').replace('{ name: west, network: net-2 }', '{ name: west, network: net-2, ingressGateway: { enabled: true } }');
    const { files } = renderText(text);
    expect([...files.keys()].filter((p) => p.includes('web-shop'))).toEqual([
      'east/manifests/networking.istio.io_Gateway_istio-ingress_web-shop.yaml',
      'east/manifests/networking.istio.io_VirtualService_istio-ingress_web-shop.yaml',
    ]);
  });
});

describe('eastWestGateway.nodePort', () => {
  const PINNED = 'eastWestGateway: { serviceType: NodePort, nodePort: 31443, annotations: { traffic.istio.io/nodeSelector: \'{"kubernetes.io/os": "linux"}\' } }';

  it('pins the node port of 15443, spelling out the network gateway the chart\'s networkGateway would make', () => {
    const values = renderText(base(PINNED)).yaml('east/helm/istio-eastwestgateway.values.yaml');
    expect(values.networkGateway).toBeUndefined();
    expect(values.labels).toEqual({ 'topology.istio.io/network': 'net-1' });
    expect(values.env).toEqual({ ISTIO_META_REQUESTED_NETWORK_VIEW: 'net-1' });
    expect(values.service.ports).toEqual([
      { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
      { name: 'tls', port: 15443, protocol: 'TCP', targetPort: 15443, nodePort: 31443 },
      { name: 'tls-istiod', port: 15012, protocol: 'TCP', targetPort: 15012 },
      { name: 'tls-webhook', port: 15017, protocol: 'TCP', targetPort: 15017 },
    ]);
  });

  it('keeps networkGateway when no node port is pinned', () => {
    const values = renderText(base('')).yaml('east/helm/istio-eastwestgateway.values.yaml');
    expect(values).toEqual({ name: 'istio-eastwestgateway', networkGateway: 'net-1', service: { type: 'LoadBalancer' } });
  });
});

describe('proxy.includeIPRanges', () => {
  const flat = (proxy: string) =>
    meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: hub, network: vpn, podCIDR: 10.40.0.0/16, serviceCIDR: 10.41.0.0/16, eastWestGateway: { address: 10.0.0.40 }, ${proxy} }
  - { name: spoke, network: vpn, role: remote, controlPlane: hub, podCIDR: 10.50.0.0/16, serviceCIDR: 10.51.0.0/16 }
  - { name: away, network: other, podCIDR: 10.60.0.0/16 }`);

  it('auto: every podCIDR and serviceCIDR on the cluster\'s network, as the injector\'s global.proxy.includeIPRanges', () => {
    const values = renderText(flat('proxy: { includeIPRanges: auto }')).yaml('hub/helm/istiod.values.yaml');
    expect(values.global.proxy).toEqual({ includeIPRanges: '10.40.0.0/16,10.41.0.0/16,10.50.0.0/16,10.51.0.0/16' });
  });

  it('a list: exactly those ranges', () => {
    const values = renderText(flat('proxy: { includeIPRanges: [10.0.0.0/8, 192.168.0.0/16] }')).yaml('hub/helm/istiod.values.yaml');
    expect(values.global.proxy).toEqual({ includeIPRanges: '10.0.0.0/8,192.168.0.0/16' });
  });

  it('unset: no proxy values (the chart captures everything)', () => {
    expect(renderText(flat('region: r1')).yaml('hub/helm/istiod.values.yaml').global.proxy).toBeUndefined();
  });
});

describe('legacy .global on Istio 1.6-1.7', () => {
  it('enables istio-ingressgateway in every cluster by default, also one that serves nothing on a single network', () => {
    const { yaml } = renderText(
      meshText(`istio: { version: "1.7.8" }
legacy: { global: { enabled: true } }
clusters:
  - { name: cluster1, network: network1 }
  - { name: cluster2, network: network1, eastWestGateway: { address: 203.0.113.40 } }
services:
  - { name: httpbin, namespace: bar, ports: [{ name: http, port: 8000, protocol: HTTP }], clusters: [cluster2] }`),
    );
    expect(yaml('cluster1/istioctl/istio-operator.yaml').spec.components.ingressGateways[0].enabled).toBe(true);
  });

  it('keeps it off where mesh.yaml says so', () => {
    const { yaml } = renderText(
      meshText(`istio: { version: "1.7.8" }
legacy: { global: { enabled: true } }
clusters:
  - { name: cluster1, network: network1, eastWestGateway: { enabled: false } }
  - { name: cluster2, network: network1, eastWestGateway: { address: 203.0.113.40 } }
services:
  - { name: httpbin, namespace: bar, ports: [{ name: http, port: 8000, protocol: HTTP }], clusters: [cluster2] }`),
    );
    expect(yaml('cluster1/istioctl/istio-operator.yaml').spec.components.ingressGateways[0].enabled).toBe(false);
  });
});
