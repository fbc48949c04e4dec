import { Document, isMap, isPair, isScalar, visit, type Pair } from 'yaml';
import { compareText } from '../diagnostics/diagnostic.js';

// The one YAML writer for everything meshgen emits (manifests, Helm values, kustomizations).
// YAML 1.1 output so that strings like "yes", "on" and "0755" are quoted for every consumer,
// keys sorted in code-unit order at every level, objects led by apiVersion, kind, metadata.
//
// Two writers, one output. The `yaml` library's Document path (documentYaml) is the
// definition; a direct block writer (directYaml) produces the same bytes for the values it
// knows how to write, without building, visiting and sorting a Document (most of the time of a
// large build). It knows plain objects and arrays, safe integers, booleans, null, and one-line
// strings; it applies the library's own rules for when a string is written plain, in double or
// in single quotes (yaml/dist/stringify/stringifyString.js: plainString, quotedString), and the
// YAML 1.1 schema's own tests for strings that would read back as another type. Anything else
// (a multi-line string, a tab or control character, a float, an array directly in an array, a
// class instance...) makes the whole value go through the Document path.
// test/canonical-yaml-writers.test.ts compares both writers over every golden input and edge cases.

const LEADING_OBJECT_KEYS = ['apiVersion', 'kind', 'metadata'];

export function canonicalYaml(value: unknown): string {
  return directYaml(value) ?? documentYaml(value);
}

/** The reference writer: a `yaml` Document, sorted, stringified as YAML 1.1. */
export function documentYaml(value: unknown): string {
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Map(_, map) {
      map.items.sort(compareKeys);
    },
  });
  if (isMap(doc.contents)) doc.contents.items.sort(compareTopLevelKeys);
  const text = doc.toString({ lineWidth: 0, indentSeq: true });
  return text.replace(/\r\n/g, '\n');
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function compareKeys(a: unknown, b: unknown): number {
  return isPair(a) && isPair(b) ? compareText(keyOf(a), keyOf(b)) : 0;
}

function compareTopLevelKeys(a: Pair, b: Pair): number {
  const rank = (p: Pair) => {
    const i = LEADING_OBJECT_KEYS.indexOf(keyOf(p));
    return i < 0 ? LEADING_OBJECT_KEYS.length : i;
  };
  return rank(a) - rank(b) || compareText(keyOf(a), keyOf(b));
}

// --- the direct writer ----------------------------------------------------------------------

/** Thrown inside directYaml when the value has something only the Document path writes. */
class NotDirect extends Error {}
const NOT_DIRECT = new NotDirect();

/**
 * The same bytes as documentYaml, or undefined when `value` holds something this writer
 * leaves to the Document path.
 */
export function directYaml(value: unknown, prefix = ''): string | undefined {
  // `prefix` (a file's header) is the first part of the one join: the text is one flat string,
  // not a concatenation that V8 would flatten into a second copy when it is first compared
  // (emit's diff compares every file with what is on disk)
  try {
    if (isPlainObject(value)) {
      const keys = sortedKeys(value, true);
      if (keys.length === 0) return [prefix, '{}\n'].join('');
      const out: string[] = [prefix];
      writeMapEntries(value, keys, '', out);
      return out.join('');
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return [prefix, '[]\n'].join('');
      const out: string[] = [prefix];
      writeSeqItems(value, '', out);
      return out.join('');
    }
    return [prefix, scalar(value), '\n'].join('');
  } catch (e) {
    if (e === NOT_DIRECT) return undefined;
    throw e;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Keys with a defined value (the Document drops undefined ones), in canonical order. */
function sortedKeys(map: Record<string, unknown>, topLevel: boolean): string[] {
  const keys = Object.keys(map).filter((k) => map[k] !== undefined);
  if (topLevel) {
    const rank = (k: string) => {
      const i = LEADING_OBJECT_KEYS.indexOf(k);
      return i < 0 ? LEADING_OBJECT_KEYS.length : i;
    };
    return keys.sort((a, b) => rank(a) - rank(b) || compareText(a, b));
  }
  return keys.sort(compareText);
}

/** `key: value` lines of a non-empty map, each at `indent`. */
function writeMapEntries(map: Record<string, unknown>, keys: string[], indent: string, out: string[]): void {
  for (const key of keys) {
    out.push(indent, keyText(key), ':');
    writeValue(map[key], indent, out);
  }
}

/** `- item` lines of a non-empty sequence at `indent` (indentSeq: the dash is indented under its key). */
function writeSeqItems(seq: unknown[], indent: string, out: string[]): void {
  for (const item of seq) {
    if (isPlainObject(item)) {
      const keys = sortedKeys(item, false);
      if (keys.length === 0) {
        out.push(indent, '- {}\n');
        continue;
      }
      // the first entry goes on the dash's line, the rest under it
      const inner = indent + '  ';
      out.push(indent, '- ', keyText(keys[0]), ':');
      writeValue(item[keys[0]], inner, out);
      if (keys.length > 1) writeMapEntries(item, keys.slice(1), inner, out);
    } else if (Array.isArray(item)) {
      throw NOT_DIRECT; // `- - x`: left to the Document path
    } else if (item === undefined) {
      throw NOT_DIRECT;
    } else {
      out.push(indent, '- ', scalar(item), '\n');
    }
  }
}

/** What follows `key:` for a value of a map whose entries are at `indent`. */
function writeValue(value: unknown, indent: string, out: string[]): void {
  if (isPlainObject(value)) {
    const keys = sortedKeys(value, false);
    if (keys.length === 0) {
      out.push(' {}\n');
      return;
    }
    out.push('\n');
    writeMapEntries(value, keys, indent + '  ', out);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(' []\n');
      return;
    }
    out.push('\n');
    writeSeqItems(value, indent + '  ', out);
  } else {
    out.push(' ', scalar(value), '\n');
  }
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return stringText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
      throw NOT_DIRECT;
    case 'object':
      if (value === null) return 'null';
      throw NOT_DIRECT;
    default:
      throw NOT_DIRECT;
  }
}

function keyText(key: string): string {
  // the Document writes keys over 1024 characters as explicit `? key` entries
  if (key.length > 1000) throw NOT_DIRECT;
  return stringText(key);
}

// Short strings repeat a lot (namespaces, labels, ports): their rendering is remembered.
// Long ones (certificates, tokens) are not: rarely repeated, and private ones stay out of it.
const renderedStrings = new Map<string, string>();
const RENDERED_LIMIT = 50_000;
const REMEMBERED_LENGTH = 100;

function stringText(value: string): string {
  if (value.length > REMEMBERED_LENGTH) return renderString(value);
  const known = renderedStrings.get(value);
  if (known !== undefined) return known;
  const text = renderString(value);
  if (renderedStrings.size >= RENDERED_LIMIT) renderedStrings.clear();
  renderedStrings.set(value, text);
  return text;
}

// The library's rules for a one-line string (plainString in stringifyString.js): what may not be plain...
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
// ...and what this writer leaves to it: line breaks, tabs, control characters, lone surrogates.
const NOT_DIRECT_CHARS = /[\x00-\x1f\x7f-\x9f\uD800-\uDFFF]/;

function renderString(value: string): string {
  // '<<' is YAML 1.1's merge key, which the library treats apart
  if (value === '' || value === '<<' || NOT_DIRECT_CHARS.test(value) || DOCUMENT_MARKER.test(value)) {
    if (value === '') return '""';
    throw NOT_DIRECT;
  }
  if (!NOT_PLAIN.test(value) && !readsAsAnotherType(value)) return value;
  // quotedString: single quotes for a string with double quotes and no single ones, else double
  // quotes; for one line without control characters the library's double-quoted form is JSON's
  if (value.includes('"') && !value.includes("'")) return `'${value}'`;
  return JSON.stringify(value);
}

interface TagTest {
  default?: boolean | string;
  tag: string;
  test?: RegExp;
}
let typeTests: TagTest[] | undefined;

/** The YAML 1.1 schema's tests (bool, int, float, null, timestamp...) for a plain string, as the library applies them. */
function readsAsAnotherType(value: string): boolean {
  if (!typeTests) {
    const schema = new Document(null, { version: '1.1' }).schema as unknown as { tags: TagTest[]; compat?: TagTest[] | null };
    typeTests = [...schema.tags, ...(schema.compat ?? [])].filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test);
  }
  return typeTests.some((t) => t.test!.test(value));
}

/** The comment every generated YAML file starts with. `source` is the mesh file, relative to out/'s parent. */
export function generatedHeader(source: string): string {
  return `# Generated by meshgen from ${source}. Do not edit: change the mesh file and rebuild.\n`;
}

export function yamlFile(source: string, value: unknown): string {
  const header = generatedHeader(source);
  return directYaml(value, header) ?? header + documentYaml(value);
}
