import { describe, expect, it } from 'vitest';
import { loadStage } from '../src/pipeline.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { meshText, renderText } from './helpers/render.js';

// The legacy .global model on Istio 1.4 (issue #15): istioctl 1.4 installs from an
// IstioControlPlane (install.istio.io/v1alpha2) with `istioctl manifest apply`, as istio.io's
// 1.4 guide "Replicated control planes" does; what 1.4 cannot do is refused at the field.

const legacy14 = (options: { istio?: string; legacy?: string; cluster?: string; spec?: string } = {}) =>
  meshText(`istio: { version: "1.4.10"${options.istio ?? ''} }
legacy: { global: { enabled: true${options.legacy ?? ''} } }
clusters:
  - name: east
    network: net-1
    dns: { istiocorednsAddress: 10.96.20.53 }${options.cluster ?? ''}${options.spec ?? ''}`);

function diagnosticsOf(text: string) {
  const loaded = loadStage(new MemoryHost({ files: { '/mesh.yaml': text }, now: new Date('2026-01-01T00:00:00Z') }), '/mesh.yaml');
  return loaded.diagnostics.map((d) => ({ code: d.code, line: d.position?.line, col: d.position?.col, message: d.message, hint: d.hint }));
}

const errorsOf = (text: string) => diagnosticsOf(text).filter((d) => d.code.startsWith('MG'));

describe('legacy .global on Istio 1.4: the install file', () => {
  it('is istioctl/istio-control-plane.yaml, not an IstioOperator and no Helm values', () => {
    const paths = [...renderText(legacy14()).files.keys()].filter((p) => p.startsWith('east/istioctl/') || p.startsWith('east/helm/'));
    expect(paths).toEqual(['east/istioctl/istio-control-plane.yaml']);
  });

  it('is an install.istio.io/v1alpha2 IstioControlPlane named after the cluster in istio-system', () => {
    const plane = renderText(legacy14()).yaml('east/istioctl/istio-control-plane.yaml');
    expect([plane.apiVersion, plane.kind, plane.metadata]).toEqual(['install.istio.io/v1alpha2', 'IstioControlPlane', { name: 'east', namespace: 'istio-system' }]);
  });

  it('enables istiocoredns as the coreDNS feature on the default profile', () => {
    const spec = renderText(legacy14()).yaml('east/istioctl/istio-control-plane.yaml').spec;
    expect([spec.profile, spec.coreDNS]).toEqual(['default', { enabled: true }]);
  });

  it('carries the multicluster-gateways facts of 1.4 in values.global, with the trust domain, cluster name and network', () => {
    const values = renderText(legacy14()).yaml('east/istioctl/istio-control-plane.yaml').spec.values;
    expect(values.global).toEqual({
      trustDomain: 'cluster.local',
      network: 'net-1',
      multiCluster: { enabled: true, clusterName: 'east' },
      podDNSSearchNamespaces: ['global', '{{ valueOrDefault .DeploymentMeta.Namespace "default" }}.global'],
      controlPlaneSecurityEnabled: true,
    });
    expect(values.security).toEqual({ selfSigned: false });
  });

  it('sets the gateway Service type and annotations as chart values (1.4 maps no component k8s.service)', () => {
    const plane = renderText(legacy14({ cluster: '\n    eastWestGateway: { serviceType: NodePort, annotations: { example.com/lb: internal } }' })).yaml('east/istioctl/istio-control-plane.yaml');
    expect(plane.spec.values.gateways).toEqual({ 'istio-ingressgateway': { type: 'NodePort', serviceAnnotations: { 'example.com/lb': 'internal' } } });
    expect(plane.spec.gateways).toEqual({ components: { ingressGateway: { enabled: true } } });
  });

  it('disables istio-ingressgateway where the east-west gateway is disabled', () => {
    const plane = renderText(legacy14({ cluster: '\n    eastWestGateway: { enabled: false }' })).yaml('east/istioctl/istio-control-plane.yaml');
    expect(plane.spec.gateways.components.ingressGateway).toEqual({ enabled: false });
  });

  it('out/README.md installs it with istioctl manifest apply, as 1.4 documents', () => {
    expect(renderText(legacy14()).files.get('README.md')).toContain('istioctl manifest apply --context "$CTX_EAST" -f east/istioctl/istio-control-plane.yaml   # istioctl 1.4.10');
  });

  it('writes the ServiceEntries as networking.istio.io/v1alpha3, the only version 1.4 serves', () => {
    const entry = renderText(legacy14({ spec: '\nservices:\n  - { name: httpbin, namespace: bar, ports: [{ name: http, port: 8000 }], clusters: [east] }' })).yaml('east/manifests/networking.istio.io_ServiceEntry_istio-system_httpbin.bar.global.yaml');
    expect(entry.apiVersion).toBe('networking.istio.io/v1alpha3');
  });

  it('writes only ServiceEntry fields that Istio 1.4 has', () => {
    // github.com/istio/api networking/v1alpha3/service_entry.proto@1.4.10
    const SPEC = ['hosts', 'addresses', 'ports', 'location', 'resolution', 'endpoints', 'exportTo', 'subjectAltNames'];
    const PORT = ['number', 'protocol', 'name'];
    const ENDPOINT = ['address', 'ports', 'labels', 'network', 'locality', 'weight'];
    const text = meshText(`istio: { version: "1.4.10" }
legacy: { global: { enabled: true } }
clusters:
  - { name: east, network: net-1, region: eu-west-1, zone: eu-west-1a, eastWestGateway: { address: 192.0.2.1 }, dns: { istiocorednsAddress: 10.96.20.53 } }
  - { name: west, network: net-2, region: us-east-1, eastWestGateway: { address: 192.0.2.2 }, dns: { istiocorednsAddress: 10.97.20.53 } }
services:
  - { name: httpbin, namespace: bar, ports: [{ name: http, port: 8000, protocol: HTTP }], clusters: [east, west] }`);
    const spec = renderText(text).yaml('east/manifests/networking.istio.io_ServiceEntry_istio-system_httpbin.bar.global.yaml').spec;
    expect(Object.keys(spec).filter((k) => !SPEC.includes(k))).toEqual([]);
    expect(spec.ports.flatMap((p: object) => Object.keys(p)).filter((k: string) => !PORT.includes(k))).toEqual([]);
    expect(spec.endpoints.flatMap((e: object) => Object.keys(e)).filter((k: string) => !ENDPOINT.includes(k))).toEqual([]);
    expect(spec.endpoints.map((e: { locality?: string }) => e.locality)).toEqual(['eu-west-1/eu-west-1a', 'us-east-1']);
  });

  it('forwards the global zone with proxy on CoreDNS older than 1.4.0, as the 1.4 guide does', () => {
    const corefile = renderText(legacy14({ cluster: '' }).replace('dns: { istiocorednsAddress: 10.96.20.53 }', 'dns: { istiocorednsAddress: 10.96.20.53, version: "1.3.1" }')).yaml('east/manifests/core_ConfigMap_kube-system_coredns.yaml').data.Corefile;
    expect(corefile).toContain('global:53 {\n    errors\n    cache 30\n    proxy . 10.96.20.53\n}');
  });
});

describe('legacy .global on Istio 1.4: what it cannot do', () => {
  it('is accepted without a refusal', () => {
    expect(errorsOf(legacy14())).toEqual([]);
  });

  it('warns that 1.4 is past its end of life (W2701)', () => {
    expect(diagnosticsOf(legacy14()).map((d) => d.code)).toContain('W2701');
  });

  it('is refused without legacy.global (MG2004)', () => {
    const text = meshText('istio: { version: "1.4.10" }\nclusters:\n  - name: east\n    network: net-1');
    expect(errorsOf(text).map((d) => [d.code, d.line, d.col])).toEqual([['MG2004', 7, 21]]);
  });

  it('installer helm is MG2950 on the installer', () => {
    const problems = errorsOf(legacy14({ istio: ', installer: helm' }));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2950', 7, 42]]);
    expect(problems[0].message).toContain('istioctl manifest apply -f its IstioControlPlane');
  });

  it('installer istioctl is accepted', () => {
    expect(errorsOf(legacy14({ istio: ', installer: istioctl' }))).toEqual([]);
  });

  it('a revision is MG2708 on the revision, naming 1.6', () => {
    const problems = errorsOf(legacy14({ istio: ', revision: canary' }));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2708', 7, 41]]);
    expect(problems[0].message).toContain('first in Istio 1.6');
  });

  it('a suffix other than "global" is MG2708 on the suffix, naming 1.6', () => {
    const problems = errorsOf(legacy14({ legacy: ', suffix: mesh' }));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2708', 8, 46]]);
    expect(problems[0].message).toContain('first in Istio 1.6');
  });
});
