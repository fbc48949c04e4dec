import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';
import { hashedVip } from '../src/rules/legacy-vips.js';

// The legacy .global model ("replicated control planes"): on
// current Istio and on Istio 1.6-1.7.

const SE = (host: string) => `manifests/networking.istio.io_ServiceEntry_istio-system_${host}.yaml`;
const DR = 'manifests/networking.istio.io_DestinationRule_istio-system_istio-multicluster-global.yaml';
const GW = 'manifests/networking.istio.io_Gateway_istio-system_istio-multicluster-global.yaml';
const COREDNS = 'manifests/core_ConfigMap_kube-system_coredns.yaml';

/** httpbin runs in west; east calls it. */
const CLASSIC = meshText(`istio: { version: "1.30.3" }
legacy: { global: { enabled: true } }
clusters:
  - { name: east, network: net-1, region: eu-1, zone: eu-1a, dns: { version: "1.11.1" } }
  - { name: west, network: net-2, region: us-1, eastWestGateway: { address: 203.0.113.20 }, dns: { version: "1.11.1" } }
services:
  - { name: httpbin, namespace: bar, ports: [{ name: http, port: 8000, protocol: HTTP }], clusters: [west] }`);

const ISTIO_17 = CLASSIC.replace('version: "1.30.3"', 'version: "1.7.8"');

function withService(text: string, service: string): string {
  return text.replace('services:\n', `services:\n    - ${service}\n`);
}

describe('no remote secrets', () => {
  it('needs no API server or reader token and renders neither remote secrets nor the reader token Secret', () => {
    const { files } = renderText(CLASSIC.replace('  secrets: { mode: omit }\n', ''));
    expect([...files.keys()].filter((p) => p.includes('remote-secret') || p.includes('istio-reader-service-account'))).toEqual([]);
  });
});

describe('ServiceEntries', () => {
  it('every cluster gets one per service, named after its host, in istio-system', () => {
    const { yaml } = renderText(CLASSIC);
    for (const cluster of ['east', 'west']) {
      const se = yaml(`${cluster}/${SE('httpbin.bar.global')}`);
      expect(se.metadata).toEqual({ name: 'httpbin.bar.global', namespace: 'istio-system' });
      expect(se.spec.hosts).toEqual(['httpbin.bar.global']);
      expect(se.spec.location).toBe('MESH_INTERNAL');
      expect(se.spec.resolution).toBe('DNS');
      expect(se.spec.ports).toEqual([{ name: 'http', number: 8000, protocol: 'HTTP' }]);
    }
  });

  it('give the service the same virtual IP in every cluster', () => {
    const { yaml } = renderText(CLASSIC);
    const east = yaml(`east/${SE('httpbin.bar.global')}`).spec.addresses;
    expect(east).toHaveLength(1);
    expect(yaml(`west/${SE('httpbin.bar.global')}`).spec.addresses).toEqual(east);
  });

  it('use a pinned vip as given', () => {
    const { yaml } = renderText(CLASSIC.replace('clusters: [west] }', 'clusters: [west], vip: 240.0.0.2 }'));
    expect(yaml(`east/${SE('httpbin.bar.global')}`).spec.addresses).toEqual(['240.0.0.2']);
  });

  it("point a calling cluster at the serving cluster's gateway on 15443, with its network and locality", () => {
    expect(renderText(CLASSIC).yaml(`east/${SE('httpbin.bar.global')}`).spec.endpoints).toEqual([
      { address: '203.0.113.20', ports: { http: 15443 }, network: 'net-2', locality: 'us-1' },
    ]);
  });

  it('point the serving cluster at the Kubernetes Service, so its gateway can route the .global SNI locally', () => {
    expect(renderText(CLASSIC).yaml(`west/${SE('httpbin.bar.global')}`).spec.endpoints).toEqual([
      { address: 'httpbin.bar.svc.cluster.local', network: 'net-2', locality: 'us-1' },
    ]);
  });

  it('use the node port behind 15443 of a NodePort gateway', () => {
    const nodePort = CLASSIC.replace('eastWestGateway: { address: 203.0.113.20 }', 'eastWestGateway: { serviceType: NodePort, address: 203.0.113.21, nodePort: 31443 }');
    expect(renderText(nodePort).yaml(`east/${SE('httpbin.bar.global')}`).spec.endpoints[0]).toMatchObject({ address: '203.0.113.21', ports: { http: 31443 } });
  });

  it('list one endpoint per serving cluster: the local Service where it runs, the gateways elsewhere', () => {
    const both = CLASSIC.replace("{ name: east, network: net-1, region: eu-1, zone: eu-1a,", '{ name: east, network: net-1, region: eu-1, zone: eu-1a, eastWestGateway: { address: 192.0.2.10 },').replace('clusters: [west] }', 'clusters: [west, east] }');
    const { yaml } = renderText(both);
    expect(yaml(`east/${SE('httpbin.bar.global')}`).spec.endpoints).toEqual([
      { address: 'httpbin.bar.svc.cluster.local', network: 'net-1', locality: 'eu-1/eu-1a' },
      { address: '203.0.113.20', ports: { http: 15443 }, network: 'net-2', locality: 'us-1' },
    ]);
    expect(yaml(`west/${SE('httpbin.bar.global')}`).spec.endpoints).toEqual([
      { address: '192.0.2.10', ports: { http: 15443 }, network: 'net-1', locality: 'eu-1/eu-1a' },
      { address: 'httpbin.bar.svc.cluster.local', network: 'net-2', locality: 'us-1' },
    ]);
  });

  it('name ports that mesh.yaml leaves unnamed, and key the endpoint ports by that name', () => {
    const { yaml } = renderText(CLASSIC.replace('ports: [{ name: http, port: 8000, protocol: HTTP }]', 'ports: [{ port: 9000 }]'));
    const se = yaml(`east/${SE('httpbin.bar.global')}`);
    expect(se.spec.ports).toEqual([{ name: 'port-9000', number: 9000 }]);
    expect(se.spec.endpoints[0].ports).toEqual({ 'port-9000': 15443 });
  });
});

describe('Istio config on current Istio', () => {
  it('every cluster gets a *.global DestinationRule with ISTIO_MUTUAL, so the gateways can route by SNI', () => {
    const { yaml } = renderText(CLASSIC);
    for (const cluster of ['east', 'west']) {
      const dr = yaml(`${cluster}/${DR}`);
      expect(dr.metadata.namespace).toBe('istio-system');
      expect(dr.spec).toEqual({ host: '*.global', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    }
  });

  it('a serving cluster opens its east-west gateway to *.global on 15443 with AUTO_PASSTHROUGH', () => {
    const gateway = renderText(CLASSIC).yaml(`west/${GW}`);
    expect(gateway.spec.selector).toEqual({ istio: 'eastwestgateway' });
    expect(gateway.spec.servers).toEqual([{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.global'] }]);
  });

  it('a cluster that serves nothing gets no such Gateway, and no cluster the *.local cross-network-gateway', () => {
    const { files } = renderText(CLASSIC);
    expect(files.has(`east/${GW}`)).toBe(false);
    expect([...files.keys()].filter((p) => p.includes('cross-network-gateway'))).toEqual([]);
  });

  it('a serving cluster gets an east-west gateway even on a single network', () => {
    const oneNetwork = renderText(CLASSIC.replace('network: net-2', 'network: net-1'));
    expect(oneNetwork.files.has('west/helm/istio-eastwestgateway.values.yaml')).toBe(true);
    expect(oneNetwork.files.has('east/helm/istio-eastwestgateway.values.yaml')).toBe(false);
  });

  it('a custom suffix names the hosts, the DestinationRule, the Gateway and the DNS zone', () => {
    const { yaml, files } = renderText(CLASSIC.replace('legacy: { global: { enabled: true } }', 'legacy: { global: { enabled: true, suffix: mesh } }'));
    expect(yaml(`east/${SE('httpbin.bar.mesh')}`).spec.hosts).toEqual(['httpbin.bar.mesh']);
    expect(yaml('east/manifests/networking.istio.io_DestinationRule_istio-system_istio-multicluster-mesh.yaml').spec.host).toBe('*.mesh');
    expect(yaml('west/manifests/networking.istio.io_Gateway_istio-system_istio-multicluster-mesh.yaml').spec.servers[0].hosts).toEqual(['*.mesh']);
    expect(yaml(`east/${COREDNS}`).data.Corefile).toContain('\nmesh:53 {');
    expect([...files.keys()].some((p) => p.includes('.global'))).toBe(false);
  });
});

describe('Istio 1.6-1.7', () => {
  it('are installed with istioctl from an IstioOperator instead of Helm values', () => {
    const { files } = renderText(ISTIO_17);
    expect(files.has('east/istioctl/istio-operator.yaml')).toBe(true);
    expect([...files.keys()].filter((p) => p.includes('/helm/'))).toEqual([]);
  });

  it('the IstioOperator enables istiocoredns and the multiCluster values of those releases', () => {
    const operator = renderText(ISTIO_17).yaml('west/istioctl/istio-operator.yaml');
    expect(operator.apiVersion).toBe('install.istio.io/v1alpha1');
    expect(operator.kind).toBe('IstioOperator');
    expect(operator.spec.addonComponents).toEqual({ istiocoredns: { enabled: true } });
    expect(operator.spec.values.global.multiCluster).toEqual({ enabled: true, clusterName: 'west', globalDomainSuffix: 'global', includeEnvoyFilter: true });
    expect(operator.spec.values.global.podDNSSearchNamespaces).toEqual(['global']);
    expect(operator.spec.values.global.meshID).toBe('demo');
    expect(operator.spec.values.global.network).toBe('net-2');
  });

  it('istio-ingressgateway carries the cross-cluster traffic, configured by eastWestGateway', () => {
    const text = ISTIO_17.replace('eastWestGateway: { address: 203.0.113.20 }', 'eastWestGateway: { address: 203.0.113.20, annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": nlb } }');
    expect(renderText(text).yaml('west/istioctl/istio-operator.yaml').spec.components.ingressGateways).toEqual([
      { name: 'istio-ingressgateway', enabled: true, k8s: { service: { type: 'LoadBalancer' }, serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } } },
    ]);
  });

  it('clusters[].proxy.includeIPRanges becomes values.global.proxy.includeIPRanges of the IstioOperator', () => {
    const text = ISTIO_17.replace('zone: eu-1a, dns: { version: "1.11.1" }', 'zone: eu-1a, podCIDR: 10.8.0.0/16, serviceCIDR: 10.9.0.0/16, proxy: { includeIPRanges: auto }, dns: { version: "1.11.1" }');
    const { yaml } = renderText(text);
    expect(yaml('east/istioctl/istio-operator.yaml').spec.values.global.proxy).toEqual({ includeIPRanges: '10.8.0.0/16,10.9.0.0/16' });
    expect(yaml('west/istioctl/istio-operator.yaml').spec.values.global.proxy).toBeUndefined();
  });

  it('on Istio 1.5 too, beside the 1.5 keys', () => {
    const text = ISTIO_17.replace('version: "1.7.8"', 'version: "1.5.10"').replace('zone: eu-1a, dns: { version: "1.11.1" }', 'zone: eu-1a, proxy: { includeIPRanges: [10.8.0.0/16] }, dns: { version: "1.11.1" }');
    const global = renderText(text).yaml('east/istioctl/istio-operator.yaml').spec.values.global;
    expect(global.proxy).toEqual({ includeIPRanges: '10.8.0.0/16' });
    expect(global.trustDomain).toBe('cluster.local');
  });

  it('ServiceEntries use networking.istio.io/v1alpha3', () => {
    expect(renderText(ISTIO_17).yaml(`east/${SE('httpbin.bar.global')}`).apiVersion).toBe('networking.istio.io/v1alpha3');
  });

  it('meshgen adds no 15443 Gateway or DestinationRule: the charts render their own (the docs warn against a second Gateway)', () => {
    const { files } = renderText(ISTIO_17);
    expect([...files.keys()].filter((p) => p.includes('_Gateway_') || p.includes('_DestinationRule_'))).toEqual([]);
  });

  it('the DNS stub forwards to istiocoredns at the address mesh.yaml gives, and is left out until it does', () => {
    const withAddress = renderText(ISTIO_17.replace('zone: eu-1a, dns: { version: "1.11.1" }', 'zone: eu-1a, dns: { version: "1.11.1", istiocorednsAddress: 10.96.0.53 }'));
    expect(withAddress.yaml(`east/${COREDNS}`).data.Corefile).toContain('global:53 {\n    errors\n    cache 30\n    forward . 10.96.0.53\n}\n');
    expect(withAddress.files.has(`west/${COREDNS}`)).toBe(false);
  });

  it('kube-dns stubs the zone to istiocoredns', () => {
    const kubeDns = renderText(ISTIO_17.replace('zone: eu-1a, dns: { version: "1.11.1" }', 'zone: eu-1a, dns: { provider: kube-dns, istiocorednsAddress: 10.96.0.53 }'));
    expect(kubeDns.yaml('east/manifests/core_ConfigMap_kube-system_kube-dns.yaml').data).toEqual({ stubDomains: '{"global":["10.96.0.53"]}' });
  });
});

describe('adding a service', () => {
  const OTHER = '{ name: helloworld, namespace: sample, ports: [{ name: http, port: 5000 }], clusters: [east] }';
  const WITH_EAST_GATEWAY = CLASSIC.replace("{ name: east, network: net-1, region: eu-1, zone: eu-1a,", '{ name: east, network: net-1, region: eu-1, zone: eu-1a, eastWestGateway: { address: 192.0.2.10 },');

  it('changes no existing file but those that must list it: kustomizations, DNS tables, README', () => {
    const before = renderText(WITH_EAST_GATEWAY).files;
    const after = renderText(withService(WITH_EAST_GATEWAY, OTHER)).files;
    const changed = [...before].filter(([path, content]) => after.get(path) !== content).map(([path]) => path);
    expect(changed.sort()).toEqual(['README.md', 'east/kustomization.yaml', `east/${COREDNS}`, 'west/kustomization.yaml', `west/${COREDNS}`]);
    // its ServiceEntry everywhere, and the Gateway of the cluster that now serves something
    const added = [...after.keys()].filter((p) => !before.has(p));
    expect(added.sort()).toEqual([`east/${GW}`, `east/${SE('helloworld.sample.global')}`, `west/${SE('helloworld.sample.global')}`]);
  });

  it('on Istio 1.6-1.7 changes no DNS stub: istiocoredns reads the ServiceEntries', () => {
    const text = WITH_EAST_GATEWAY.replace('version: "1.30.3"', 'version: "1.7.8"').replace(/dns: \{ version: "1.11.1" \}/g, 'dns: { version: "1.11.1", istiocorednsAddress: 10.96.0.53 }');
    const before = renderText(text).files;
    const after = renderText(withService(text, OTHER)).files;
    expect(before.has(`east/${COREDNS}`) && before.has(`west/${COREDNS}`)).toBe(true);
    expect(after.get(`east/${COREDNS}`)).toBe(before.get(`east/${COREDNS}`));
    expect(after.get(`west/${COREDNS}`)).toBe(before.get(`west/${COREDNS}`));
  });

  it("keeps every existing service's virtual IP", () => {
    const after = renderText(withService(WITH_EAST_GATEWAY, OTHER));
    expect(after.yaml(`east/${SE('httpbin.bar.global')}`).spec.addresses).toEqual([hashedVip('bar', 'httpbin')]);
    expect(after.yaml(`east/${COREDNS}`).data.Corefile).toContain(`${hashedVip('bar', 'httpbin')} httpbin.bar.global\n`);
  });
});

describe('out/README.md', () => {
  it('lists every .global name with its virtual IP and serving clusters', () => {
    const readme = renderText(CLASSIC).files.get('README.md')!;
    expect(readme).toContain(`| \`httpbin.bar.global\` | ${hashedVip('bar', 'httpbin')} | 8000/HTTP | west |`);
  });

  it('installs Istio 1.6-1.7 with the istioctl of that release, never with Helm', () => {
    const readme = renderText(ISTIO_17).files.get('README.md')!;
    expect(readme).toContain('istioctl install --context "$CTX_EAST" -f east/istioctl/istio-operator.yaml   # istioctl 1.7.8');
    expect(readme).not.toContain('helm upgrade');
  });
});
