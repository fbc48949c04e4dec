import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from './helpers/corpus.js';
import { meshText, renderText } from './helpers/render.js';
import { controlPlaneKeyProblems } from './helpers/istio-control-plane-keys.js';

// Istio 1.4's IstioControlPlane (legacy .global): istioctl 1.4 refuses any key that is not a
// field of its install API, and no istioctl at hand reads v1alpha2 (the ecosystem tier's is
// 1.30). The check is against schemas/istio-1.4-control-plane-keys.json, derived from the Go
// types of github.com/istio/operator@1.4.10.

const GOLDEN = join(REPO, 'test/golden');

/** Every istioctl/istio-control-plane.yaml of the golden trees (what the examples build, byte for byte). */
function goldenControlPlanes(): { path: string; value: any }[] {
  const found: { path: string; value: any }[] = [];
  for (const example of readdirSync(GOLDEN)) {
    for (const file of readdirSync(join(GOLDEN, example), { recursive: true }).map(String)) {
      if (file.endsWith('istioctl/istio-control-plane.yaml')) found.push({ path: `${example}/${file}`, value: parse(readFileSync(join(GOLDEN, example, file), 'utf8')) });
    }
  }
  return found;
}

/** Istio 1.4 with every optional key meshgen writes: gateway annotations, a NodePort gateway, includeIPRanges. */
const EVERY_OPTION = meshText(`istio: { version: "1.4.10" }
legacy: { global: { enabled: true } }
clusters:
  - name: east
    network: net-1
    podCIDR: 10.0.0.0/16
    proxy: { includeIPRanges: auto }
    eastWestGateway: { serviceType: NodePort, nodePort: 31443, address: 192.0.2.10, annotations: { example.com/owner: mesh } }
    dns: { istiocorednsAddress: 10.96.20.53 }`);

describe('IstioControlPlane keys (Istio 1.4.10)', () => {
  it('every IstioControlPlane of the examples uses only fields istioctl 1.4.10 accepts', () => {
    const planes = goldenControlPlanes();
    expect(planes.map((p) => p.path)).toContain('legacy-global-istio-1.4/cluster1/istioctl/istio-control-plane.yaml');
    for (const { path, value } of planes) expect(controlPlaneKeyProblems(value), path).toEqual([]);
  });

  it('the optional keys (service annotations and type, includeIPRanges) are fields too', () => {
    const plane = renderText(EVERY_OPTION).yaml('east/istioctl/istio-control-plane.yaml');
    expect(plane.spec.values.gateways['istio-ingressgateway'].serviceAnnotations).toEqual({ 'example.com/owner': 'mesh' });
    expect(plane.spec.values.global.proxy).toEqual({ includeIPRanges: '10.0.0.0/16' });
    expect(controlPlaneKeyProblems(plane)).toEqual([]);
  });

  it('accepts the keys of Istio 1.4\'s own multicluster-gateways example (positive control)', () => {
    // the fields of github.com/istio/operator data/examples/multicluster/values-istio-multicluster-gateways.yaml@1.4.10
    const upstream = {
      apiVersion: 'install.istio.io/v1alpha2',
      kind: 'IstioControlPlane',
      spec: {
        coreDNS: { enabled: true },
        gateways: { components: { egressGateway: { enabled: true } } },
        values: {
          global: { podDNSSearchNamespaces: ['global'], multiCluster: { enabled: true }, controlPlaneSecurityEnabled: true },
          security: { selfSigned: false },
          gateways: { 'istio-egressgateway': { env: { ISTIO_META_REQUESTED_NETWORK_VIEW: 'external' } } },
        },
      },
    };
    expect(controlPlaneKeyProblems(upstream)).toEqual([]);
  });

  it('catches a misspelt key, naming its path and type (negative control)', () => {
    expect(controlPlaneKeyProblems({ spec: { coreDns: { enabled: true } } })).toEqual(['spec.coreDns: not a field of v1alpha2.IstioControlPlaneSpec']);
  });

  it('catches a misspelt key deep in values', () => {
    expect(controlPlaneKeyProblems({ spec: { values: { global: { multiCluster: { clustername: 'east' } } } } })).toEqual(['spec.values.global.multiCluster.clustername: not a field of v1alpha1.MultiClusterConfig']);
  });

  it('catches the IstioOperator layout of 1.5 (addonComponents, components), which 1.4 does not have', () => {
    expect(controlPlaneKeyProblems({ spec: { addonComponents: { istiocoredns: { enabled: true } }, components: {} } })).toEqual([
      'spec.addonComponents: not a field of v1alpha2.IstioControlPlaneSpec',
      'spec.components: not a field of v1alpha2.IstioControlPlaneSpec',
    ]);
  });

  it('catches a component\'s k8s.serviceAnnotations (1.5 on), which 1.4\'s KubernetesResourcesSpec lacks', () => {
    expect(controlPlaneKeyProblems({ spec: { gateways: { components: { ingressGateway: { k8s: { serviceAnnotations: {} } } } } } })).toEqual([
      'spec.gateways.components.ingressGateway.k8s.serviceAnnotations: not a field of v1alpha2.KubernetesResourcesSpec',
    ]);
  });

  it('catches a scalar where the API has a mapping', () => {
    expect(controlPlaneKeyProblems({ spec: { coreDNS: true } })).toEqual(['spec.coreDNS: a boolean, where v1alpha2.CoreDNSFeatureSpec is a mapping']);
  });

});
