import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { SHARED_UPSTREAM } from './fixtures.js';

// Checks of rendered output against what Istio itself accepts, using the unmodified
// upstream files in ../shared/upstream/istio-1.30.3 (present in CI; absent in a bare clone,
// where these checks are skipped and the kubernetes-models checks still run).

export const upstreamAvailable = existsSync(join(SHARED_UPSTREAM, 'crd-all.gen.yaml'));

type CrdKey = string; // "group/version/Kind"
let crdValidators: Map<CrdKey, ValidateFunction> | undefined;

/**
 * Validators for every served version of every Istio CRD. Objects are closed
 * (additionalProperties: false) wherever the CRD lists properties and does not preserve
 * unknown fields, so a misspelled field is reported instead of being pruned silently.
 */
function istioCrdValidators(): Map<CrdKey, ValidateFunction> {
  if (crdValidators) return crdValidators;
  crdValidators = new Map();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const doc of parseAllDocuments(readFileSync(join(SHARED_UPSTREAM, 'crd-all.gen.yaml'), 'utf8'))) {
    const crd = doc.toJS() as any;
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions) {
      const spec = closeObjects(structuredClone(version.schema.openAPIV3Schema.properties.spec));
      const schema = { type: 'object', properties: { spec }, additionalProperties: false };
      crdValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
  return crdValidators;
}

function closeObjects(schema: any): any {
  if (schema && typeof schema === 'object') {
    if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) schema.additionalProperties = false;
    for (const value of Object.values(schema)) closeObjects(value);
  }
  return schema;
}

/** Problems of one Istio object against its CRD; undefined when the CRD (group/version/kind) is unknown. */
export function istioObjectProblems(object: any): string[] | undefined {
  const validate = istioCrdValidators().get(`${object.apiVersion}/${object.kind}`);
  if (!validate) return undefined;
  return validate({ spec: object.spec }) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Problems of istio/gateway chart values against the chart's values.schema.json. */
export function gatewayValuesProblems(values: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(SHARED_UPSTREAM, 'charts/gateway/values.schema.json'), 'utf8'));
  delete schema.$schema;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** The chart's defaults, which users set at the top level (charts without a schema). */
export function chartDefaults(chart: 'istiod' | 'base' | 'cni' | 'ztunnel'): Record<string, unknown> {
  const values = parse(readFileSync(join(SHARED_UPSTREAM, `charts/${chart}/values.yaml`), 'utf8'));
  // `profile` is read by every chart's profile template (files/profile-<name>.yaml), not listed in values.yaml
  return { ...values._internal_defaults_do_not_set, profile: '' };
}

/**
 * Key paths in `values` that the chart does not know. Keys below an open map (one whose
 * entries are free-form, like `meshConfig` or `env`) are not checked here.
 */
export function unknownChartKeys(values: Record<string, unknown>, defaults: Record<string, unknown>, openMaps: readonly string[]): string[] {
  const unknown: string[] = [];
  const walk = (v: unknown, d: unknown, path: string) => {
    if (openMaps.includes(path)) return;
    if (!isPlainObject(v)) return;
    for (const [key, child] of Object.entries(v)) {
      const childPath = path ? `${path}.${key}` : key;
      if (!isPlainObject(d) || !(key in d)) unknown.push(childPath);
      else walk(child, d[key], childPath);
    }
  };
  walk(values, defaults, '');
  return unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// --- Gateway API (the ambient east-west Gateway) ----------------------------------------------

const GATEWAY_API_UPSTREAM = join(SHARED_UPSTREAM, '..', 'gateway-api-v1.5.1');
export const gatewayApiAvailable = existsSync(join(GATEWAY_API_UPSTREAM, 'gateway.networking.k8s.io_gateways.yaml'));
let gatewayApiValidators: Map<CrdKey, ValidateFunction> | undefined;

/**
 * Problems of one Gateway API object against the real v1.5.1 CRD (every served version),
 * closed like the Istio CRDs above; undefined when its kind is not one of the CRDs read here.
 * The CRD's CEL rules (x-kubernetes-validations) are not evaluated: the ecosystem tier's
 * schema check covers the structural schema the same way.
 */
export function gatewayApiObjectProblems(object: any): string[] | undefined {
  if (!gatewayApiValidators) {
    gatewayApiValidators = new Map();
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    for (const file of ['gateway.networking.k8s.io_gateways.yaml', 'gateway.networking.k8s.io_gatewayclasses.yaml']) {
      const crd = parse(readFileSync(join(GATEWAY_API_UPSTREAM, file), 'utf8'));
      for (const version of crd.spec.versions.filter((v: any) => v.served)) {
        const spec = closeObjects(structuredClone(version.schema.openAPIV3Schema.properties.spec));
        const schema = { type: 'object', properties: { spec }, required: ['spec'], additionalProperties: false };
        gatewayApiValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
  const validate = gatewayApiValidators.get(`${object.apiVersion}/${object.kind}`);
  if (!validate) return undefined;
  return validate({ spec: object.spec }) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
