import { isMap, isPair, isScalar, isSeq, parseDocument, Scalar, type Document, type Node } from 'yaml';

// Structure-aware mutation of a mesh.yaml (and of the CA and credential files beside it) for
// the robustness fuzzer. Each operator makes one kind of mistake a user, a script or an
// attacker could make; a mutant stacks one to three of them. Everything is driven by a
// seeded PRNG, so a failure reproduces from its seed and index.

export type Random = () => number;

/** mulberry32: small, fast, deterministic. */
export function random(seed: number): Random {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(next: Random, items: readonly T[]): T => items[Math.floor(next() * items.length)];
const int = (next: Random, min: number, max: number): number => min + Math.floor(next() * (max - min + 1));

/** The files of a mesh directory: mesh.yaml, and pki/ and credentials/ by relative path. */
export type MeshFiles = Map<string, string>;

export interface Mutant {
  files: MeshFiles;
  /** the operators applied, for the report */
  operators: string[];
}

const REPLACEMENTS: unknown[] = [
  '', 'x', 'Not_A_Label', -1, 0, 70000, true, null, [], {}, ['a'], { a: 1 }, '1.30.3', '240.240.0.1', 'https://', '10.0.0.0/8',
  1e400, -0, 0.1, '1.6.0', '1.24.0', '2.0.0', 'https://user:pass@203.0.113.9:6443', 'https://203.0.113.9:6443\n', 'https://h\tx', 'http://127.0.0.1:6443',
  '\u0000', '\u001b[31mred', 'ünïcödé', '../../etc', '/dev/zero', 'creds/none', '-----BEGIN PRIVATE KEY-----', 'a'.repeat(300), 'primary', 'remote', 'omit', 'plain',
  'LoadBalancer', 'NodePort', 'istio-system', 'kube-system', 'net-1', 'east', 'west', 'global', 'local', '*', '~', 'yes', 'NaN',
];

const TAGS = ['!!timestamp', '!!binary', '!!set', '!!omap', '!!pairs', '!!str', '!!int', '!!float', '!!bool', '!!null', '!custom', '!', '!<tag:example.com,2000:x>'];

/** Every collection node, with the document itself as its root. */
function collections(node: unknown, found: Node[] = []): Node[] {
  if (isMap(node) || isSeq(node)) {
    found.push(node);
    for (const item of node.items) collections(isMap(node) ? (item as { value: unknown }).value : item, found);
  }
  return found;
}

function scalars(node: unknown, found: Scalar[] = []): Scalar[] {
  if (isScalar(node)) found.push(node);
  else if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        scalars(item.key, found);
        scalars(item.value, found);
      } else scalars(item, found);
    }
  }
  return found;
}

type DocOperator = (doc: Document, next: Random) => void;
type TextOperator = (text: string, next: Random) => string;
type FilesOperator = (files: MeshFiles, next: Random) => void;

/** A random item of a random collection, and where it sits. */
function someItem(doc: Document, next: Random): { target: Node; items: unknown[]; index: number } | undefined {
  const targets = collections(doc.contents);
  if (targets.length === 0) return undefined;
  const target = pick(next, targets);
  const items = (target as { items: unknown[] }).items;
  if (items.length === 0) return undefined;
  return { target, items, index: Math.floor(next() * items.length) };
}

function setValue(target: Node, items: unknown[], index: number, value: unknown): void {
  if (isMap(target)) (items[index] as { value: unknown }).value = value;
  else items[index] = value;
}

const DOC_OPERATORS: Record<string, DocOperator> = {
  delete(doc, next) {
    const at = someItem(doc, next);
    if (at) at.items.splice(at.index, 1);
  },
  duplicate(doc, next) {
    const at = someItem(doc, next);
    if (at) at.items.push(at.items[at.index]);
  },
  replace(doc, next) {
    const at = someItem(doc, next);
    if (at) setValue(at.target, at.items, at.index, doc.createNode(pick(next, REPLACEMENTS)));
  },
  'swap-values'(doc, next) {
    const all = scalars(doc.contents);
    if (all.length < 2) return;
    const [a, b] = [pick(next, all), pick(next, all)];
    [a.value, b.value] = [b.value, a.value];
  },
  'rename-key'(doc, next) {
    const maps = collections(doc.contents).filter(isMap);
    const map = maps.length ? pick(next, maps) : undefined;
    const pair = map && map.items.length ? pick(next, map.items) : undefined;
    if (!pair || !isScalar(pair.key)) return;
    const key = String(pair.key.value);
    const variants = [key.toUpperCase(), key.slice(1), key + key.slice(-1), key.split('').reverse().join(''), `${key}_`, '', '<<', '__proto__', 'constructor'];
    pair.key = doc.createNode(pick(next, variants));
  },
  wrap(doc, next) {
    const at = someItem(doc, next);
    if (!at) return;
    const value = isMap(at.target) ? (at.items[at.index] as { value: unknown }).value : at.items[at.index];
    setValue(at.target, at.items, at.index, next() < 0.5 ? doc.createNode([value]) : doc.createNode({ value }));
  },
  'alias-backward'(doc, next) {
    const all = collections(doc.contents).concat(scalars(doc.contents));
    const target = pick(next, all);
    const at = someItem(doc, next);
    if (!target || !at) return;
    target.anchor = 'a1';
    setValue(at.target, at.items, at.index, doc.createAlias(target as never, 'a1'));
  },
  'alias-undefined'(doc, next) {
    const at = someItem(doc, next);
    if (at) setValue(at.target, at.items, at.index, doc.createAlias(doc.createNode('x') as never, 'nope'));
  },
  tag(doc, next) {
    const all = scalars(doc.contents).filter((s) => s.value !== null);
    if (all.length) pick(next, all).tag = pick(next, TAGS);
  },
};

const TEXT_OPERATORS: Record<string, TextOperator> = {
  'cr-line-endings': (text) => text.replace(/\n/g, '\r'),
  'crlf-line-endings': (text) => text.replace(/\n/g, '\r\n'),
  'mixed-line-endings': (text, next) => text.replace(/\n/g, () => pick(next, ['\n', '\r', '\r\n'])),
  truncate: (text, next) => text.slice(0, Math.floor(next() * text.length)),
  'insert-bytes': (text, next) => {
    const at = Math.floor(next() * text.length);
    const bytes = Array.from({ length: int(next, 1, 4) }, () => pick(next, ['\u0000', '\t', '\ufeff', '\u001b', '\u2028', '\u0085', '"', "'", '[', '{', ':', '#', '&', '*', '!', '|', '>', '-', '?', '%', '@', '`', ' ', '\n']));
    return text.slice(0, at) + bytes.join('') + text.slice(at);
  },
  'duplicate-line': (text, next) => {
    const lines = text.split('\n');
    const i = Math.floor(next() * lines.length);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  'delete-line': (text, next) => {
    const lines = text.split('\n');
    lines.splice(Math.floor(next() * lines.length), 1);
    return lines.join('\n');
  },
  indent: (text, next) => {
    const lines = text.split('\n');
    const i = Math.floor(next() * lines.length);
    lines[i] = next() < 0.5 ? ` ${lines[i]}` : lines[i].replace(/^ /, '');
    return lines.join('\n');
  },
  'deep-nesting': (text, next) => {
    const depth = pick(next, [30, 63, 64, 65, 200, 5000, 20000]);
    const nested = next() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${text.replace(/\n?$/, '\n')}deep: ${nested}\n`;
  },
  'block-nesting': (text, next) => `${text.replace(/\n?$/, '\n')}deep:\n  ${'- '.repeat(pick(next, [60, 70, 5000]))}x\n`,
  'huge-value': (text, next) => {
    const lines = text.split('\n');
    const i = Math.floor(next() * lines.length);
    lines[i] = `${lines[i]}${'x'.repeat(pick(next, [1000, 100_000, 900_000, 1_100_000]))}`;
    return lines.join('\n');
  },
  'alias-bomb': (text, next) => {
    const levels = int(next, 4, 9);
    const lines = ['l0: &l0 [a, a, a, a, a, a, a, a, a, a]'];
    for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    return `${text.replace(/\n?$/, '\n')}${lines.join('\n')}\n`;
  },
  'forward-alias': (text) => text.replace(/(\n {2}meshID: )[^\n]*|(\n {2}istio:)/, (m, meshId) => (meshId ? `${meshId}*later` : m)) + 'later: &later x\n',
  'many-keys': (text, next) => `${text.replace(/\n?$/, '\n')}x: {${Array.from({ length: pick(next, [1000, 20_000]) }, (_, i) => `k${i}`).join(', ')}}\n`,
};

/** The PEM body of a file with one byte changed: a certificate Node may still accept. */
function flipDerByte(pem: string, next: Random): string {
  const match = /(-----BEGIN [^-]+-----\n)([\s\S]*?)(\n-----END [^-]+-----)/.exec(pem);
  if (!match) return pem;
  const der = Buffer.from(match[2].replace(/\s/g, ''), 'base64');
  if (der.length === 0) return pem;
  const i = Math.floor(next() * der.length);
  der[i] = next() < 0.5 ? der[i] ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
  const body = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return pem.replace(match[0], `${match[1]}${body}${match[3]}`);
}

const FILES_OPERATORS: Record<string, FilesOperator> = {
  'pki-flip-byte'(files, next) {
    const pem = [...files.keys()].filter((p) => p.startsWith('pki/') && p.endsWith('.pem'));
    if (pem.length) {
      const file = pick(next, pem);
      files.set(file, flipDerByte(files.get(file)!, next));
    }
  },
  'pki-remove'(files, next) {
    const pem = [...files.keys()].filter((p) => p.startsWith('pki/'));
    if (pem.length) files.delete(pick(next, pem));
  },
  'credential-garbage'(files, next) {
    const creds = [...files.keys()].filter((p) => p.startsWith('credentials/'));
    if (!creds.length) return;
    const key = [...files.entries()].find(([p]) => p.endsWith('key.pem'))?.[1] ?? '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    files.set(pick(next, creds), pick(next, ['', '\n', key, `${files.get('credentials/east-ca.crt') ?? ''}${key}`, '\u0000\u0001binary\u00ff', 'Bearer a.b.c', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln']));
  },
};

const ALL = [...Object.keys(DOC_OPERATORS), ...Object.keys(TEXT_OPERATORS), ...Object.keys(FILES_OPERATORS)];

export function operatorNames(): string[] {
  return [...ALL];
}

/** One to three operators on a copy of `files` (whose 'mesh.yaml' entry is the mesh file). */
export function mutate(files: MeshFiles, next: Random): Mutant {
  const result: MeshFiles = new Map(files);
  const operators: string[] = [];
  const count = int(next, 1, 3);
  for (let i = 0; i < count; i++) {
    const name = pick(next, ALL);
    operators.push(name);
    const text = result.get('mesh.yaml') ?? '';
    if (name in DOC_OPERATORS) {
      // structure-aware operators need a tree: skip them on text an earlier operator broke
      // (the yaml library itself overflows its stack on some of it, e.g. 5,000 nested "- ")
      if (/(- ){60}|\[{60}|(\{a: ){60}/.test(text)) continue;
      let doc: Document;
      try {
        doc = parseDocument(text, { version: '1.2', uniqueKeys: false, prettyErrors: false });
      } catch {
        continue;
      }
      if (doc.errors.length) continue;
      DOC_OPERATORS[name](doc, next);
      try {
        result.set('mesh.yaml', doc.toString());
      } catch {
        // the yaml library cannot print some of what the operators make (e.g. an alias it cannot resolve); skip
      }
    } else if (name in TEXT_OPERATORS) {
      result.set('mesh.yaml', TEXT_OPERATORS[name](text, next));
    } else {
      FILES_OPERATORS[name](result, next);
    }
  }
  return { files: result, operators };
}
