#!/usr/bin/env node
// Generates the parts of the documentation that have a source of truth elsewhere:
//
//   README.md, between the diagnostic-codes markers   from src/diagnostics/catalog.ts
//   docs/mesh-yaml.md                                 from schemas/mesh.schema.json
//
// `npm run docs:update` builds first, then runs this script, which reads the catalog from
// dist/. `node scripts/update-docs.mjs --check` writes nothing and exits 1 if a file is stale.
// The exported functions are pure (text in, text out): test/docs.test.ts runs them on the
// catalog in src/ and fails when a committed file differs from what they generate.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const UPDATE_COMMAND = 'npm run docs:update';
export const CODES_START = '<!-- diagnostic-codes:start -->';
export const CODES_END = '<!-- diagnostic-codes:end -->';
export const MESH_YAML_DOC = 'docs/mesh-yaml.md';

// --- the table of diagnostic codes -----------------------------------------------------------

/** Markdown table of the catalog, one row per code, ordered by code. */
export function codesTable(entries) {
  const rows = [...entries].sort((a, b) => compare(a.code, b.code)).map((e) => `| ${e.code} | ${e.severity} | ${cell(e.summary)} |`);
  return ['| code | severity | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `text` with whatever lies between the two marker lines replaced by `body`. */
export function replaceBetweenMarkers(text, start, end, body) {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0 || to < from || text.indexOf(start, from + 1) >= 0 || text.indexOf(end, to + 1) >= 0) {
    throw new Error(`update-docs: expected exactly one ${start} followed by one ${end}`);
  }
  return `${text.slice(0, from + start.length)}\n${comment(`Generated from src/diagnostics/catalog.ts by \`${UPDATE_COMMAND}\`; edit the catalog, not this table.`)}\n${body}\n${text.slice(to)}`;
}

export function readmeWithCodes(readme, entries) {
  return replaceBetweenMarkers(readme, CODES_START, CODES_END, codesTable(entries));
}

// --- the mesh.yaml reference -----------------------------------------------------------------

// The keywords this generator knows how to document. Any other keyword in the schema stops it,
// so that a new construct (oneOf, if/then, ...) is never silently left out of the reference.
const KNOWN_KEYWORDS = new Set([
  '$schema', '$id', '$defs', '$ref', 'title', 'description', 'default', 'examples',
  'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items',
  'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'uniqueItems',
  'anyOf',
]);

/** docs/mesh-yaml.md: every key of mesh.yaml, one table per mapping, in schema order. */
export function meshYamlReference(schema) {
  const sections = [];
  collectSections(schema, schema, '', '', sections);
  const anchors = new Set();
  for (const section of sections) {
    if (anchors.has(section.anchor)) throw new Error(`update-docs: two sections would share the anchor #${section.anchor}`);
    anchors.add(section.anchor);
  }
  const lines = [
    comment(`Generated from schemas/mesh.schema.json by \`${UPDATE_COMMAND}\`; edit the schema's descriptions, not this file.`),
    '# mesh.yaml reference',
    '',
    sentence(prose(schema.description)),
    '',
    `This page lists every key of the format \`${schema.properties.apiVersion.const}\`. It is generated from`,
    '[`schemas/mesh.schema.json`](../schemas/mesh.schema.json), the schema meshgen validates mesh.yaml against and',
    'editors use for completion (see the `yaml-language-server` line in [README.md](../README.md#meshyaml)).',
    'Complete meshes are in [`examples/`](../examples/).',
    '',
    'Keys are written as dotted paths from the top of the file; `[]` stands for every item of a list, so',
    '`spec.clusters[].eastWestGateway.address` is the `address` under `eastWestGateway` of each cluster.',
    'Apart from the keys of a map, a key that is not listed here is an error (MG1101). A default is what',
    'meshgen assumes when the key is absent.',
    '',
    '## Contents',
    '',
    ...sections.map((s) => `${'  '.repeat(s.depth)}- [${s.title}](#${s.anchor})`),
  ];
  for (const section of sections) lines.push('', `## ${section.heading}`, '', ...(section.intro ? [sentence(prose(section.intro)), ''] : []), ...section.table);
  return lines.join('\n') + '\n';
}

function collectSections(root, node, path, intro, sections) {
  const schema = resolve(root, node, path || '(top level)');
  if (!schema.properties) return;
  const heading = path ? `\`${path}\`` : 'Top level';
  const depth = path ? path.split('.').length : 0;
  sections.push({
    heading,
    title: path || 'Top level',
    anchor: githubAnchor(heading),
    depth,
    intro: path ? intro : '',
    table: propertyTable(root, schema, path),
  });
  for (const [key, property] of Object.entries(schema.properties)) {
    const childPath = path ? `${path}.${key}` : key;
    const child = resolve(root, property, childPath);
    if (child.properties) collectSections(root, property, childPath, child.description, sections);
    else if (child.type === 'array' && child.items) {
      const items = resolve(root, child.items, `${childPath}[]`);
      if (items.properties) collectSections(root, child.items, `${childPath}[]`, [child.description, items.description].filter(Boolean).join('. '), sections);
    }
  }
}

function propertyTable(root, schema, path) {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties).map(([key, property]) => {
    const keyPath = path ? `${path}.${key}` : key;
    const { type, notes } = describeValue(root, property, keyPath);
    const described = resolve(root, property, keyPath);
    if (!described.description) throw new Error(`update-docs: ${keyPath} has no description in the schema`);
    const text = [sentence(prose(described.description)), ...notes.map((n) => sentence(prose(n)))].join(' ');
    return `| \`${keyPath}\` | ${type} | ${required.has(key) ? 'yes' : ''} | ${cell(text)} |`;
  });
  return ['| key | type | required | description |', '|---|---|---|---|', ...rows];
}

/** The type column of a key, and the constraints worth a sentence in its description. */
function describeValue(root, node, path) {
  const schema = resolve(root, node, path);
  const notes = [];
  const format = referencedFormat(root, node);
  if (format) notes.push(`Format: ${format}`);
  let type;
  if (schema.anyOf) type = schema.anyOf.map((alternative, i) => describeValue(root, alternative, `${path}|${i}`).type).join(' or ');
  else if ('const' in schema) type = `\`${schema.const}\``;
  else if (schema.enum) type = schema.enum.map((v) => `\`${v}\``).join(' \\| ');
  else if (schema.type === 'array') {
    const items = resolve(root, schema.items, `${path}[]`);
    if (items.properties) type = `list of mappings ([below](#${githubAnchor(`\`${path}[]\``)}))`;
    else {
      const itemType = describeValue(root, schema.items, `${path}[]`).type;
      type = /^[a-z]+$/.test(itemType) ? `list of ${itemType}s` : `list, each ${itemType}`;
      const itemFormat = referencedFormat(root, schema.items);
      if (itemFormat) notes.push(`Each item: ${itemFormat}`);
      else notes.push(...constraints(items));
    }
  } else if (schema.type === 'object' && schema.properties) type = `mapping ([below](#${githubAnchor(`\`${path}\``)}))`;
  else if (schema.type === 'object') {
    const values = schema.additionalProperties ? resolve(root, schema.additionalProperties, `${path}.*`) : {};
    type = `map of string to ${values.type ?? 'any'}`;
    const valueNotes = constraints(values);
    if (valueNotes.length) notes.push(`Values: ${valueNotes.join(', ')}`);
  } else if (schema.type) type = schema.type;
  else throw new Error(`update-docs: ${path} has no type, const or enum`);
  if (schema.type !== 'array' && !format) notes.push(...constraints(schema));
  if (schema.type === 'array') notes.push(...arrayConstraints(schema));
  if ('default' in schema) notes.push(`Default: \`${JSON.stringify(schema.default)}\``);
  return { type, notes };
}

function constraints(schema) {
  const notes = [];
  if (schema.minimum !== undefined && schema.maximum !== undefined) notes.push(`from ${schema.minimum} to ${schema.maximum}`);
  else if (schema.minimum !== undefined) notes.push(`at least ${schema.minimum}`);
  else if (schema.maximum !== undefined) notes.push(`at most ${schema.maximum}`);
  if (schema.minLength === 1 && schema.maxLength === undefined) notes.push('not empty');
  else if (schema.minLength !== undefined) notes.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) notes.push(`at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined) notes.push(`matches \`${schema.pattern}\``);
  return notes;
}

function arrayConstraints(schema) {
  const notes = [];
  if (schema.minItems !== undefined) notes.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (schema.maxItems !== undefined) notes.push(`at most ${schema.maxItems} items`);
  if (schema.uniqueItems) notes.push('no item twice');
  return notes;
}

/** A key that refers to a scalar definition (dns1123Label, ...) shows the definition's description as its format. */
function referencedFormat(root, node) {
  if (!node?.$ref) return undefined;
  const target = resolve(root, { $ref: node.$ref }, node.$ref);
  if (target.type === 'object' || target.type === 'array' || !target.description) return undefined;
  return target.description;
}

/** A schema with its $ref followed: the target's keywords, overridden by the referring node's own. */
function resolve(root, node, path) {
  if (node === undefined || node === null || typeof node !== 'object') throw new Error(`update-docs: ${path} has no schema`);
  for (const keyword of Object.keys(node)) {
    if (!KNOWN_KEYWORDS.has(keyword)) throw new Error(`update-docs: ${path} uses "${keyword}", which the generator does not document yet`);
  }
  if (!node.$ref) return node;
  const match = /^#\/\$defs\/([^/]+)$/.exec(node.$ref);
  if (!match || !root.$defs?.[match[1]]) throw new Error(`update-docs: ${path}: unsupported $ref ${node.$ref}`);
  const { $ref: _, ...own } = node;
  return { ...resolve(root, root.$defs[match[1]], node.$ref), ...own };
}

/** GitHub's heading anchor: lowercase, punctuation other than '-' and '_' dropped, spaces to '-'. */
export function githubAnchor(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

// --- helpers ---------------------------------------------------------------------------------

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A table cell: pipes escaped, on one line. */
function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/**
 * Schema text as Markdown prose: `<cluster>` and the like must not be read as HTML tags.
 * Code spans (the generator's own) are left alone.
 */
function prose(text) {
  return String(text)
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/**
 * Descriptions are fragments that start in lowercase, because they double as hints in
 * diagnostics and often start with a key or value (`plain (default): ...`); they keep their
 * case here and only get a full stop.
 */
function sentence(text) {
  const trimmed = String(text).trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function comment(text) {
  return `<!-- ${text} -->`;
}

// --- the files -------------------------------------------------------------------------------

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** What the generated files should contain: path (relative to the repository) → text. */
export function expectedDocs({ readme, schema, catalogEntries }) {
  return new Map([
    ['README.md', readmeWithCodes(readme, catalogEntries)],
    [MESH_YAML_DOC, meshYamlReference(schema)],
  ]);
}

async function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) {
    console.error(`usage: node scripts/update-docs.mjs [--check]`);
    process.exit(2);
  }
  let catalog;
  try {
    catalog = await import(pathToFileURL(`${REPO}dist/diagnostics/catalog.js`).href);
  } catch (e) {
    console.error(`update-docs: cannot load dist/diagnostics/catalog.js (${e.message}); run \`${UPDATE_COMMAND}\`, which builds first`);
    process.exit(1);
  }
  const read = (path) => {
    try {
      return readFileSync(`${REPO}${path}`, 'utf8');
    } catch {
      return undefined;
    }
  };
  const expected = expectedDocs({
    readme: read('README.md'),
    schema: JSON.parse(read('schemas/mesh.schema.json')),
    catalogEntries: catalog.catalogEntries(),
  });
  const stale = [...expected].filter(([path, text]) => read(path) !== text).map(([path]) => path);
  if (check) {
    for (const path of stale) console.error(`${path} is not what the generator makes of its sources; run \`${UPDATE_COMMAND}\``);
    process.exit(stale.length ? 1 : 0);
  }
  for (const path of stale) writeFileSync(`${REPO}${path}`, expected.get(path));
  console.log(stale.length ? `update-docs: wrote ${stale.join(', ')}` : 'update-docs: documentation is up to date');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
