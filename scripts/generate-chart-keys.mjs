#!/usr/bin/env node
// Regenerates schemas/istio-chart-keys.json: for every Istio minor meshgen renders Helm values
// for (1.13 on), the value keys each chart it installs reads (base, istiod, gateway). meshgen
// checks the keys of a Helm values overlay (spec.helm, clusters[].helm) against this index at
// build time, where ../shared is not at hand.
//
//   node scripts/generate-chart-keys.mjs            # reads ../shared/upstream (and ISTIO_GIT, below)
//
// Sources, per minor, first found wins:
//   ../shared/upstream/istio-1.30.3/charts/{base,istiod,gateway}      (1.30)
//   ../shared/upstream/istio-values/<version>/{base,istiod,gateway}    (1.13, 1.20, 1.22 ... 1.29)
//   a git clone of github.com/istio/istio named by ISTIO_GIT, at the minor's last tag
//   (manifests/charts/{base,istio-control/istio-discovery,gateway}): the minors ../shared lacks
//   (1.14-1.19, 1.21, 1.31). Without ISTIO_GIT those minors keep their entries from the
//   committed file, so a regeneration never loses them.
//
// The index: `trees` holds each distinct key tree once; `charts["1.N"][chart]` is its number.
// A tree maps a key to its subtree (a closed mapping: only those keys) or to the value's type
// (a leaf, or a mapping whose entries are the user's own, like `env`, `resources` or `meshConfig`):
//   s string, n number, i integer, b boolean, m mapping (its entries the user's), l list,
//   a any (the default is null or an empty string: nothing to infer from);
// alternatives joined by `|`; a leading `!` when the type comes from the chart's
// values.schema.json (Helm itself refuses another type), without it when inferred from the
// default in values.yaml. A subtree with a `*` key is an open mapping whose named entries have
// known types (from the schema, e.g. the gateway's resources.limits.cpu) and whose other
// entries have the type of `*`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const REPO = resolve(import.meta.dirname, '..');
const UPSTREAM = resolve(REPO, '..', 'shared', 'upstream');
const OUT = join(REPO, 'schemas', 'istio-chart-keys.json');
const FIRST_MINOR = 13;
const LAST_MINOR = 31;

/**
 * Mappings whose entries are free-form (Kubernetes fields, annotations, labels, environment,
 * Istio's MeshConfig): a non-empty default there is an example, not the list of keys.
 */
const OPEN_MAPS = new Set([
  'affinity', 'annotations', 'autoscaleBehavior', 'containerSecurityContext', 'deploymentAnnotations', 'deploymentLabels',
  'dnsConfig', 'env', 'injectedAnnotations', 'labels', 'lifecycle', 'meshConfig', 'meshNetworks', 'nodeSelector',
  'podAnnotations', 'podDisruptionBudget', 'podLabels', 'readinessProbe', 'resources', 'seccompProfile', 'securityContext',
  'selectorLabels', 'serviceAccountAnnotations', 'serviceAnnotations', 'sidecarInjectorWebhookAnnotations', 'strategy', 'templates',
]);

function lastTag(git, minor) {
  const tags = execFileSync('git', ['--git-dir', git, 'tag', '--list', `1.${minor}.*`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const final = tags.filter((t) => /^1\.\d+\.\d+$/.test(t));
  const pick = (list) => list.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  return pick(final) ?? pick(tags.filter((t) => /-rc\.\d+$/.test(t)));
}

function gitDir(path) {
  return existsSync(join(path, '.git')) ? join(path, '.git') : path;
}

/** The three charts' values.yaml (and the gateway schema) of one minor, and where they came from. */
function sourcesOf(minor) {
  const read = (p) => readFileSync(p, 'utf8');
  if (minor === 30 && existsSync(join(UPSTREAM, 'istio-1.30.3'))) {
    const c = join(UPSTREAM, 'istio-1.30.3', 'charts');
    return { from: '../shared/upstream/istio-1.30.3', base: read(join(c, 'base/values.yaml')), istiod: read(join(c, 'istiod/values.yaml')), gateway: read(join(c, 'gateway/values.yaml')), gatewaySchema: read(join(c, 'gateway/values.schema.json')) };
  }
  const values = join(UPSTREAM, 'istio-values');
  const version = existsSync(values) ? execFileSync('ls', [values], { encoding: 'utf8' }).split('\n').find((v) => v.startsWith(`1.${minor}.`)) : undefined;
  if (version) {
    const d = join(values, version);
    return { from: `../shared/upstream/istio-values/${version}`, base: read(join(d, 'base/values.yaml')), istiod: read(join(d, 'istiod/values.yaml')), gateway: read(join(d, 'gateway/values.yaml')), gatewaySchema: read(join(d, 'gateway/values.schema.json')) };
  }
  if (process.env.ISTIO_GIT) {
    const git = gitDir(process.env.ISTIO_GIT);
    const tag = lastTag(git, minor);
    if (!tag) throw new Error(`no tag 1.${minor}.* in ${git}`);
    const show = (p) => execFileSync('git', ['--git-dir', git, 'show', `${tag}:manifests/charts/${p}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
    return { from: `github.com/istio/istio tag ${tag}`, base: show('base/values.yaml'), istiod: show('istio-control/istio-discovery/values.yaml'), gateway: show('gateway/values.yaml'), gatewaySchema: show('gateway/values.schema.json') };
  }
  return undefined;
}

/**
 * The values users set: the charts list their defaults under `defaults` (1.21-1.23) or
 * `_internal_defaults_do_not_set` (1.24 on), which zzz_profile.yaml merges a profile and the
 * user's values onto.
 */
function wrapperOf(values) {
  if (!values || typeof values !== 'object') return undefined;
  return values._internal_defaults_do_not_set ?? (isMap(values.defaults) ? values.defaults : undefined);
}

function unwrap(values) {
  return wrapperOf(values) ?? values ?? {};
}

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The type of a default in values.yaml. null, "", {} and [] tell nothing ("a"): charts use
 * them for "unset" whatever the type (the gateway chart's
 * autoscaling.targetMemoryUtilizationPercentage is {} and takes an integer).
 */
function typeOfDefault(value) {
  if (value === null || value === undefined || value === '') return 'a';
  if ((Array.isArray(value) && value.length === 0) || (isMap(value) && Object.keys(value).length === 0)) return 'a';
  if (Array.isArray(value)) return 'l';
  if (isMap(value)) return 'm';
  if (typeof value === 'boolean') return 'b';
  if (typeof value === 'number') return 'n';
  return 's';
}

/**
 * Leaves that take a number or a string whatever their default: Kubernetes quantities
 * (resources' cpu, memory) and int-or-string fields (a Deployment's maxSurge, a PDB's
 * minAvailable), which accept 1 as well as "500m" or "25%".
 */
const NUMBER_OR_STRING = new Set(['cpu', 'memory', 'rollingMaxSurge', 'rollingMaxUnavailable', 'minAvailable', 'maxUnavailable']);

function treeOfValues(values) {
  const tree = {};
  for (const [key, value] of Object.entries(values)) {
    if (OPEN_MAPS.has(key)) tree[key] = value === null || isMap(value) ? 'm' : typeOfDefault(value);
    else if (isMap(value) && Object.keys(value).length > 0) tree[key] = treeOfValues(value);
    else tree[key] = NUMBER_OR_STRING.has(key) && ['n', 's'].includes(typeOfDefault(value)) ? 'n|s' : typeOfDefault(value);
  }
  return tree;
}

const SCHEMA_TYPES = { string: 's', number: 'n', integer: 'i', boolean: 'b', object: 'm', array: 'l' };

/** A JSON schema's `type` as a strict type, null dropped (Helm's null deletes a value); undefined when it names none. */
function schemaType(schema) {
  const types = [schema.type ?? []].flat().filter((t) => t !== 'null').map((t) => SCHEMA_TYPES[t]);
  if (!types.length || types.includes(undefined)) return undefined;
  return `!${[...new Set(types)].sort().join('|')}`;
}

/** Keys (and their types) a JSON schema names (properties, recursively), merged into a values tree. */
function mergeSchema(tree, schema, defs, inOpen = false) {
  if (!isMap(schema)) return tree;
  if (typeof schema.$ref === 'string') return mergeSchema(tree, defs[schema.$ref.replace('#/$defs/', '')], defs, inOpen);
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (key === '_internal_defaults_do_not_set') continue;
    tree[key] = mergeProperty(tree[key], sub, defs, inOpen || OPEN_MAPS.has(key));
  }
  return tree;
}

/**
 * One property of a schema over the tree's entry for it (a subtree, a type, or undefined).
 * `open`: the property is, or is below, an open mapping (e.g. resources.limits, which takes
 * any resource name besides the cpu and memory the schema types).
 */
function mergeProperty(entry, sub, defs, open) {
  if (!isMap(sub)) return entry ?? 'a';
  if (typeof sub.$ref === 'string') return mergeProperty(entry, defs[sub.$ref.replace('#/$defs/', '')], defs, open);
  const type = schemaType(sub);
  const objectOnly = type === '!m';
  const additional = isMap(sub.additionalProperties) ? sub.additionalProperties : undefined;
  if (objectOnly && (sub.properties || additional)) {
    // a mapping the schema describes: closed where meshgen knows every key (not an open map and
    // no additionalProperties), else open with `*` typed by additionalProperties
    const base = isMap(entry) ? entry : {};
    const subtree = mergeSchema(open || additional ? { ...base } : base, sub, defs, open);
    if (open || additional) {
      // entries values.yaml names beside the schema's properties take additionalProperties' types too
      if (additional) for (const name of Object.keys(subtree)) if (!sub.properties?.[name]) subtree[name] = mergeProperty(subtree[name], additional, defs, false);
      subtree['*'] = additional ? mergeProperty(undefined, additional, defs, false) : 'a';
      // nothing typed below: keep the compact form
      if (Object.keys(subtree).length === 1 && subtree['*'] === 'a') return '!m';
    }
    return subtree;
  }
  if (objectOnly && isMap(entry) && !open) return entry; // a closed mapping from values.yaml the schema leaves untyped
  return type ?? (isMap(entry) ? entry : entry ?? 'a');
}

function sortTree(tree) {
  return Object.fromEntries(Object.keys(tree).sort().map((k) => [k, isMap(tree[k]) ? sortTree(tree[k]) : tree[k]]));
}

function chartTrees(src) {
  const base = treeOfValues(unwrap(parse(src.base)));
  const istiodValues = unwrap(parse(src.istiod));
  const istiod = treeOfValues(istiodValues);
  // with the wrapper, every chart reads `profile` (files/profile-<name>.yaml), which values.yaml does not list
  if (wrapperOf(parse(src.istiod))) {
    base.profile = 's';
    istiod.profile = 's';
    // From 1.24 istiod merges everything under `pilot.` onto the top level (templates/zzy_descope_legacy.yaml).
    if (istiod.pilot === undefined) {
      const { global, meshConfig, ...rest } = istiod;
      istiod.pilot = rest;
    }
  }
  const schema = JSON.parse(src.gatewaySchema);
  const gateway = mergeSchema(treeOfValues(unwrap(parse(src.gateway))), schema, schema.$defs ?? {});
  return { base: sortTree(base), istiod: sortTree(istiod), gateway: sortTree(gateway) };
}

function main() {
  const previous = existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) : undefined;
  const trees = [];
  const ids = new Map();
  const idOf = (tree) => {
    const key = JSON.stringify(tree);
    if (!ids.has(key)) {
      ids.set(key, trees.length);
      trees.push(tree);
    }
    return ids.get(key);
  };
  const charts = {};
  const sources = {};
  for (let minor = FIRST_MINOR; minor <= LAST_MINOR; minor++) {
    const key = `1.${minor}`;
    const src = sourcesOf(minor);
    let set;
    if (src) {
      set = chartTrees(src);
      sources[key] = src.from;
    } else if (previous?.charts?.[key]) {
      const p = previous.charts[key];
      set = { base: previous.trees[p.base], istiod: previous.trees[p.istiod], gateway: previous.trees[p.gateway] };
      sources[key] = previous.sources[key];
      console.error(`1.${minor}: kept from the committed index (${sources[key]}); set ISTIO_GIT to regenerate it`);
    } else {
      throw new Error(`no values for Istio 1.${minor}: set ISTIO_GIT to a clone of github.com/istio/istio`);
    }
    charts[key] = { base: idOf(set.base), istiod: idOf(set.istiod), gateway: idOf(set.gateway) };
  }
  const index = {
    description: 'Generated by scripts/generate-chart-keys.mjs from the Istio charts values.yaml (and the gateway chart values.schema.json) of each minor; do not edit',
    sources,
    charts,
    trees,
  };
  writeFileSync(OUT, `${JSON.stringify(index)}\n`);
  console.log(`wrote ${OUT}: ${Object.keys(charts).length} minors, ${trees.length} distinct key trees`);
}

main();
