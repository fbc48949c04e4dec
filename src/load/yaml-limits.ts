import { Composer, Lexer, Parser, isAlias, isMap, isPair, isScalar, isSeq, type CST, type Document, type LineCounter, type Node } from 'yaml';

// What the yaml library accepts but a mesh file must not hold, each found in time linear in
// the size of the file and reported at the place it starts:
//
// - nesting deeper than MAX_NESTING: the library composes nodes recursively, and a few
//   thousand "[" exhaust the stack. The depth is measured on the parser's own (iterative)
//   stack while the file is parsed, so composition never starts on such a file.
// - duplicate keys: the library's uniqueKeys check compares every key with every earlier one
//   (200,000 keys take minutes); here each mapping gets one Set.
// - aliases: one with no anchor before it, one inside the node it names (a cycle), or so many
//   that the document they expand to is a resource exhaustion attack ("billion laughs").
// - explicit tags outside the YAML 1.2 core schema (!!timestamp, !!binary, !!set, !custom):
//   they turn values into Dates, byte arrays or Sets that the schema cannot describe.

/** Deeper than any mesh.yaml needs (about 8) and far from the library's stack limit (thousands). */
export const MAX_NESTING = 64;

/** How many nodes aliases may add to the document once expanded. */
export const MAX_ALIAS_EXPANSION = 10_000;

const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`).concat('!'));

export interface LimitProblem {
  kind: 'nesting' | 'duplicate-key' | 'alias' | 'tag' | 'collection-key';
  message: string;
  hint: string;
  start: number;
  end: number;
}

/**
 * parseDocument(text, options), except that parsing stops at the first collection nested
 * deeper than MAX_NESTING, which is returned as `tooDeep` (the document is then empty).
 */
export function parseBounded(text: string, lineCounter: LineCounter): { doc: Document.Parsed; tooDeep?: LimitProblem } {
  const parser = new Parser(lineCounter.addNewLine);
  // YAML 1.2 core schema: `yes` stays a string, so the schema reports it instead of guessing.
  // uniqueKeys is checked by duplicateKeys() below, in linear time.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, version: '1.2' });
  let tooDeep: LimitProblem | undefined;
  function* tokens(): Generator<CST.Token> {
    lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme);
      if (parser.stack.length > MAX_NESTING) {
        const collections = parser.stack.filter((t) => t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection');
        if (collections.length > MAX_NESTING) {
          const start = (collections[MAX_NESTING] as { offset: number }).offset;
          tooDeep = {
            kind: 'nesting',
            message: `collections are nested more than ${MAX_NESTING} levels deep`,
            hint: `a mesh file needs fewer than 10 levels; ${MAX_NESTING} is the limit meshgen reads`,
            start,
            end: start + 1,
          };
          return;
        }
      }
    }
    yield* parser.end();
  }
  let doc: Document.Parsed | undefined;
  for (const composed of composer.compose(tokens(), true, text.length)) {
    if (!doc) doc = composed;
    else {
      doc.errors.push(multipleDocs(composed));
      break;
    }
  }
  return { doc: doc!, tooDeep };
}

function multipleDocs(second: Document.Parsed): Document.Parsed['errors'][number] {
  // the same error parseDocument reports, so that yaml-errors.ts describes it the same way
  return { name: 'YAMLParseError', code: 'MULTIPLE_DOCS', pos: [second.range[0], second.range[1]], message: 'Source contains multiple documents' } as Document.Parsed['errors'][number];
}

/** Every key that repeats an earlier key of the same mapping (keys compare as the strings they become in JSON). */
export function duplicateKeys(doc: Document.Parsed): LimitProblem[] {
  const found: LimitProblem[] = [];
  walk(doc.contents, (node) => {
    if (!isMap(node)) return;
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (!seen.has(key)) {
        seen.add(key);
        continue;
      }
      const range = pair.key.range;
      if (range) found.push({ kind: 'duplicate-key', message: 'a key appears twice in one mapping', hint: 'YAML mappings need unique keys; remove or merge the second one', start: range[0], end: range[1] });
    }
  });
  return found;
}

/**
 * Keys that are mappings or lists (`? {a: 1}` or `[a, b]: x`): YAML allows them, JSON and
 * Kubernetes do not, and the yaml library would turn them into strings with a process warning.
 */
export function collectionKeys(doc: Document.Parsed): LimitProblem[] {
  const found: LimitProblem[] = [];
  walk(doc.contents, (node) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const written = pair.key as Node | null;
      const key = isAlias(written) ? written.resolve(doc) : written; // an alias key is what its anchor names
      if (!written?.range || !key || isScalar(key)) continue;
      found.push({ kind: 'collection-key', message: `a mapping key that is ${isMap(key) ? 'a mapping' : isSeq(key) ? 'a list' : 'not a plain value'}`, hint: 'keys are plain strings in mesh.yaml and in Kubernetes objects; write the key as a string', start: written.range[0], end: written.range[1] });
    }
  });
  return found;
}

/** Explicit tags outside the core schema, at the tag. */
export function unsupportedTags(doc: Document.Parsed, text: string): LimitProblem[] {
  const found: LimitProblem[] = [];
  walk(doc.contents, (node) => {
    const tag = (node as { tag?: string }).tag;
    if (tag === undefined || CORE_TAGS.has(tag)) return;
    const range = (node as Node).range;
    if (!range) return;
    const shown = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
    const at = tagOffset(text, range[0]);
    found.push({
      kind: 'tag',
      message: `the YAML tag ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown} is not supported in a mesh file`,
      hint: 'remove the tag: mesh.yaml holds plain strings, numbers, booleans, lists and mappings (YAML 1.2 core schema)',
      start: at,
      end: at + Math.min(shown.length, 40),
    });
  });
  return found;
}

/** Where the tag in front of a node starts: the node's range leaves out its tag and anchor. */
function tagOffset(text: string, nodeStart: number): number {
  let i = nodeStart;
  for (let tokens = 0; tokens < 3; tokens++) {
    while (i > 0 && /\s/.test(text[i - 1])) i--;
    let start = i;
    while (start > 0 && !/[\s[{,]/.test(text[start - 1])) start--;
    if (text[start] === '!') return start;
    if (text[start] !== '&' || start === i) break; // an anchor may stand between tag and node
    i = start;
  }
  return nodeStart;
}

/**
 * Aliases that cannot be expanded safely: no anchor before them (undefined or forward), an
 * anchor on a node that contains them (a cycle), or expansions adding more than
 * MAX_ALIAS_EXPANSION nodes in all. Reported at the alias.
 */
export function aliasProblems(doc: Document.Parsed): LimitProblem[] {
  const found: LimitProblem[] = [];
  const anchors = new Map<string, Node>();
  const sizes = new Map<unknown, number>();
  const ancestors = new Set<unknown>();
  let expanded = 0;
  let exhausted = false;

  // Pre-order registers anchors in document order; post-order sizes nodes. An alias names an
  // earlier node that is not its ancestor, so that node is already sized when the alias is met.
  const visit = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const range = node.range ?? [0, 1];
      const name = node.source.length > 40 ? `${node.source.slice(0, 40)}…` : node.source;
      if (!target) {
        found.push({ kind: 'alias', message: `the alias *${name} refers to no anchor &${name} before it`, hint: `define &${name} on an earlier node, or write the value out`, start: range[0], end: range[1] });
        return 1;
      }
      if (ancestors.has(target)) {
        found.push({ kind: 'alias', message: `the alias *${name} is inside the node anchored as &${name}, which would contain itself`, hint: 'an alias can only repeat a node that is complete before it', start: range[0], end: range[1] });
        return 1;
      }
      const size = sizes.get(target) ?? 1;
      expanded += size;
      if (expanded > MAX_ALIAS_EXPANSION && !exhausted) {
        exhausted = true;
        found.push({
          kind: 'alias',
          message: `aliases expand the file by more than ${MAX_ALIAS_EXPANSION} nodes`,
          hint: 'this looks like an alias bomb; write the repeated values out, or repeat fewer of them',
          start: range[0],
          end: range[1],
        });
      }
      return size;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node as Node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      ancestors.add(node);
      for (const item of node.items as unknown[]) {
        if (isPair(item)) size += visit(item.key) + visit(item.value);
        else size += visit(item);
      }
      ancestors.delete(node);
    }
    sizes.set(node, size);
    return size;
  };
  visit(doc.contents);
  return found;
}

/** Calls `each` on every node, keys included; recursion is bounded by MAX_NESTING. */
function walk(node: unknown, each: (node: unknown) => void): void {
  if (node === null || node === undefined) return;
  each(node);
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        walk(item.key, each);
        walk(item.value, each);
      } else walk(item, each);
    }
  }
}
