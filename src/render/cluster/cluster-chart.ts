import { createRequire } from 'node:module';
import type * as Cdk8s from 'cdk8s';
import type { Construct } from 'constructs';
import { manifestFileName, resIdOf, type KubeObject } from '../../resource/kube-object.js';

// cdk8s takes ~80 ms to load; only a build that renders needs it, so `validate` and
// `certs status` never load it. It is a CommonJS package, so a lazy require stays synchronous.
let cdk8s: typeof Cdk8s | undefined;
function loadCdk8s(): typeof Cdk8s {
  cdk8s ??= createRequire(import.meta.url)('cdk8s') as typeof Cdk8s;
  return cdk8s;
}

/**
 * One cluster's objects as cdk8s synthesizes them. Every object carries an explicit
 * metadata.name, and name hashes are off, so cdk8s adds no generated names. `addConstructs`
 * adds higher-level constructs (cdk8s-plus workloads) to the same chart.
 *
 * A cluster of plain objects only (JSON data built by kubeObject(), no construct) is
 * synthesized without a construct tree, by plainSynthesis() below, which gives what cdk8s gives
 * for such objects; anything else (a construct, a value that is not plain data) goes through a
 * cdk8s App. test/plain-synthesis.test.ts compares both over every example's objects.
 */
export function synthesizeCluster(clusterName: string, objects: readonly KubeObject[], addConstructs?: (scope: Construct) => void): KubeObject[] {
  if (!addConstructs && objects.every(isPlainSynthesizable)) return objects.map(plainSynthesis);
  return synthesizeWithCdk8s(clusterName, objects, addConstructs);
}

/**
 * Puts one cluster's objects through a cdk8s App of its own (one App per cluster keeps
 * synthesis linear) and returns what it synthesizes.
 */
export function synthesizeWithCdk8s(clusterName: string, objects: readonly KubeObject[], addConstructs?: (scope: Construct) => void): KubeObject[] {
  const { ApiObject, App, Chart } = loadCdk8s();
  const app = new App({ outdir: 'cdk8s.out', recordConstructMetadata: false });
  const chart = new Chart(app, clusterName, { disableResourceNameHashes: true });
  for (const object of objects) {
    // the file name is unique per object (duplicates are rejected before this), so it is a valid construct id
    new ApiObject(chart, manifestFileName(resIdOf(object)), object);
  }
  addConstructs?.(chart);
  return chart.toJson() as KubeObject[];
}

/**
 * What cdk8s 2.x synthesizes for an ApiObject made from a plain object (no patches, no
 * dependencies, a chart without namespace or labels; the objects come out in the order they
 * were added), written from its lib/api-object.js, metadata.js, resolve.js and _util.js:
 * - metadata: entries that are null or undefined, and (at any depth) empty arrays and empty
 *   maps, are dropped (ApiObjectMetadataDefinition.toJson: sanitizeValue with
 *   filterEmptyArrays and filterEmptyObjects);
 * - everywhere: map entries that are null or undefined are dropped and keys are sorted
 *   (ApiObject.toJson: sanitizeValue with sortKeys); resolve() copies plain data unchanged;
 * - apiVersion, kind and metadata lead, the other keys follow in sorted order.
 */
export function plainSynthesis(object: KubeObject): KubeObject {
  const metadata = sanitize(object.metadata, true);
  const rest = sanitize({ ...object, metadata: undefined }, false) as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of ['apiVersion', 'kind']) if (key in rest) result[key] = rest[key];
  if (metadata !== undefined) result.metadata = metadata;
  for (const key of Object.keys(rest)) if (!(key in result)) result[key] = rest[key];
  return result as KubeObject;
}

/** cdk8s's sanitizeValue for plain data. */
function sanitize(value: unknown, filterEmpty: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (filterEmpty && value.length === 0) return undefined;
    return value.map((item) => sanitize(item, filterEmpty));
  }
  const map = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const key of Object.keys(map).sort()) {
    const item = sanitize(map[key], filterEmpty);
    if (item !== null && item !== undefined) {
      out[key] = item;
      kept++;
    }
  }
  return filterEmpty && kept === 0 ? undefined : out;
}

/**
 * An object plainSynthesis() gives cdk8s's result for: an explicit string name (cdk8s would
 * generate one), and nothing but plain data (strings, finite or not numbers, booleans, null,
 * arrays, plain maps). A class instance (cdk8s resolves some, rejects others), a function or a
 * map without Object's prototype is left to cdk8s itself.
 */
function isPlainSynthesizable(object: KubeObject): boolean {
  return typeof object.metadata?.name === 'string' && typeof object.apiVersion === 'string' && typeof object.kind === 'string' && isPlainData(object);
}

function isPlainData(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isPlainData);
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key in value) if (!isPlainData((value as Record<string, unknown>)[key])) return false;
      return true;
    default:
      return false;
  }
}
