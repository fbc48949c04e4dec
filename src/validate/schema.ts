import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SCHEMA_OPTIONS } from './schema-options.js';
import { error, excerpt, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { nodeAt, positionOf, type MeshSource, type YamlPath } from '../load/mesh-source.js';
import { closestMatch, didYouMean } from './did-you-mean.js';

const SCHEMA_URL = new URL('../../schemas/mesh.schema.json', import.meta.url);

/** Written by scripts/compile-schema.mjs next to the compiled module (dist/); absent when running from src/. */
const PRECOMPILED_URL = new URL('./mesh-schema-validator.cjs', import.meta.url);

let compiled: ValidateFunction | undefined;

function compiledSchema(): ValidateFunction {
  if (!compiled) compiled = loadPrecompiled() ?? compileNow();
  return compiled;
}

function loadPrecompiled(): ValidateFunction | undefined {
  try {
    const module = createRequire(import.meta.url)(PRECOMPILED_URL.pathname) as { default?: ValidateFunction } & ValidateFunction;
    return module.default ?? module;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/** Running from src/ (tests, `npm run dev`): compile the schema now. Ajv is loaded only here. */
function compileNow(): ValidateFunction {
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  return new Ajv2020(SCHEMA_OPTIONS).compile(schema);
}

/** Checks the document against schemas/mesh.schema.json and turns every violation into a positioned diagnostic. */
export function validateSchema(source: MeshSource, value: unknown): Diagnostic[] {
  const validate = compiledSchema();
  if (validate(value)) return [];
  const errors = oneErrorPerAnyOf(withoutMissingKeysExplainedByTypos(validate.errors ?? []));
  return dedupe(errors.map((e) => diagnosticFor(source, e)));
}

/**
 * A value that fails an `anyOf` (proxy.includeIPRanges: a string or a list) is one mistake.
 * When the value has the type of one alternative (a list), that alternative's errors say what
 * is wrong inside it; otherwise the `anyOf` error alone reports a value of the wrong type.
 */
function oneErrorPerAnyOf(errors: ErrorObject[]): ErrorObject[] {
  let kept = errors;
  for (const e of errors.filter((x) => x.keyword === 'anyOf')) {
    const alternatives = (e.schema as { type?: string }[] | undefined) ?? [];
    const jsonType = Array.isArray(e.data) ? 'array' : e.data === null ? 'null' : typeof e.data;
    const fitting = alternatives.findIndex((s) => s.type === jsonType);
    const prefix = `${e.schemaPath}/`;
    kept = kept.filter((x) => {
      if (x === e) return fitting < 0;
      const inside = x.instancePath === e.instancePath || x.instancePath.startsWith(`${e.instancePath}/`);
      if (!inside || !x.schemaPath.startsWith(prefix)) return true;
      return fitting >= 0 && x.schemaPath.startsWith(`${prefix}${fitting}/`);
    });
  }
  return kept;
}

/**
 * `netwrok: x` is one mistake, not two: when an unknown key's did-you-mean names a required
 * key missing from the same mapping, only the unknown key is reported.
 */
function withoutMissingKeysExplainedByTypos(errors: ErrorObject[]): ErrorObject[] {
  const explained = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const intended = closestMatch(String(e.params.additionalProperty), allowed);
    if (intended) explained.add(`${e.instancePath}\u0000${intended}`);
  }
  return errors.filter((e) => !(e.keyword === 'required' && explained.has(`${e.instancePath}\u0000${String(e.params.missingProperty)}`)));
}

function diagnosticFor(source: MeshSource, e: ErrorObject): Diagnostic {
  const path = pathOf(e.instancePath);
  const where = displayPath(path);
  const at = (p: YamlPath, which: 'value' | 'key' = 'value') => ({ file: source.file, position: positionOf(source, p, which) });
  const schema = e.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys(schema?.properties ?? {});
      return error(Codes.UnknownKey, `unknown key ${quote(key)}${where ? ` in ${where}` : ''}`, {
        ...at([...path, key], 'key'),
        hint: didYouMean(key, allowed) ?? `allowed keys: ${allowed.join(', ')}`,
      });
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return error(Codes.MissingKey, `missing required key "${key}"${where ? ` in ${where}` : ' at the top level'}`, {
        ...at(path),
        hint: describe(schema?.properties?.[key]),
      });
    }
    case 'type': {
      const actual: unknown = e.data; // verbose: the value that failed
      const written = sourceTextAt(source, path);
      const yaml11Boolean = e.params.type === 'boolean' && typeof actual === 'string' && /^(yes|no|on|off|y|n)$/i.test(actual);
      const quoteIt = e.params.type === 'string' && (typeof actual === 'number' || typeof actual === 'boolean');
      return error(Codes.WrongType, `${where || 'the document'} must be ${expectedType(String(e.params.type))}, not ${actualType(actual, written)}`, {
        ...at(path),
        hint: yaml11Boolean
          ? 'mesh.yaml is read as YAML 1.2, where only true and false are booleans'
          : quoteIt
            ? `quote it to keep it a string: "${excerpt(written ?? String(actual))}"`
            : describe(schema),
      });
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue];
      const actual: unknown = e.data;
      return error(Codes.NotAllowedValue, `${where} must be ${allowed.length > 1 ? 'one of ' : ''}${allowed.map(quote).join(', ')}, not ${quote(actual)}`, {
        ...at(path),
        hint: typeof actual === 'string' ? didYouMean(actual, allowed.map(String)) : undefined,
      });
    }
    case 'pattern':
      return error(Codes.BadFormat, `${where} ${quote(e.data)} is not ${formatName(e)}`, {
        ...at(path),
        hint: schema?.description,
      });
    case 'minimum':
    case 'maximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
      return error(Codes.OutOfRange, `${where} ${rangeMessage(e)}`, { ...at(path), hint: schema?.description });
    case 'anyOf': {
      const alternatives = ((e.schema as { type?: string }[] | undefined) ?? []).map((s) => (s.type === 'array' ? 'a list' : `a ${s.type}`));
      return error(Codes.WrongType, `${where} must be ${alternatives.join(' or ')}, not ${actualType(e.data, sourceTextAt(source, path))}`, { ...at(path), hint: schema?.description });
    }
    case 'uniqueItems':
      return error(Codes.DuplicateName, `${where} lists the same item twice (items ${e.params.j} and ${e.params.i})`, at([...path, Number(e.params.i)]));
    default:
      return error(Codes.SchemaOther, `${where} ${e.message ?? 'is invalid'}`, at(path));
  }
}

/** "/spec/clusters/0/name" → ['spec', 'clusters', 0, 'name'] */
function pathOf(instancePath: string): YamlPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** ['spec', 'clusters', 0, 'name'] → "spec.clusters[0].name" */
export function displayPath(path: YamlPath): string {
  return path.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${excerpt(s, 40)}` : excerpt(s, 40)), '');
}

/** What a pattern stands for, named by the definition or the property that carries it. */
const PATTERN_NAMES: Record<string, string> = {
  dns1123Label: 'a DNS-1123 label',
  labelValue: 'a valid Kubernetes label value',
  revision: 'a DNS-1123 label (or empty for no revision)',
  version: 'a version of the form MAJOR.MINOR.PATCH',
  trustDomain: 'a DNS domain name',
  tokenEnv: 'an environment variable name (letters, digits and _, not starting with a digit)',
};

function formatName(e: ErrorObject): string {
  const definition = /\$defs\/(\w+)\/pattern$/.exec(e.schemaPath)?.[1];
  const property = /\/properties\/(\w+)\/pattern$/.exec(e.schemaPath)?.[1];
  return PATTERN_NAMES[definition ?? ''] ?? PATTERN_NAMES[property ?? ''] ?? `of the form ${String(e.params.pattern)}`;
}

function rangeMessage(e: ErrorObject): string {
  const limit = Number(e.params.limit);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (e.keyword) {
    case 'minimum':
      return `must be at least ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'minItems':
      return `must list at least ${plural(limit, 'item')}`;
    case 'maxItems':
      return `must list at most ${plural(limit, 'item')}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${plural(limit, 'character')} long`;
    default:
      return `must be at most ${plural(limit, 'character')} long`;
  }
}

function describe(propertySchema: unknown): string | undefined {
  return (propertySchema as { description?: string } | undefined)?.description;
}

const TYPE_NAMES: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'an integer', string: 'a string', boolean: 'a boolean', number: 'a number' };

function expectedType(type: string): string {
  return type === 'boolean' ? 'a boolean (true or false)' : (TYPE_NAMES[type] ?? type);
}

/** The value as the user wrote it: `1.30` stays 1.30, not the number 1.3. */
function actualType(v: unknown, written: string | undefined): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${TYPE_NAMES[typeof v] ?? typeof v} (${typeof v === 'string' ? quote(v) : excerpt(written ?? String(v))})`;
}

function sourceTextAt(source: MeshSource, path: YamlPath): string | undefined {
  const range = (nodeAt(source, path) as { range?: [number, number, number] } | undefined)?.range;
  return range ? source.text.slice(range[0], range[1]) : undefined;
}

/** A value as a message shows it: JSON, cut to a short excerpt (a value may be megabytes long). */
function quote(v: unknown): string {
  if (v === undefined) return 'empty';
  if (typeof v === 'string') return JSON.stringify(excerpt(v));
  return excerpt(JSON.stringify(v) ?? String(v));
}

/** allErrors can report one mistake twice (e.g. pattern and maxLength); keep one per code and position. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}:${d.position?.line}:${d.position?.col}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
