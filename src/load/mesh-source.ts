import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { error, type Diagnostic, type SourcePosition } from '../diagnostics.js';
import { Codes } from '../codes.js';

/** A parsed mesh.yaml that still knows where every node came from. */
export interface MeshSource {
  /** the file as the user named it; used in diagnostics */
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export type YamlPath = readonly (string | number)[];

export function parseMeshSource(file: string, text: string): { source: MeshSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `yes` stays a string, so the schema reports it instead of guessing.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const source: MeshSource = { file, text, doc, lineCounter };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const duplicate = e.code === 'DUPLICATE_KEY';
    diagnostics.push(
      error(duplicate ? Codes.DuplicateKey : Codes.YamlSyntax, duplicate ? 'a key appears twice in one mapping' : yamlMessage(e.message), {
        file,
        position: spanAt(source, e.pos[0], e.pos[1]),
        hint: duplicate ? 'YAML mappings need unique keys; remove or merge the second one' : undefined,
      }),
    );
  }
  if (diagnostics.length === 0 && !isMap(doc.contents)) {
    diagnostics.push(
      error(Codes.NotAMapping, doc.contents === null ? 'the mesh file is empty' : 'the mesh file must be a YAML mapping', {
        file,
        position: doc.contents?.range ? spanAt(source, doc.contents.range[0], doc.contents.range[1]) : { line: 1, col: 1, length: 1 },
        hint: 'start from `meshgen init`, or see SPEC section 3 for the format',
      }),
    );
  }
  return { source, diagnostics };
}

/** The first line of yaml's message; the rest is a code frame we draw ourselves. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

function spanAt(source: MeshSource, start: number, end: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(Math.min(start, source.text.length));
  return { line, col, length: Math.max(1, end - start) };
}

/**
 * Where a value (or, with `which: 'key'`, its key) is in the file. For a path that does not
 * exist, the deepest node that does: a missing key is reported on its parent.
 */
export function positionOf(source: MeshSource, path: YamlPath, which: 'value' | 'key' = 'value'): SourcePosition {
  let node: unknown = source.doc.contents;
  let keyNode: unknown;
  for (const segment of path) {
    const child = childOf(node, segment);
    if (!child) break;
    node = child.value;
    keyNode = child.key;
  }
  const target = which === 'key' && keyNode ? keyNode : node;
  const range = (target as Node | null)?.range;
  if (!range) return { line: 1, col: 1, length: 1 };
  const span = spanAt(source, range[0], range[1]);
  // A collection spans many lines: underline just its first token.
  if (isMap(target) || isSeq(target)) span.length = 1;
  return span;
}

function childOf(node: unknown, segment: string | number): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
    // a key with no value (`network:`) still has a position: the key's
    return pair ? { key: pair.key, value: pair.value ?? pair.key } : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item ? { value: item } : undefined;
  }
  return undefined;
}
