import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { error, type Diagnostic, type SourcePosition } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { firstSyntaxProblem } from './yaml-errors.js';
import { aliasProblems, collectionKeys, duplicateKeys, parseBounded, unsupportedTags, type LimitProblem } from './yaml-limits.js';

/** A parsed mesh.yaml that still knows where every node came from. */
export interface MeshSource {
  /** the file as the user named it; used in diagnostics */
  file: string;
  /** the file's text, lone CRs read as line breaks (same length, so offsets are the file's) */
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export type YamlPath = readonly (string | number)[];

export function parseMeshSource(file: string, fileText: string): { source: MeshSource; diagnostics: Diagnostic[] } {
  // YAML 1.2 counts a lone CR as a line break (old Mac line endings); the yaml library does
  // not, and would read such a file as one comment line. One character for one keeps offsets.
  const text = fileText.replace(/\r(?!\n)/g, '\n');
  const lineCounter = new LineCounter();
  const { doc, tooDeep } = parseBounded(text, lineCounter);
  const source: MeshSource = { file, text, doc, lineCounter };
  const at = (problem: Pick<LimitProblem, 'start' | 'end'>) => spanAt(source, problem.start, problem.end);
  if (tooDeep) return { source, diagnostics: [error(Codes.NestingTooDeep, tooDeep.message, { file, position: at(tooDeep), hint: tooDeep.hint })] };

  const diagnostics: Diagnostic[] = [];
  const duplicates = duplicateKeys(doc);
  const errors = [...doc.errors, ...duplicates.map((d) => ({ name: 'YAMLParseError', code: 'DUPLICATE_KEY', pos: [d.start, d.end], message: d.message }) as unknown as Document.Parsed['errors'][number])];
  const problem = firstSyntaxProblem(text, errors);
  if (problem) {
    const code = errors.some((e) => e.code === 'DUPLICATE_KEY' && e.pos[0] === problem.start) ? Codes.DuplicateKey : Codes.YamlSyntax;
    diagnostics.push(error(code, problem.message, { file, position: spanAt(source, problem.start, problem.end), hint: problem.hint }));
    return { source, diagnostics };
  }
  for (const tag of unsupportedTags(doc, text)) diagnostics.push(error(Codes.UnsupportedTag, tag.message, { file, position: at(tag), hint: tag.hint }));
  for (const alias of aliasProblems(doc)) diagnostics.push(error(Codes.YamlAlias, alias.message, { file, position: at(alias), hint: alias.hint }));
  for (const key of collectionKeys(doc)) diagnostics.push(error(Codes.CollectionKey, key.message, { file, position: at(key), hint: key.hint }));
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

/**
 * The node at `path` itself (undefined when absent): what the document holds there, where
 * positionOf would point at its key when the value is empty.
 */
export function nodeAt(source: MeshSource, path: YamlPath): Node | undefined {
  let node: unknown = source.doc.contents;
  for (const segment of path) {
    if (isMap(node)) node = pairOf(node, segment)?.value;
    else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
    else return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

/** One index per mapping, built the first time it is asked: looking a key up must not scan the mapping (200,000 keys would take minutes). */
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, segment: string | number): Pair | undefined {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (!index.has(key)) index.set(key, pair); // the first, as the previous linear search found
    }
    pairIndexes.set(map, index);
  }
  return index.get(String(segment));
}

function childOf(node: unknown, segment: string | number): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = pairOf(node, segment);
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
