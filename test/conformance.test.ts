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
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { EXAMPLES, PHASE_EXAMPLES, SHARED_UPSTREAM, yamlObjects } from './helpers/fixtures.js';
import { byReferenceObjectProblems, isByReferenceKind, secretsCrdsAvailable } from './helpers/secrets-crds.js';
import { chartDefaults, gatewayApiAvailable, gatewayApiObjectProblems, gatewayValuesProblems, istioObjectProblems, unknownChartKeys, upstreamAvailable } from './helpers/conformance.js';
import { mergeValues } from '../src/rules/helm-overlays.js';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { buildExampleTree, meshText, renderText } from './helpers/render.js';

// Every object meshgen emits must be accepted by the API server, and every values file must
// use only keys its chart reads (the istiod chart has no schema and ignores typos silently).


/**
 * meshConfig is Istio's MeshConfig API; the chart passes it through as an open map, as it does
 * the pod annotations (Helm values overlays set them); env (istiod's environment) is free-form,
 * e.g. ISTIO_MULTIROOT_MESH during a root rotation.
 */
const ISTIOD_OPEN_MAPS = ['meshConfig', 'env', 'podAnnotations'];

/** Gateway API objects: checked against the real Gateway API CRD below (kubernetes-models has no class for them). */
const isGatewayApi = (value: { apiVersion: string }) => value.apiVersion.startsWith('gateway.networking.k8s.io/');

/** The istiod chart merges everything under `pilot.` onto the top level (templates/zzy_descope_legacy.yaml). */
function descoped(values: Record<string, any>): Record<string, any> {
  const { pilot, ...rest } = values;
  return pilot ? mergeValues(rest, pilot) : rest;
}

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
  // the user's own objects of examples/eks-aks-helm-overlays (clusters[].extraManifests)
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget },
  'networking.k8s.io/v1/NetworkPolicy': { model: NetworkPolicy },
  'networking.k8s.io/v1/Ingress': { model: Ingress },
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
  // Istio 1.5 (operator/data/profiles/default.yaml and the multicluster-gateways example @1.5.10)
  'spec.values.global.trustDomain',
  'spec.values.security.selfSigned',
];

/** Leaf key paths of a value, items of lists of mappings written as [] (annotation maps and scalar lists are leaves). */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.some((item) => item !== null && typeof item === 'object') ? value.flatMap((item) => keyPaths(item, `${path}[]`)) : [path];
  if (value === null || typeof value !== 'object' || path.endsWith('serviceAnnotations')) return [path];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, path ? `${path}.${key}` : key));
}

// each example's whole output (private files included), built in this process (the CLI runs the same build)
const TREES = new Map<string, Map<string, Buffer>>();
for (const example of [...EXAMPLES, ...PHASE_EXAMPLES]) TREES.set(example, await buildExampleTree(example));

describe.each([...EXAMPLES, ...PHASE_EXAMPLES])('example %s', (example) => {
  const tree = TREES.get(example)!;
  const manifests = yamlObjects(tree, (p) => p.includes('/manifests/') || p.includes('/secrets/'));
  // istiod: also the new control plane's istiod-<revision> of a canary upgrade
  const values = (release: string) => yamlObjects(tree, (p) => p.endsWith(`/helm/${release}.values.yaml`) || (release === 'istiod' && /\/helm\/istiod-[a-z0-9-]+\.values\.yaml$/.test(p)));
  // legacy .global on Istio 1.6-1.7 (istiocoredns add-on), and spec.istio.installer: istioctl on current Istio
  const allOperators = yamlObjects(tree, (p) => p.endsWith('/istioctl/istio-operator.yaml'));
  const operators = allOperators.filter((o) => o.value.spec.addonComponents !== undefined);
  const currentOperators = allOperators.filter((o) => o.value.spec.addonComponents === undefined);
  // legacy .global on Istio 1.4: its IstioControlPlane (test/istio-control-plane.test.ts checks its keys)
  const controlPlanes = yamlObjects(tree, (p) => p.endsWith('/istioctl/istio-control-plane.yaml'));

  it('renders manifests and values to check', () => {
    expect(manifests.length).toBeGreaterThan(0);
    expect(values('istiod').length + allOperators.length + controlPlanes.length).toBeGreaterThan(0);
  });

  it('every object validates against the kubernetes-models schemas', () => {
    // Gateway API objects, External Secrets and cert-manager objects: against their real CRDs, below;
    // encrypted Secrets by their own tests (test/encrypted-secrets-*.test.ts): a SOPS file is a
    // Secret only once decrypted, a SealedSecret is checked against its real CRD
    for (const { path, value } of manifests.filter((m) => !isGatewayApi(m.value) && !isByReferenceKind(m.value) && m.value.sops === undefined && m.value.kind !== 'SealedSecret')) {
      const known = MODEL_CLASSES[`${value.apiVersion}/${value.kind}`];
      if (!known) throw new Error(`${path}: no schema check for ${value.apiVersion} ${value.kind}`);
      expect(() => new known.model({ ...value, apiVersion: known.apiVersion ?? value.apiVersion }).validate(), path).not.toThrow();
    }
  });

  const byReference = manifests.filter((m) => isByReferenceKind(m.value));
  it.skipIf(!byReference.length || !secretsCrdsAvailable)(
    byReference.length && !secretsCrdsAvailable ? 'every ExternalSecret, PushSecret and Certificate validates against its real CRD (skipped: ../shared/upstream is absent)' : 'every ExternalSecret, PushSecret and Certificate validates against its real CRD',
    () => {
      for (const { path, value } of byReference) expect(byReferenceObjectProblems(value), path).toEqual([]);
    },
  );

  it.skipIf(!operators.length)('every IstioOperator uses only the keys Istio 1.5-1.7 documents for this model', () => {
    for (const { path, value } of operators) {
      expect(() => new IstioOperator(value).validate(), path).not.toThrow();
      expect(keyPaths(value.spec, 'spec').filter((key) => !ISTIO_OPERATOR_KEYS.includes(key)), path).toEqual([]);
    }
  });

  it.skipIf(!currentOperators.length)('every current IstioOperator validates against the kubernetes-models IstioOperator schema (istioctl manifest generate renders it in the ecosystem tier)', () => {
    for (const { path, value } of currentOperators) expect(() => new IstioOperator(value).validate(), path).not.toThrow();
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
      for (const { path, value } of values('istiod')) expect(unknownChartKeys(descoped(value), chartDefaults('istiod'), ISTIOD_OPEN_MAPS), path).toEqual([]);
    });

    it('every istio-cni and ztunnel values key exists in its chart (ztunnel reads global.* at the top level)', () => {
      for (const { path, value } of values('istio-cni')) expect(unknownChartKeys(value, chartDefaults('cni'), []), path).toEqual([]);
      for (const { path, value } of values('ztunnel')) expect(unknownChartKeys(flattenGlobal(value), chartDefaults('ztunnel'), []), path).toEqual([]);
    });

    it('every istio-base values key exists in the base chart', () => {
      for (const { path, value } of values('istio-base')) expect(unknownChartKeys(value, chartDefaults('base'), []), path).toEqual([]);
    });

    it('every profile named in values is one the chart ships', () => {
      // each chart's templates/zzz_profile.yaml reads files/profile-<name>.yaml
      const dirs = { istiod: 'istiod', 'istio-base': 'base', 'istio-cni': 'cni', ztunnel: 'ztunnel' } as const;
      for (const [release, dir] of Object.entries(dirs)) {
        for (const { path, value } of values(release).filter((v) => v.value.profile !== undefined)) {
          expect(existsSync(join(SHARED_UPSTREAM, 'charts', dir, 'files', `profile-${value.profile}.yaml`)), path).toBe(true);
        }
      }
    });
  });

  describe.skipIf(!gatewayApiAvailable)('against the Gateway API v1.5.1 CRDs (the release Istio 1.30.3 builds against)', () => {
    it('every Gateway API object validates against its CRD schema', () => {
      for (const { path, value } of manifests.filter((m) => isGatewayApi(m.value))) expect(gatewayApiObjectProblems(value), path).toEqual([]);
    });
  });
});

describe.skipIf(!gatewayApiAvailable)('the Gateway API check itself', () => {
  const gateway = (apiVersion: string, listener: object) => ({ apiVersion, kind: 'Gateway', spec: { gatewayClassName: 'istio-east-west', listeners: [listener] } });
  const mesh = { name: 'mesh', port: 15008, protocol: 'HBONE', tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } } };
  it('accepts the ambient east-west listener at v1 and v1beta1', () => {
    expect(gatewayApiObjectProblems(gateway('gateway.networking.k8s.io/v1', mesh))).toEqual([]);
    expect(gatewayApiObjectProblems(gateway('gateway.networking.k8s.io/v1beta1', mesh))).toEqual([]);
  });
  it('rejects a misspelled field, a port out of range and an unknown TLS mode', () => {
    expect(gatewayApiObjectProblems(gateway('gateway.networking.k8s.io/v1', { ...mesh, prot: 15008 }))).not.toEqual([]);
    expect(gatewayApiObjectProblems(gateway('gateway.networking.k8s.io/v1', { ...mesh, port: 70000 }))).not.toEqual([]);
    expect(gatewayApiObjectProblems(gateway('gateway.networking.k8s.io/v1', { ...mesh, tls: { mode: 'Terminat' } }))).not.toEqual([]);
  });
  it('knows no Gateway API version the CRD does not serve', () => {
    expect(gatewayApiObjectProblems(gateway('gateway.networking.k8s.io/v1alpha1', mesh))).toBeUndefined();
  });
});

/** The ztunnel chart merges `global` onto the top level (templates/zzz_profile.yaml), so global.network is its `network`. */
function flattenGlobal(values: Record<string, any>): Record<string, unknown> {
  const { global, ...rest } = values;
  return { ...rest, ...(global ?? {}) };
}

describe.skipIf(!upstreamAvailable)('the conformance checks themselves', () => {
  it('reject a misspelled istiod key such as multiCluster.ClusterName', () => {
    const values = { global: { multiCluster: { ClusterName: 'east' } } };
    expect(unknownChartKeys(values, chartDefaults('istiod'), ISTIOD_OPEN_MAPS)).toEqual(['global.multiCluster.ClusterName']);
  });

  it('reject a misspelled ztunnel key such as multiCluster.clustername, and accept the flattened global.network', () => {
    expect(unknownChartKeys(flattenGlobal({ multiCluster: { clustername: 'east' }, global: { network: 'n' } }), chartDefaults('ztunnel'), [])).toEqual(['multiCluster.clustername']);
    expect(unknownChartKeys(flattenGlobal({ global: { netwrok: 'n' } }), chartDefaults('ztunnel'), [])).toEqual(['netwrok']);
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

// North-south objects in every TLS shape, which no single example holds: against the CRDs
// (Gateway, VirtualService) and the Kubernetes models (Ingress, Namespace).
describe.skipIf(!upstreamAvailable)('north-south objects in every TLS shape', () => {
  const shapes = {
    http: '',
    simple: ', tls: { mode: SIMPLE, credentialName: shop-tls }',
    'simple without redirect': ', tls: { mode: SIMPLE, credentialName: shop-tls, httpsRedirect: false }',
    passthrough: ', tls: { mode: PASSTHROUGH }',
  };
  const mesh = (tls: string) =>
    meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1, ingressGateway: { enabled: true, ingress: { className: nginx } } }
namespaces: [{ name: shop }]
services:
  - { name: web, namespace: shop, ports: [{ name: http, port: 8080, protocol: HTTP }], expose: { hosts: [shop.example.com, "*.shop.example.com"], clusters: [east]${tls} } }`);

  it.each(Object.entries(shapes))('%s: the Gateway and VirtualService validate against their CRDs', (_, tls) => {
    const { yaml } = renderText(mesh(tls).replace(', ingress: { className: nginx }', ''));
    for (const kind of ['Gateway', 'VirtualService']) {
      const object = yaml(`east/manifests/networking.istio.io_${kind}_istio-ingress_web-shop.yaml`);
      expect(istioObjectProblems(object), kind).toEqual([]);
      const known = MODEL_CLASSES[`${object.apiVersion}/${kind}`];
      expect(() => new known.model({ ...object, apiVersion: known.apiVersion ?? object.apiVersion }).validate(), kind).not.toThrow();
    }
  });

  it('the Ingress and the gateway Namespace validate against the Kubernetes models', () => {
    const { yaml } = renderText(mesh(''));
    for (const path of ['east/manifests/networking.k8s.io_Ingress_istio-ingress_istio-ingressgateway.yaml', 'east/manifests/core_Namespace__istio-ingress.yaml']) {
      const object = yaml(path);
      expect(() => new MODEL_CLASSES[`${object.apiVersion}/${object.kind}`].model(object).validate(), path).not.toThrow();
    }
  });

  it('negative control: a Gateway server without a port fails its CRD', () => {
    const gateway = renderText(mesh('')).yaml('east/manifests/networking.istio.io_Gateway_istio-ingress_web-shop.yaml');
    delete gateway.spec.servers[0].port;
    expect(istioObjectProblems(gateway)).not.toEqual([]);
  });
});
