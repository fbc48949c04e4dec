import { describe, expect, it } from 'vitest';
import { Gateway as GatewayV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { VirtualService as VirtualServiceV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { ServiceEntry as ServiceEntryV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry';
import { DestinationRule as DestinationRuleV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway as GatewayV1alpha3 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/Gateway';
import { ServiceEntry as ServiceEntryV1alpha3 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/ServiceEntry';
import { DestinationRule as DestinationRuleV1alpha3 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/DestinationRule';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { EXAMPLES, SHARED_UPSTREAM, examplePath, readTree, runCli, tempDir, yamlObjects } from './helpers/fixtures.js';
import { chartDefaults, gatewayValuesProblems, istioObjectProblems, unknownChartKeys, upstreamAvailable } from './helpers/conformance.js';

// Every object meshgen emits must be accepted by the API server, and every values file must
// use only keys its chart reads (the istiod chart has no schema and ignores typos silently).


/** meshConfig is Istio's MeshConfig API; the chart passes it through as an open map. */
const ISTIOD_OPEN_MAPS = ['meshConfig'];

/**
 * kubernetes-models classes by the apiVersion/kind meshgen emits. The package predates
 * networking.istio.io/v1, whose schemas equal v1beta1's; v1alpha3 (legacy .global on Istio
 * 1.6-1.7) has classes of its own.
 */
type Validatable = { validate(): void };
const MODEL_CLASSES: Record<string, { model: new (value: any) => Validatable; apiVersion?: string }> = {
  'v1/Namespace': { model: Namespace },
  'v1/Secret': { model: Secret },
  'v1/ConfigMap': { model: ConfigMap },
  'v1/Service': { model: Service },
  'v1/ServiceAccount': { model: ServiceAccount },
  'apps/v1/Deployment': { model: Deployment },
  'networking.istio.io/v1/Gateway': { model: GatewayV1beta1, apiVersion: 'networking.istio.io/v1beta1' },
  'networking.istio.io/v1/VirtualService': { model: VirtualServiceV1beta1, apiVersion: 'networking.istio.io/v1beta1' },
  'networking.istio.io/v1/ServiceEntry': { model: ServiceEntryV1beta1, apiVersion: 'networking.istio.io/v1beta1' },
  'networking.istio.io/v1/DestinationRule': { model: DestinationRuleV1beta1, apiVersion: 'networking.istio.io/v1beta1' },
  'networking.istio.io/v1alpha3/Gateway': { model: GatewayV1alpha3 },
  'networking.istio.io/v1alpha3/ServiceEntry': { model: ServiceEntryV1alpha3 },
  'networking.istio.io/v1alpha3/DestinationRule': { model: DestinationRuleV1alpha3 },
};

/**
 * The IstioOperator keys of Istio 1.6-1.7's multicluster-gateways example and install values
 * (manifests/examples/multicluster/values-istio-multicluster-gateways.yaml)
 * plus the standard IstioOperator fields meshgen sets. The operator schema of those releases
 * is not at hand, so this list is the check.
 */
const ISTIO_OPERATOR_KEYS = [
  'spec.profile',
  'spec.revision',
  'spec.meshConfig.trustDomain',
  'spec.addonComponents.istiocoredns.enabled',
  'spec.components.ingressGateways[].name',
  'spec.components.ingressGateways[].enabled',
  'spec.components.ingressGateways[].k8s.service.type',
  'spec.components.ingressGateways[].k8s.serviceAnnotations',
  'spec.values.global.meshID',
  'spec.values.global.network',
  'spec.values.global.multiCluster.enabled',
  'spec.values.global.multiCluster.clusterName',
  'spec.values.global.multiCluster.globalDomainSuffix',
  'spec.values.global.multiCluster.includeEnvoyFilter',
  'spec.values.global.podDNSSearchNamespaces',
  'spec.values.global.controlPlaneSecurityEnabled',
];

/** Leaf key paths of a value, items of lists of mappings written as [] (annotation maps and scalar lists are leaves). */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.some((item) => item !== null && typeof item === 'object') ? value.flatMap((item) => keyPaths(item, `${path}[]`)) : [path];
  if (value === null || typeof value !== 'object' || path.endsWith('serviceAnnotations')) return [path];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, path ? `${path}.${key}` : key));
}

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
  // legacy .global on Istio 1.6-1.7: istioctl input instead of Helm values
  const operators = yamlObjects(tree, (p) => p.endsWith('/istioctl/istio-operator.yaml'));

  it('renders manifests and values to check', () => {
    expect(manifests.length).toBeGreaterThan(0);
    expect(values('istiod').length + operators.length).toBeGreaterThan(0);
  });

  it('every object validates against the kubernetes-models schemas', () => {
    // encrypted Secrets are checked by their own tests (test/encrypted-secrets-*.test.ts): a SOPS
    // file is a Secret only once decrypted, a SealedSecret is checked against its real CRD
    for (const { path, value } of manifests.filter((m) => m.value.sops === undefined && m.value.kind !== 'SealedSecret')) {
      const known = MODEL_CLASSES[`${value.apiVersion}/${value.kind}`];
      if (!known) throw new Error(`${path}: no schema check for ${value.apiVersion} ${value.kind}`);
      expect(() => new known.model({ ...value, apiVersion: known.apiVersion ?? value.apiVersion }).validate(), path).not.toThrow();
    }
  });

  it.skipIf(!operators.length)('every IstioOperator uses only the keys Istio 1.6-1.7 documents for this model', () => {
    for (const { path, value } of operators) {
      expect(() => new IstioOperator(value).validate(), path).not.toThrow();
      expect(keyPaths(value.spec, 'spec').filter((key) => !ISTIO_OPERATOR_KEYS.includes(key)), path).toEqual([]);
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
