import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';

// Primary-remote: a remote without istiod, managed by its primary through the east-west gateway.

const FLAT = meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: primary1, network: net-1, eastWestGateway: { address: 192.0.2.10 } }
  - { name: remote1, network: net-1, role: remote, controlPlane: primary1 }`);

const TWO_NETWORKS = FLAT.replace('{ name: remote1, network: net-1,', '{ name: remote1, network: net-2,');

describe('a primary that serves remotes', () => {
  it('runs istiod with externalIstiod', () => {
    expect(renderText(FLAT).yaml('primary1/helm/istiod.values.yaml').global.externalIstiod).toBe(true);
  });

  it('gets an east-west gateway even on a single network, to expose istiod', () => {
    expect(renderText(FLAT).yaml('primary1/helm/istio-eastwestgateway.values.yaml').networkGateway).toBe('net-1');
  });

  it('exposes istiod on 15012 and its webhook on 15017 by TLS passthrough', () => {
    const { yaml } = renderText(FLAT);
    const gateway = yaml('primary1/manifests/networking.istio.io_Gateway_istio-system_istiod-gateway.yaml');
    expect(gateway.spec.selector).toEqual({ istio: 'eastwestgateway' });
    expect(gateway.spec.servers.map((s: any) => [s.port.number, s.tls.mode, s.hosts])).toEqual([
      [15012, 'PASSTHROUGH', ['*']],
      [15017, 'PASSTHROUGH', ['*']],
    ]);
    const vs = yaml('primary1/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs.yaml');
    expect(vs.spec.gateways).toEqual(['istiod-gateway']);
    expect(vs.spec.tls.map((r: any) => [r.match[0].port, r.route[0].destination.host, r.route[0].destination.port.number])).toEqual([
      [15012, 'istiod.istio-system.svc.cluster.local', 15012],
      [15017, 'istiod.istio-system.svc.cluster.local', 443],
    ]);
  });

  it('names the VirtualService and its hosts after the revision when one is set', () => {
    const { yaml, files } = renderText(FLAT.replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3", revision: canary }'));
    expect(files.has('primary1/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs.yaml')).toBe(false);
    const vs = yaml('primary1/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs-canary.yaml');
    expect(vs.spec.tls[0].match[0].sniHosts).toEqual(['istiod-canary.istio-system.svc', 'istiod-canary.istio-system.svc.cluster.local']);
    expect(vs.spec.tls[1].route[0].destination.host).toBe('istiod-canary.istio-system.svc.cluster.local');
    expect(yaml('remote1/helm/istiod-canary.values.yaml').revision).toBe('canary');
  });
});

describe('a remote', () => {
  it('installs istiod with the remote profile, pointed at its primary', () => {
    const values = renderText(FLAT).yaml('remote1/helm/istiod.values.yaml');
    expect(values.profile).toBe('remote');
    expect(values.global.configCluster).toBe(true);
    expect(values.global.remotePilotAddress).toBe('192.0.2.10');
    expect(values.global.multiCluster.clusterName).toBe('remote1');
    expect(values.global.externalIstiod).toBeUndefined();
    expect(values.meshConfig).toBeUndefined(); // the remote profile renders no mesh ConfigMap
  });

  it('carries its cluster and network in the injection path', () => {
    expect(renderText(TWO_NETWORKS).yaml('remote1/helm/istiod.values.yaml').istiodRemote).toEqual({ injectionPath: '/inject/cluster/remote1/net/net-2' });
  });

  it('installs istio-base with the remote profile', () => {
    expect(renderText(FLAT).yaml('remote1/helm/istio-base.values.yaml')).toEqual({ profile: 'remote' });
  });

  it('annotates istio-system with its control plane, and labels the network on several networks', () => {
    expect(renderText(FLAT).yaml('remote1/manifests/core_Namespace__istio-system.yaml').metadata).toEqual({
      name: 'istio-system',
      annotations: { 'topology.istio.io/controlPlaneClusters': 'primary1' },
    });
    expect(renderText(TWO_NETWORKS).yaml('remote1/manifests/core_Namespace__istio-system.yaml').metadata.labels).toEqual({ 'topology.istio.io/network': 'net-2' });
  });

  it('gets no east-west gateway on a single network, one of its own on several', () => {
    expect(renderText(FLAT).files.has('remote1/helm/istio-eastwestgateway.values.yaml')).toBe(false);
    expect(renderText(TWO_NETWORKS).yaml('remote1/helm/istio-eastwestgateway.values.yaml').networkGateway).toBe('net-2');
  });

  it('never gets Istio config: cross-network-gateway lives only in its primary', () => {
    const { files } = renderText(TWO_NETWORKS);
    expect([...files.keys()].filter((p) => p.startsWith('remote1/manifests/') && p.includes('istio.io'))).toEqual([]);
    expect(files.has('primary1/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml')).toBe(true);
  });
});

describe('a mixed mesh', () => {
  it('exposes istiod only on primaries that serve remotes', () => {
    const mixed = TWO_NETWORKS.replace('clusters:\n', 'clusters:\n    - { name: other, network: net-3 }\n');
    const { files, yaml } = renderText(mixed);
    expect(files.has('other/manifests/networking.istio.io_Gateway_istio-system_istiod-gateway.yaml')).toBe(false);
    expect(yaml('other/helm/istiod.values.yaml').global.externalIstiod).toBeUndefined();
    expect(files.has('other/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml')).toBe(true);
  });
});
