import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SCHEMA_OPTIONS } from './schema-options.js';
import { error, type Diagnostic } from '../diagnostics.js';
import { Codes } from '../codes.js';
import { positionOf, type MeshSource, type YamlPath } from '../load/mesh-source.js';
import { didYouMean } from './did-you-mean.js';

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
  const diagnostics = (validate.errors ?? []).map((e) => diagnosticFor(source, e));
  return dedupe(diagnostics);
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
      return error(Codes.UnknownKey, `unknown key "${key}"${where ? ` in ${where}` : ''}`, {
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
      const actual = valueAt(source, path);
      const yaml11Boolean = e.params.type === 'boolean' && typeof actual === 'string' && /^(yes|no|on|off|y|n)$/i.test(actual);
      return error(Codes.WrongType, `${where || 'the document'} must be ${article(String(e.params.type))}, not ${typeName(actual)}`, {
        ...at(path),
        hint: yaml11Boolean ? 'mesh.yaml is read as YAML 1.2, where only true and false are booleans' : describe(schema),
      });
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue];
      const actual = valueAt(source, path);
      return error(Codes.NotAllowedValue, `${where} must be ${allowed.length > 1 ? 'one of ' : ''}${allowed.map(quote).join(', ')}, not ${quote(actual)}`, {
        ...at(path),
        hint: typeof actual === 'string' ? didYouMean(actual, allowed.map(String)) : undefined,
      });
    }
    case 'pattern':
      return error(Codes.BadFormat, `${where} ${quote(valueAt(source, path))} is not ${formatName(e)}`, {
        ...at(path),
        hint: schema?.description,
      });
    case 'minimum':
    case 'maximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
      return error(Codes.OutOfRange, `${where} ${e.message}`, { ...at(path), hint: schema?.description });
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
  return path.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${s}` : s), '');
}

function valueAt(source: MeshSource, path: YamlPath): unknown {
  const node = source.doc.getIn(path, true) as { toJSON?: () => unknown } | undefined;
  return node && typeof node.toJSON === 'function' ? node.toJSON() : node;
}

function formatName(e: ErrorObject): string {
  const ref = /\$defs\/(\w+)\//.exec(e.schemaPath)?.[1];
  if (ref === 'dns1123Label') return 'a DNS-1123 label';
  if (ref === 'labelValue') return 'a valid Kubernetes label value';
  return 'in the expected format';
}

function describe(propertySchema: unknown): string | undefined {
  return (propertySchema as { description?: string } | undefined)?.description;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${article(typeof v)} (${quote(v)})`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'an integer', string: 'a string', boolean: 'a boolean (true or false)', number: 'a number' };
  return names[type] ?? type;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'empty' : JSON.stringify(v);
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
