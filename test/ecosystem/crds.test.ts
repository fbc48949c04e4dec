import { describe, expect, it } from 'vitest';
import { relative } from 'node:path';
import { allObjectFiles, preparedCases, readYamlDocs, sopsDecrypted, TOOLS_CONFIG } from './lib.js';
import { schemaSet } from './schemas.js';

// Every object meshgen writes (manifests/, secrets/, argocd/, flux/, istioctl/) against its
// real schema: custom resources against their CRDs from ../shared/upstream (Istio 1.30.3,
// Argo CD, Flux, External Secrets, Sealed Secrets, cert-manager, Gateway API), built-in kinds
// against the OpenAPI v3 of the pinned Kubernetes (k8s.io/kubernetes from the Go module proxy).
// Objects are closed wherever the schema is structural, so a misspelled field fails.

const { cases, kubernetesOpenAPI } = preparedCases();
const schemas = schemaSet(kubernetesOpenAPI);

/**
 * Kinds that neither source has a schema for, each with the reason and where it is checked
 * instead. Any other kind without a schema fails.
 */
const NO_SCHEMA: Record<string, string> = {
  'install.istio.io/v1alpha1/IstioOperator':
    'the IstioOperator of Istio 1.6/1.7 (legacy .global): Istio 1.30.3 ships no IstioOperator CRD and ../shared/upstream has only those releases\' default profiles, not their schema; npm test checks it with @kubernetes-models/istio',
  'install.istio.io/v1alpha2/IstioControlPlane':
    'the IstioControlPlane of Istio 1.4 (legacy .global): never a CRD, istioctl 1.4 reads it from a file; npm test checks its keys against an index of istio/operator 1.4.10\'s Go types (test/istio-control-plane.test.ts)',
};

describe(`schemas: Kubernetes ${TOOLS_CONFIG.kubernetesOpenAPI.version} OpenAPI and the CRDs in ../shared/upstream`, () => {
  it('know the kinds meshgen writes most', () => {
    expect(schemas.source('v1', 'Namespace')).toMatch(/Kubernetes OpenAPI api__v1/);
    expect(schemas.source('apps/v1', 'Deployment')).toMatch(/apis__apps__v1/);
    expect(schemas.source('networking.istio.io/v1', 'Gateway')).toMatch(/istio-1\.30\.3\/crd-all\.gen\.yaml/);
    expect(schemas.source('argoproj.io/v1alpha1', 'Application')).toMatch(/argo-cd-v3\.5\.1/);
    expect(schemas.source('helm.toolkit.fluxcd.io/v2', 'HelmRelease')).toMatch(/flux-2\.x/);
  });
});

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
  // a SOPS file (secrets.mode sops) is checked as Flux applies it: decrypted, without its sops block
  const objects = allObjectFiles(c).flatMap((file) => readYamlDocs(file).map((value) => ({ path: relative(c.out, file), value: value?.sops ? sopsDecrypted(c, file) : value })));

  it('writes objects', () => {
    expect(c.buildStatus, c.buildStderr).toBe(0);
    expect(objects.length).toBeGreaterThan(0);
  });

  it.each(objects.map((o) => [`${o.path} (${o.value.kind})`, o] as const))('%s', (_, { value }) => {
    const key = `${value.apiVersion}/${value.kind}`;
    const problems = schemas.problems(value);
    if (problems === undefined) {
      expect(NO_SCHEMA[key], `no schema for ${key}, and it is not in NO_SCHEMA`).toBeDefined();
      return;
    }
    expect(problems).toEqual([]);
  });
});

describe('negative controls: the same checks fail on broken objects', () => {
  const meta = { name: 'x', namespace: 'istio-system' };
  it.each([
    ['an Istio Gateway with a misspelled field', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta, spec: { selectr: { istio: 'eastwestgateway' }, servers: [] } }, /additional properties.*selectr/],
    ['an Istio VirtualService whose route weight is a string', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta, spec: { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' }, weight: 'half' }] }] } }, /weight must be integer/],
    ['a Deployment with a field Kubernetes does not have', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replica: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }, /additional properties.*replica/],
    ['a Service whose port is a string', { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: '80' }] } }, /port must be integer/],
    ['a Namespace label that is not a string', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { 'istio-injection': true } } }, /must be string/],
    ['a Flux Kustomization whose health check names no object', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, healthChecks: [{ apiVersion: 'v1', kind: 'Secret', namespace: 'istio-system' }] } }, /required property 'name'/],
    ['a Flux Kustomization whose wait is a string', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, wait: 'true' } }, /must be boolean/],
    ['a Flux Kustomization dependsOn entry without a name', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, dependsOn: [{ kind: 'Kustomization' }] } }, /required property 'name'|additional properties.*kind/],
    ['a Flux Kustomization without prune', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta, spec: { interval: '10m', sourceRef: { kind: 'GitRepository', name: 'flux-system' } } }, /required property 'prune'/],
    ['an Argo CD Application with a misplaced field', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: meta, spec: { project: 'default', destination: { server: 'https://a' }, source: { repoURL: 'https://a', path: '.' }, prune: true } }, /additional properties.*prune/],
    ['a custom resource with an unknown metadata field', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { ...meta, label: { a: 'b' } }, spec: {} }, /additional properties.*label/],
  ])('%s', (_, object, message) => {
    expect(schemas.problems(object)?.join('\n')).toMatch(message);
  });

  it('a kind with no schema is not passed over', () => {
    expect(schemas.problems({ apiVersion: 'networking.istio.io/v1', kind: 'Gatewy', metadata: { name: 'x' } })).toBeUndefined();
    expect(NO_SCHEMA['networking.istio.io/v1/Gatewy']).toBeUndefined();
  });
});
