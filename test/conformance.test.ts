import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { EXAMPLES, SHARED_UPSTREAM, examplePath, readTree, runCli, tempDir, yamlObjects } from './helpers/fixtures.js';
import { chartDefaults, gatewayValuesProblems, istioObjectProblems, unknownChartKeys, upstreamAvailable } from './helpers/conformance.js';

// Every object meshgen emits must be accepted by the API server, and every values file must
// use only keys its chart reads (the istiod chart has no schema and ignores typos silently).

/**
 * A schema check for every kind meshgen emits. @kubernetes-models/istio predates
 * networking.istio.io/v1; its v1beta1 classes have the same schema.
 */
const asV1beta1 = (value: any) => ({ ...value, apiVersion: 'networking.istio.io/v1beta1' });
const KUBERNETES_MODELS: Record<string, (value: any) => void> = {
  'v1/Namespace': (v) => new Namespace(v).validate(),
  'v1/Secret': (v) => new Secret(v).validate(),
  'v1/Service': (v) => new Service(v).validate(),
  'v1/ServiceAccount': (v) => new ServiceAccount(v).validate(),
  'apps/v1/Deployment': (v) => new Deployment(v).validate(),
  'networking.istio.io/v1/Gateway': (v) => new Gateway(asV1beta1(v)).validate(),
  'networking.istio.io/v1/VirtualService': (v) => new VirtualService(asV1beta1(v)).validate(),
  'networking.istio.io/v1/DestinationRule': (v) => new DestinationRule(asV1beta1(v)).validate(),
};

/** meshConfig is Istio's MeshConfig API; the chart passes it through as an open map. */
const ISTIOD_OPEN_MAPS = ['meshConfig'];

function render(example: string): Map<string, Buffer> {
  const out = tempDir();
  const run = runCli(['build', examplePath(example), '--out', out, '--quiet']);
  expect(run.status, run.stderr).toBe(0);
  return readTree(out);
}

describe.each(EXAMPLES)('example %s', (example) => {
  const tree = render(example);
  const manifests = yamlObjects(tree, (p) => p.includes('/manifests/') || p.includes('/secrets/'));
  const values = (release: string) => yamlObjects(tree, (p) => p.endsWith(`/helm/${release}.values.yaml`));

  it('renders manifests and values to check', () => {
    expect(manifests.length).toBeGreaterThan(0);
    expect(values('istiod').length).toBeGreaterThan(0);
  });

  it('every object validates against the kubernetes-models schemas', () => {
    for (const { path, value } of manifests) {
      const validate = KUBERNETES_MODELS[`${value.apiVersion}/${value.kind}`];
      if (!validate) throw new Error(`${path}: no schema check for ${value.apiVersion} ${value.kind}`);
      expect(() => validate(value), path).not.toThrow();
    }
  });

  describe.skipIf(!upstreamAvailable)('against Istio 1.30.3 upstream files', () => {
    it('every Istio object validates against its CRD schema', () => {
      for (const { path, value } of manifests.filter((m) => m.value.apiVersion.includes('istio.io'))) {
        expect(istioObjectProblems(value), path).toEqual([]);
      }
    });

    it('every gateway values file passes the istio/gateway chart schema', () => {
      const files = [...values('istio-eastwestgateway'), ...values('istio-ingressgateway')];
      for (const { path, value } of files) expect(gatewayValuesProblems(value), path).toEqual([]);
    });

    it('every istiod values key exists in the istiod chart', () => {
      for (const { path, value } of values('istiod')) expect(unknownChartKeys(value, chartDefaults('istiod'), ISTIOD_OPEN_MAPS), path).toEqual([]);
    });

    it('every istio-base values key exists in the base chart', () => {
      for (const { path, value } of values('istio-base')) expect(unknownChartKeys(value, chartDefaults('base'), []), path).toEqual([]);
    });

    it('every profile named in values is one the chart ships', () => {
      for (const chart of ['istiod', 'istio-base'] as const) {
        for (const { path, value } of values(chart).filter((v) => v.value.profile !== undefined)) {
          const dir = chart === 'istiod' ? 'istiod' : 'base';
          expect(existsSync(join(SHARED_UPSTREAM, 'charts', dir, `profile-${value.profile}.yaml`)), path).toBe(true);
        }
      }
    });
  });
});

describe.skipIf(!upstreamAvailable)('the conformance checks themselves', () => {
  it('reject a misspelled istiod key such as multiCluster.ClusterName', () => {
    const values = { global: { multiCluster: { ClusterName: 'east' } } };
    expect(unknownChartKeys(values, chartDefaults('istiod'), ISTIOD_OPEN_MAPS)).toEqual(['global.multiCluster.ClusterName']);
  });

  it('reject an unknown top-level key in gateway values', () => {
    expect(gatewayValuesProblems({ name: 'x', networkGatway: 'n' })).not.toEqual([]);
  });

  it('reject a Gateway with a misspelled field or a wrong type', () => {
    const gateway = (server: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', spec: { selector: { istio: 'x' }, servers: [server] } });
    expect(istioObjectProblems(gateway({ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*'], tls: { mode: 'AUTO_PASSTHROUGH' } }))).toEqual([]);
    expect(istioObjectProblems(gateway({ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*'], tls: { mdoe: 'AUTO_PASSTHROUGH' } }))).not.toEqual([]);
    expect(istioObjectProblems(gateway({ port: { number: 'x', name: 'tls', protocol: 'TLS' }, hosts: ['*'] }))).not.toEqual([]);
  });
});
