import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';

// What each cluster gets: Helm values, the istio-system Namespace, gateways and their Istio config.

const TWO_NETWORKS = meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1 }
  - { name: west, network: net-2 }`);

const ONE_NETWORK = meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1 }
  - { name: west, network: net-1 }`);

describe('istiod values', () => {
  it('carry meshID, the cluster name and the network under the exact chart keys', () => {
    const { yaml } = renderText(TWO_NETWORKS);
    const values = yaml('west/helm/istiod.values.yaml');
    expect(values.global.meshID).toBe('demo');
    expect(values.global.multiCluster.clusterName).toBe('west');
    expect(values.global.network).toBe('net-2');
  });

  it('carry the trust domain, cluster.local by default', () => {
    expect(renderText(TWO_NETWORKS).yaml('east/helm/istiod.values.yaml').meshConfig.trustDomain).toBe('cluster.local');
    const custom = renderText(TWO_NETWORKS.replace('spec:\n', 'spec:\n  trustDomain: corp.example\n'));
    expect(custom.yaml('east/helm/istiod.values.yaml').meshConfig.trustDomain).toBe('corp.example');
  });

  it('meshID defaults to metadata.name and can be set apart from it', () => {
    const custom = renderText(TWO_NETWORKS.replace('spec:\n', 'spec:\n  meshID: mesh-7\n'));
    expect(custom.yaml('east/helm/istiod.values.yaml').global.meshID).toBe('mesh-7');
  });

  it('turn on DNS proxying through proxyMetadata when spec.dns asks', () => {
    const plain = renderText(TWO_NETWORKS).yaml('east/helm/istiod.values.yaml');
    expect(plain.meshConfig.defaultConfig).toBeUndefined();
    const dns = renderText(TWO_NETWORKS.replace('spec:\n', 'spec:\n  dns: { capture: true, autoAllocate: true }\n'));
    expect(dns.yaml('east/helm/istiod.values.yaml').meshConfig.defaultConfig.proxyMetadata).toEqual({
      ISTIO_META_DNS_CAPTURE: 'true',
      ISTIO_META_DNS_AUTO_ALLOCATE: 'true',
    });
    expect(dns.files.get('east/helm/istiod.values.yaml')).toContain('ISTIO_META_DNS_CAPTURE: "true"');
  });

  it('apply a revision to istiod, the default validator and every gateway', () => {
    const { yaml } = renderText(TWO_NETWORKS.replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3", revision: "1-30" }'));
    expect(yaml('east/helm/istiod-1-30.values.yaml').revision).toBe('1-30');
    expect(yaml('east/helm/istio-base.values.yaml').defaultRevision).toBe('1-30');
    expect(yaml('east/helm/istio-eastwestgateway.values.yaml').revision).toBe('1-30');
  });
});

describe('several networks', () => {
  it('label istio-system with the cluster network', () => {
    const ns = renderText(TWO_NETWORKS).yaml('west/manifests/core_Namespace__istio-system.yaml');
    expect(ns.metadata).toEqual({ name: 'istio-system', labels: { 'topology.istio.io/network': 'net-2' } });
  });

  it('give every cluster an east-west gateway for its own network', () => {
    const values = renderText(TWO_NETWORKS).yaml('east/helm/istio-eastwestgateway.values.yaml');
    expect(values).toEqual({ name: 'istio-eastwestgateway', networkGateway: 'net-1', service: { type: 'LoadBalancer' } });
  });

  it('pass the gateway service type and annotations to the chart', () => {
    const { yaml } = renderText(
      TWO_NETWORKS.replace('{ name: east, network: net-1 }', '{ name: east, network: net-1, eastWestGateway: { serviceType: NodePort, annotations: { "traffic.istio.io/nodeSelector": "{}" } } }'),
    );
    expect(yaml('east/helm/istio-eastwestgateway.values.yaml').service).toEqual({ type: 'NodePort', annotations: { 'traffic.istio.io/nodeSelector': '{}' } });
  });

  it('expose services with the cross-network-gateway: 15443, AUTO_PASSTHROUGH, *.local, in istio-system', () => {
    const gateway = renderText(TWO_NETWORKS).yaml('east/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml');
    expect(gateway.metadata).toEqual({ name: 'cross-network-gateway', namespace: 'istio-system' });
    expect(gateway.spec.selector).toEqual({ istio: 'eastwestgateway' });
    expect(gateway.spec.servers).toEqual([{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }]);
  });

  it('skip the gateway and cross-network-gateway of a cluster that disables its east-west gateway', () => {
    const { files } = renderText(TWO_NETWORKS.replace('{ name: west, network: net-2 }', '{ name: west, network: net-2, eastWestGateway: { enabled: false } }'));
    expect(files.has('west/helm/istio-eastwestgateway.values.yaml')).toBe(false);
    expect([...files.keys()].some((p) => p.startsWith('west/') && p.includes('cross-network-gateway'))).toBe(false);
  });
});

describe('one network', () => {
  it('renders no east-west gateway, no cross-network-gateway and no network label', () => {
    const { files, yaml } = renderText(ONE_NETWORK);
    expect([...files.keys()].filter((p) => p.startsWith('east/')).sort()).toEqual([
      'east/helm/istio-base.values.yaml',
      'east/helm/istiod.values.yaml',
      'east/kustomization.yaml',
      'east/manifests/core_Namespace__istio-system.yaml',
      'east/manifests/core_Secret_istio-system_istio-reader-service-account-istio-remote-secret-token.yaml',
    ]);
    expect(yaml('east/manifests/core_Namespace__istio-system.yaml').metadata.labels).toBeUndefined();
    expect(yaml('east/helm/istiod.values.yaml').global.network).toBe('net-1');
  });

  it('renders an east-west gateway only when asked to', () => {
    const { files } = renderText(ONE_NETWORK.replace('{ name: east, network: net-1 }', '{ name: east, network: net-1, eastWestGateway: { enabled: true } }'));
    expect(files.has('east/helm/istio-eastwestgateway.values.yaml')).toBe(true);
    expect(files.has('west/helm/istio-eastwestgateway.values.yaml')).toBe(false);
  });
});

describe('ingress gateway', () => {
  it('is rendered as an istio/gateway values file when enabled', () => {
    const { yaml, files } = renderText(ONE_NETWORK.replace('{ name: west, network: net-1 }', '{ name: west, network: net-1, ingressGateway: { enabled: true, serviceType: ClusterIP } }'));
    expect(yaml('west/helm/istio-ingressgateway.values.yaml')).toEqual({ name: 'istio-ingressgateway', service: { type: 'ClusterIP' } });
    expect(files.has('east/helm/istio-ingressgateway.values.yaml')).toBe(false);
  });
});

describe('kustomization', () => {
  it('lists every manifest of its cluster, and only those', () => {
    const { files, yaml } = renderText(TWO_NETWORKS);
    const manifests = [...files.keys()].filter((p) => p.startsWith('east/manifests/')).map((p) => p.slice('east/'.length)).sort();
    expect(yaml('east/kustomization.yaml')).toEqual({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: manifests });
  });
});

describe('every generated file', () => {
  it('starts with the generated-by header naming the mesh file', () => {
    for (const [path, content] of renderText(TWO_NETWORKS).files) {
      if (path.endsWith('.yaml')) expect(content.startsWith('# Generated by meshgen from mesh.yaml.'), path).toBe(true);
      expect(content.includes('\r'), path).toBe(false);
    }
  });

  it('adding a cluster changes no file of the existing clusters except where they must list it', () => {
    const before = renderText(TWO_NETWORKS).files;
    const after = renderText(TWO_NETWORKS.replace('{ name: west, network: net-2 }', '{ name: west, network: net-2 }\n    - { name: north, network: net-3 }')).files;
    for (const [path, content] of before) if (path !== 'README.md') expect(after.get(path), path).toBe(content);
  });
});
