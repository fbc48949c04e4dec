import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';

// Namespaces, shared services, traffic policy and verification workloads (issue #8).

const TWO = `istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1, region: r1 }
  - { name: west, network: net-2, region: r2 }`;

function mesh(extra: string, base = TWO): string {
  return meshText(`${base}\n${extra}`);
}

describe('namespaces', () => {
  it('carry the label of their data plane: injection, ambient, or none', () => {
    const { yaml } = renderText(mesh(`namespaces:\n  - { name: a }\n  - { name: b, injection: ambient }\n  - { name: c, injection: disabled }`));
    expect(yaml('east/manifests/core_Namespace__a.yaml').metadata).toEqual({ name: 'a', labels: { 'istio-injection': 'enabled' } });
    expect(yaml('east/manifests/core_Namespace__b.yaml').metadata).toEqual({ name: 'b', labels: { 'istio.io/dataplane-mode': 'ambient' } });
    expect(yaml('east/manifests/core_Namespace__c.yaml').metadata).toEqual({ name: 'c' });
  });

  it('select the revision instead of the default injector when one is set', () => {
    const { yaml } = renderText(mesh(`namespaces:\n  - { name: a }`, TWO.replace('version: "1.30.3"', 'version: "1.30.3", revision: stable')));
    expect(yaml('west/manifests/core_Namespace__a.yaml').metadata.labels).toEqual({ 'istio.io/rev': 'stable' });
  });

  it('exist only in the clusters they name', () => {
    const { files } = renderText(mesh(`namespaces:\n  - { name: a, clusters: [west] }`));
    expect(files.has('west/manifests/core_Namespace__a.yaml')).toBe(true);
    expect(files.has('east/manifests/core_Namespace__a.yaml')).toBe(false);
  });
});

describe('a service that runs in some clusters only', () => {
  const ONLY_WEST = `namespaces:\n  - { name: shop }\nservices:\n  - { name: inventory, namespace: shop, clusters: [west], ports: [{ name: grpc, port: 9090, protocol: GRPC }] }`;

  it('gets a Service without selector in the clusters that call it, so their DNS resolves its name', () => {
    const { yaml, files } = renderText(mesh(ONLY_WEST));
    const service = yaml('east/manifests/core_Service_shop_inventory.yaml');
    expect(service.spec).toEqual({ ports: [{ name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' }] });
    expect(files.has('west/manifests/core_Service_shop_inventory.yaml')).toBe(false); // west runs it: its own Service
  });

  it('selects the given labels when a selector is set', () => {
    const { yaml } = renderText(mesh(ONLY_WEST.replace('clusters: [west],', 'clusters: [west], selector: { app: inventory },')));
    expect(yaml('east/manifests/core_Service_shop_inventory.yaml').spec.selector).toEqual({ app: 'inventory' });
  });

  it('needs no Service copy when Istio DNS proxying is on', () => {
    const { files } = renderText(mesh(`dns: { capture: true }\n${ONLY_WEST}`));
    expect(files.has('east/manifests/core_Service_shop_inventory.yaml')).toBe(false);
  });
});

describe('clusterLocal', () => {
  it('becomes meshConfig.serviceSettings in every primary, listing the hosts', () => {
    const { yaml } = renderText(mesh(`namespaces:\n  - { name: shop }\nservices:\n  - { name: cache, namespace: shop, clusterLocal: true }\n  - { name: api, namespace: shop, clusterLocal: true }\n  - { name: web, namespace: shop }`));
    for (const cluster of ['east', 'west']) {
      expect(yaml(`${cluster}/helm/istiod.values.yaml`).meshConfig.serviceSettings).toEqual([
        { settings: { clusterLocal: true }, hosts: ['api.shop.svc.cluster.local', 'cache.shop.svc.cluster.local'] },
      ]);
    }
  });
});

describe('traffic policy', () => {
  const policy = (trafficPolicy: string, ports = '[{ name: http, port: 8080, protocol: HTTP }]') =>
    mesh(`namespaces:\n  - { name: shop }\nservices:\n  - { name: pay, namespace: shop, ports: ${ports}, trafficPolicy: ${trafficPolicy} }`);

  it('locality failover is a DestinationRule with locality load balancing and the outlier detection it needs', () => {
    const rule = renderText(policy('{ localityFailover: true }')).yaml('east/manifests/networking.istio.io_DestinationRule_shop_pay-cross-cluster.yaml');
    expect(rule.spec.host).toBe('pay.shop.svc.cluster.local');
    expect(rule.spec.trafficPolicy.loadBalancer).toEqual({ localityLbSetting: { enabled: true } });
    expect(Object.keys(rule.spec.trafficPolicy.outlierDetection).sort()).toEqual(['baseEjectionTime', 'consecutive5xxErrors', 'interval']);
  });

  it('a weight split routes to per-cluster subsets on the topology.istio.io/cluster label', () => {
    const { yaml } = renderText(policy('{ weights: { west: 30, east: 70 } }'));
    const rule = yaml('east/manifests/networking.istio.io_DestinationRule_shop_pay-cross-cluster.yaml');
    expect(rule.spec.subsets).toEqual([
      { name: 'east', labels: { 'topology.istio.io/cluster': 'east' } },
      { name: 'west', labels: { 'topology.istio.io/cluster': 'west' } },
    ]);
    const vs = yaml('east/manifests/networking.istio.io_VirtualService_shop_pay-cross-cluster.yaml');
    expect(vs.spec.http).toEqual([
      {
        route: [
          { destination: { host: 'pay.shop.svc.cluster.local', subset: 'east' }, weight: 70 },
          { destination: { host: 'pay.shop.svc.cluster.local', subset: 'west' }, weight: 30 },
        ],
      },
    ]);
  });

  it('a TCP service is split with tcp routes; a mixed one matches each route to its port', () => {
    const tcp = renderText(policy('{ weights: { east: 50, west: 50 } }', '[{ port: 6379, protocol: TCP }]')).yaml('west/manifests/networking.istio.io_VirtualService_shop_pay-cross-cluster.yaml');
    expect(tcp.spec.http).toBeUndefined();
    expect(tcp.spec.tcp).toHaveLength(1);
    const mixed = renderText(policy('{ weights: { east: 50, west: 50 } }', '[{ port: 8080, protocol: HTTP }, { port: 6379, protocol: TCP }]')).yaml(
      'west/manifests/networking.istio.io_VirtualService_shop_pay-cross-cluster.yaml',
    );
    expect(mixed.spec.http.map((r: any) => r.match)).toEqual([[{ port: 8080 }]]);
    expect(mixed.spec.tcp.map((r: any) => r.match)).toEqual([[{ port: 6379 }]]);
  });

  it('lives only in primaries: remotes take their config from their primary', () => {
    const base = `istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1, region: r1, eastWestGateway: { address: 192.0.2.1 } }
  - { name: edge, network: net-1, region: r1, role: remote, controlPlane: east }`;
    const { files } = renderText(mesh(`namespaces:\n  - { name: shop }\nservices:\n  - { name: pay, namespace: shop, ports: [{ port: 80, protocol: HTTP }], trafficPolicy: { localityFailover: true } }`, base));
    expect(files.has('east/manifests/networking.istio.io_DestinationRule_shop_pay-cross-cluster.yaml')).toBe(true);
    expect([...files.keys()].some((p) => p.startsWith('edge/') && p.includes('DestinationRule'))).toBe(false);
  });
});

describe('verification', () => {
  const THREE = `istio: { version: "1.30.3" }
clusters:
  - { name: zulu, network: net-1 }
  - { name: alpha, network: net-2 }
  - { name: mike, network: net-3 }
verification: { enabled: true }`;

  it('runs helloworld v1 in the first cluster of mesh.yaml, v2 in the second, v3 in the third', () => {
    const { files } = renderText(meshText(THREE));
    const versions = (c: string) => [...files.keys()].filter((p) => p.startsWith(`${c}/manifests/apps_Deployment_sample_helloworld-`)).map((p) => p.slice(-7, -5));
    expect(versions('zulu')).toEqual(['v1']);
    expect(versions('alpha')).toEqual(['v2']);
    expect(versions('mike')).toEqual(['v3']);
  });

  it('runs v3 on Istio\'s v1 image with SERVICE_VERSION=v3, which the app answers with (Istio publishes v1 and v2 only)', () => {
    const container = renderText(meshText(THREE)).yaml('mike/manifests/apps_Deployment_sample_helloworld-v3.yaml').spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/istio/examples-helloworld-v1:1.0');
    expect(container.env).toEqual([{ name: 'SERVICE_VERSION', value: 'v3' }]);
  });

  it('keeps v1 and v2 on their own images without an environment override', () => {
    const container = renderText(meshText(THREE)).yaml('alpha/manifests/apps_Deployment_sample_helloworld-v2.yaml').spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/istio/examples-helloworld-v2:1.0');
    expect(container.env).toBeUndefined();
  });

  it('puts every verification object into verification.namespace when it is given', () => {
    const { files } = renderText(meshText(THREE.replace('verification: { enabled: true }', 'verification: { enabled: true, namespace: mesh-check }')));
    const zulu = [...files.keys()].filter((p) => p.startsWith('zulu/manifests/') && /helloworld|sleep|Namespace__mesh-check/.test(p)).sort();
    expect(zulu).toEqual([
      'zulu/manifests/apps_Deployment_mesh-check_helloworld-v1.yaml',
      'zulu/manifests/apps_Deployment_mesh-check_sleep.yaml',
      'zulu/manifests/core_Namespace__mesh-check.yaml',
      'zulu/manifests/core_ServiceAccount_mesh-check_sleep.yaml',
      'zulu/manifests/core_Service_mesh-check_helloworld.yaml',
    ]);
    expect(files.get('verify.sh')).toContain('-n mesh-check exec deploy/sleep');
    expect(files.get('verify.sh')).toContain('http://helloworld.mesh-check:5000/hello');
  });

  it('gives every cluster the injected sample namespace, the helloworld Service and a sleep client', () => {
    const { yaml } = renderText(meshText(THREE));
    for (const c of ['zulu', 'alpha', 'mike']) {
      expect(yaml(`${c}/manifests/core_Namespace__sample.yaml`).metadata.labels).toEqual({ 'istio-injection': 'enabled' });
      expect(yaml(`${c}/manifests/core_Service_sample_helloworld.yaml`).spec.ports).toEqual([{ name: 'http', port: 5000, targetPort: 5000 }]);
      const sleep = yaml(`${c}/manifests/apps_Deployment_sample_sleep.yaml`);
      expect(sleep.spec.template.spec.containers[0].command).toEqual(['/bin/sleep', 'infinity']);
      expect(sleep.spec.template.spec.serviceAccountName).toBe('sleep');
    }
  });

  it('pods carry only the labels meshgen chose, matching their selectors', () => {
    const hello = renderText(meshText(THREE)).yaml('alpha/manifests/apps_Deployment_sample_helloworld-v2.yaml');
    expect(hello.spec.template.metadata.labels).toEqual({ app: 'helloworld', version: 'v2' });
    expect(hello.spec.selector.matchLabels).toEqual({ app: 'helloworld', version: 'v2' });
  });

  it('writes out/verify.sh, checking every cluster with its own context variable', () => {
    const script = renderText(meshText(THREE)).files.get('verify.sh')!;
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('set -euo pipefail');
    expect(script.match(/^check (\S+) "\$\{(CTX_\w+):\?/gm)).toEqual(['check zulu "${CTX_ZULU:?', 'check alpha "${CTX_ALPHA:?', 'check mike "${CTX_MIKE:?']);
  });
});
