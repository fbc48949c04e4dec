import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { error, type Diagnostic, type SourcePosition } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { firstSyntaxProblem } from './yaml-errors.js';

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
  const problem = firstSyntaxProblem(text, doc.errors);
  if (problem) {
    const code = doc.errors.some((e) => e.code === 'DUPLICATE_KEY' && e.pos[0] === problem.start) ? Codes.DuplicateKey : Codes.YamlSyntax;
    diagnostics.push(error(code, problem.message, { file, position: spanAt(source, problem.start, problem.end), hint: problem.hint }));
  }
  if (diagnostics.length === 0 && !isMap(doc.contents)) {
    diagnostics.push(
      error(Codes.NotAMapping, doc.contents === null ? 'the mesh file is empty' : 'the mesh file must be a YAML mapping', {
        file,
        position: doc.contents?.range ? spanAt(source, doc.contents.range[0], doc.contents.range[1]) : { line: 1, col: 1, length: 1 },
        hint: "start from `meshgen init`, or see meshgen's docs/mesh-yaml.md for the format",
      }),
    );
  }
  return { source, diagnostics };
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
    if (!pair) return undefined;
    // A key with no value (`network:`) has an empty null node after it: point at the key.
    const empty = pair.value === null || (isScalar(pair.value) && pair.value.value === null && pair.value.range?.[0] === pair.value.range?.[1]);
    return { key: pair.key, value: empty ? pair.key : pair.value };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item ? { value: item } : undefined;
  }
  return undefined;
}
