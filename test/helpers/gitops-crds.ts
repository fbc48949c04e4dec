import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

// The GitOps objects meshgen emits, checked against the real CRDs in ../shared/upstream (not
// against shapes written from meshgen's output):
//   argoproj.io Application, AppProject       argo-cd-v3.5.1/  (argoproj/argo-cd manifests/crds)
//   helm.toolkit.fluxcd.io, kustomize.toolkit.fluxcd.io, source.toolkit.fluxcd.io
//                                              flux-2.x/        (helm-controller v1.6.3,
//                                              kustomize-controller v1.9.4, source-controller v1.9.1)
// Each CRD's openAPIV3Schema is closed wherever it is structural (an object that lists its
// properties and neither preserves unknown fields nor declares additionalProperties): the API
// server would prune a misspelled field silently, so it is reported here. metadata, which a
// CRD leaves to the API server, is checked as ObjectMeta's fields meshgen may set. The rules
// the CRDs state only in prose or in CEL (x-kubernetes-validations, which ajv does not run)
// are written out below.
//
// Without ../shared/upstream (a bare clone) there is nothing to check against:
// gitopsCrdsAvailable is false and the tests that need it are skipped, saying why.

export const UPSTREAM = resolve(import.meta.dirname, '../../../shared/upstream');
export const GITOPS_CRD_DIRS = ['argo-cd-v3.5.1', 'flux-2.x'];
export const gitopsCrdsAvailable = GITOPS_CRD_DIRS.every((d) => existsSync(join(UPSTREAM, d)));

/** Closes every structural object of a CRD schema (in place), as the API server's pruning sees it. */
export function closeStructural(schema: any): any {
  if (Array.isArray(schema)) {
    for (const item of schema) closeStructural(item);
  } else if (schema && typeof schema === 'object') {
    if (schema.properties && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) schema.additionalProperties = false;
    for (const [key, value] of Object.entries(schema)) if (key !== 'default' && key !== 'example') closeStructural(value);
  }
  return schema;
}

export interface CrdVersion {
  group: string;
  version: string;
  kind: string;
  /** the CRD file, relative to ../shared/upstream */
  file: string;
  served: boolean;
  schema: any;
}

/** Every version of every CRD in the given .yaml files (or folders of them) under ../shared/upstream. */
export function loadCrds(paths: string[]): CrdVersion[] {
  const files = paths.flatMap((p) => {
    const full = join(UPSTREAM, p);
    if (p.endsWith('.yaml')) return [p];
    return readdirSync(full).filter((f) => f.endsWith('.yaml')).sort().map((f) => `${p}/${f}`);
  });
  const crds: CrdVersion[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(UPSTREAM, file), 'utf8'))) {
      const crd = doc.toJS() as any;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions ?? []) {
        crds.push({ group: crd.spec.group, version: v.name, kind: crd.spec.names.kind, file, served: v.served !== false, schema: v.schema?.openAPIV3Schema });
      }
    }
  }
  return crds;
}

const string = { type: 'string' };
const stringMap = { type: 'object', additionalProperties: string };
const dnsSubdomain = { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' };
const dnsLabel = { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' };

/** The ObjectMeta fields meshgen may set on a custom resource, closed. */
export const objectMeta = {
  type: 'object',
  properties: { name: dnsSubdomain, namespace: dnsLabel, labels: stringMap, annotations: stringMap, finalizers: { type: 'array', items: string } },
  required: ['name'],
  additionalProperties: false,
};

/** A JSON schema for a whole object of one CRD version: its closed schema, ObjectMeta for metadata. */
export function crdObjectSchema(crd: CrdVersion): any {
  const schema = closeStructural(structuredClone(crd.schema ?? { type: 'object' }));
  schema.properties = { ...schema.properties, apiVersion: { const: `${crd.group}/${crd.version}` }, kind: { const: crd.kind }, metadata: objectMeta };
  schema.required = [...new Set([...(schema.required ?? []), 'apiVersion', 'kind', 'metadata'])];
  return schema;
}

/** The rules the Argo CD and Flux CRDs state in prose or CEL, as JSON Schema (added to the CRD's). */
const PROSE_RULES: Record<string, any> = {
  // "server ... must be set if name is not set" (the destination field descriptions); a source or sources
  'argoproj.io/v1alpha1/Application': {
    properties: { spec: { properties: { destination: { anyOf: [{ required: ['server'] }, { required: ['name'] }] } }, anyOf: [{ required: ['source'] }, { required: ['sources'] }] } },
  },
  // CEL on the CRD: "either chart or chartRef must be set"
  'helm.toolkit.fluxcd.io/v2/HelmRelease': { properties: { spec: { oneOf: [{ required: ['chart'] }, { required: ['chartRef'] }] } } },
};

let validators: Map<string, ValidateFunction> | undefined;

function gitopsValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  if (!gitopsCrdsAvailable) throw new Error(`the real Argo CD and Flux CRDs are not in ${UPSTREAM}; check gitopsCrdsAvailable first`);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  validators = new Map();
  for (const crd of loadCrds(GITOPS_CRD_DIRS).filter((c) => c.served)) {
    const key = `${crd.group}/${crd.version}/${crd.kind}`;
    const rules = PROSE_RULES[key];
    validators.set(key, ajv.compile(rules ? { allOf: [crdObjectSchema(crd), rules] } : crdObjectSchema(crd)));
  }
  return validators;
}

/** Problems of one Argo CD or Flux object against its real CRD; undefined for a kind none of those CRDs defines. */
export function gitopsObjectProblems(object: any): string[] | undefined {
  const validate = gitopsValidators().get(`${object?.apiVersion}/${object?.kind}`);
  if (!validate) return undefined;
  const problems = validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  // argocd.argoproj.io/sync-wave is an integer, written as a string
  const wave = object?.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];
  if (wave !== undefined && !/^-?\d+$/.test(wave)) problems.push(`/metadata/annotations sync-wave "${wave}" is not an integer`);
  return problems;
}
