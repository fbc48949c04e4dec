import { dirname, join, posix, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { error, type Diagnostic, type SourcePosition } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { errorCode, formatBytes, type Host } from '../host/host.js';
import type { MeshDocument } from '../rules/mesh-spec.js';
import { firstSyntaxProblem } from './yaml-errors.js';
import { aliasProblems, collectionKeys, duplicateKeys, unsupportedTags } from './yaml-limits.js';
import { positionOf, type MeshSource } from './mesh-source.js';

// clusters[].extraManifests: a directory of the user's own Kubernetes objects, written into the
// cluster's manifests/ with meshgen's file names, so they ride the same GitOps path. Read here,
// with positions, so that every problem points into the user's file:
//
// - the directory and everything in it is read without following a symbolic link: a link is
//   refused (it could lead out of the directory, e.g. to a key or a token);
// - *.yaml and *.yml files, in subdirectories too, in name order; other files are left alone;
// - every document must be a mapping with apiVersion, kind and metadata.name, whose parts are
//   valid in a Kubernetes name (they become the file name: nothing like "../" gets through);
// - no object twice in one cluster;
// - no Secret carrying values (data, stringData): out/ is committed to git, where such a file
//   would hold the values in plain text; Secrets belong with a secrets tool (SOPS, Sealed
//   Secrets, External Secrets), whose own objects (SealedSecret, ExternalSecret) are welcome.
//
// Whether an object collides with one meshgen renders is known only when the cluster is
// rendered: the render stage checks that, with the positions kept here.

/** A file of extra manifests is at most this large, like mesh.yaml. */
export const EXTRA_MANIFEST_FILE_LIMIT = 1024 * 1024;

/** One of the user's objects, and where it is. */
export interface ExtraObject {
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: unknown }; [key: string]: unknown };
  /** the file, as diagnostics name it (relative paths stay relative, like the mesh file) */
  file: string;
  /** the file below the extraManifests directory, POSIX separators */
  relativePath: string;
  /** metadata.name, for diagnostics about the object */
  namePosition: SourcePosition;
}

export interface ExtraManifests {
  /** cluster name → its objects, in file order */
  byCluster: Map<string, ExtraObject[]>;
  /** the text of every file read, for code frames */
  sources: Map<string, string>;
  diagnostics: Diagnostic[];
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const API_VERSION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z0-9]+$/;

export function readExtraManifests(host: Host, meshFile: string, source: MeshSource, document: MeshDocument): ExtraManifests {
  const result: ExtraManifests = { byCluster: new Map(), sources: new Map(), diagnostics: [] };
  document.spec.clusters.forEach((cluster, index) => {
    if (cluster.extraManifests === undefined) return;
    const at = { file: source.file, position: positionOf(source, ['spec', 'clusters', index, 'extraManifests']) };
    // as the user sees it from the current directory (like spec.pki.dir), and on the host
    const display = join(dirname(meshFile), cluster.extraManifests).split('\\').join('/');
    const absolute = resolve(dirname(resolve(meshFile)), cluster.extraManifests);
    const stat = host.lstat(absolute);
    const refuse = (why: string, hint: string) => result.diagnostics.push(error(Codes.ExtraManifestsDirUnreadable, `extraManifests of cluster "${cluster.name}": ${display} ${why}`, { ...at, hint }));
    if (!stat) return refuse('does not exist', 'create the directory (relative to the mesh file) and put the YAML of your objects in it');
    if (stat.kind === 'symlink') return refuse('is a symbolic link', 'meshgen never follows a symbolic link out of a directory it reads: name the real directory');
    if (stat.kind !== 'directory') return refuse('is not a directory', 'name a directory of YAML files');
    const objects: ExtraObject[] = [];
    for (const relativePath of yamlFiles(host, absolute, '', result.diagnostics, display)) {
      const file = posix.join(display, relativePath);
      const text = readFile(host, `${absolute}/${relativePath}`, file, result.diagnostics);
      if (text === undefined) continue;
      result.sources.set(file, text);
      objects.push(...objectsOf(text, file, relativePath, result.diagnostics));
    }
    result.byCluster.set(cluster.name, withoutDuplicates(objects, result.diagnostics));
  });
  return result;
}

/** The YAML files below `dir`, sorted, never through a symbolic link. */
function yamlFiles(host: Host, root: string, below: string, diagnostics: Diagnostic[], display: string): string[] {
  const files: string[] = [];
  for (const name of host.readdir(below ? `${root}/${below}` : root)) {
    const relativePath = below ? `${below}/${name}` : name;
    const stat = host.lstat(`${root}/${relativePath}`);
    if (!stat) continue;
    const yaml = /\.ya?ml$/.test(name);
    if (stat.kind === 'directory') files.push(...yamlFiles(host, root, relativePath, diagnostics, display));
    // a link is refused where it stands for a YAML file or a directory (it would be read), never followed
    else if (stat.kind === 'symlink' && (yaml || host.stat(`${root}/${relativePath}`)?.kind === 'directory')) {
      diagnostics.push(
        error(Codes.ExtraManifestFileUnreadable, `${posix.join(display, relativePath)} is a symbolic link`, {
          file: posix.join(display, relativePath),
          hint: 'meshgen never follows a symbolic link in an extraManifests directory (it could lead to a key or a token): copy the file in instead',
        }),
      );
    } else if (yaml && stat.kind !== 'symlink') files.push(relativePath); // a FIFO or device is refused by readFile
  }
  return files;
}

function readFile(host: Host, path: string, file: string, diagnostics: Diagnostic[]): string | undefined {
  const fail = (why: string, hint: string) => {
    diagnostics.push(error(Codes.ExtraManifestFileUnreadable, `${file} ${why}`, { file, hint }));
    return undefined;
  };
  const stat = host.lstat(path);
  if (stat && stat.kind === 'file' && stat.size > EXTRA_MANIFEST_FILE_LIMIT) return fail(`is larger than ${formatBytes(EXTRA_MANIFEST_FILE_LIMIT)}`, 'split it into several files');
  try {
    return host.readFileNoFollow(path).replace(/\r(?!\n)/g, '\n');
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ELOOP') return fail('is a symbolic link', 'copy the file into the directory instead');
    if (code === 'ENOTREG') return fail('is not a regular file', 'remove it from the directory');
    return fail(`cannot be read (${code ?? (e as Error).message})`, 'give the user running meshgen read access to it');
  }
}

function objectsOf(text: string, file: string, relativePath: string, diagnostics: Diagnostic[]): ExtraObject[] {
  const lineCounter = new LineCounter();
  const span = (start: number, end: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(Math.min(start, text.length));
    return { line, col, length: Math.max(1, Math.min(end, text.length) - start) };
  };
  const nodeSpan = (node: Node | null | undefined, fallback: number): SourcePosition => {
    const range = node?.range;
    if (!range) return span(fallback, fallback + 1);
    const s = span(range[0], range[1]);
    if (isMap(node)) s.length = 1;
    return s;
  };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2' }) as Document.Parsed[];
  } catch {
    diagnostics.push(error(Codes.ExtraManifestYaml, `${file} is nested too deeply to read`, { file, position: { line: 1, col: 1, length: 1 }, hint: 'is this a Kubernetes object?' }));
    return [];
  }
  if (!Array.isArray(docs)) docs = [docs];
  const objects: ExtraObject[] = [];
  for (const doc of docs) {
    const syntax = firstSyntaxProblem(text, doc.errors);
    const limits = [...duplicateKeys(doc), ...unsupportedTags(doc, text), ...aliasProblems(doc), ...collectionKeys(doc)];
    if (syntax || limits.length) {
      const problem = syntax ?? limits[0];
      diagnostics.push(error(Codes.ExtraManifestYaml, `${file}: ${problem.message}`, { file, position: span(problem.start, problem.end), hint: problem.hint }));
      return [];
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue; // an empty document (a leading or trailing ---)
    const docStart = root.range?.[0] ?? 0;
    const invalid = (message: string, node: Node | null | undefined, hint: string) => diagnostics.push(error(Codes.ExtraManifestInvalid, message, { file, position: nodeSpan(node, docStart), hint }));
    if (!isMap(root)) {
      invalid(`${file}: a document that is not a Kubernetes object (a mapping)`, root, 'every YAML document in an extraManifests directory must be one object with apiVersion, kind and metadata');
      continue;
    }
    const value = doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>;
    const field = (path: string[]) => {
      let node: unknown = root;
      for (const key of path) node = isMap(node) ? node.get(key, true) : undefined;
      return node as Node | undefined;
    };
    const metadata = value.metadata as Record<string, unknown> | undefined;
    const missing = [
      typeof value.apiVersion === 'string' && value.apiVersion ? undefined : 'apiVersion',
      typeof value.kind === 'string' && value.kind ? undefined : 'kind',
      metadata && typeof metadata === 'object' && typeof metadata.name === 'string' && metadata.name ? undefined : 'metadata.name',
    ].filter((m): m is string => m !== undefined);
    if (missing.length) {
      const first = missing[0].split('.');
      invalid(`${file}: an object without ${missing.join(', ')}`, field(first) ?? (first.length > 1 ? field([first[0]]) : undefined) ?? root, 'meshgen names every file after apiVersion, kind, namespace and name: give the object all three');
      continue;
    }
    const object = value as ExtraObject['object'];
    const namespace = object.metadata.namespace;
    const bad =
      !API_VERSION.test(object.apiVersion) ? { what: 'apiVersion', node: field(['apiVersion']) }
      : !KIND.test(object.kind) ? { what: 'kind', node: field(['kind']) }
      : !NAME.test(object.metadata.name) || object.metadata.name.length > 253 ? { what: 'metadata.name', node: field(['metadata', 'name']) }
      : namespace !== undefined && (typeof namespace !== 'string' || !NAME.test(namespace) || namespace.length > 63) ? { what: 'metadata.namespace', node: field(['metadata', 'namespace']) }
      : undefined;
    if (bad) {
      invalid(`${file}: ${bad.what} is not valid in Kubernetes`, bad.node, 'apiVersion is [group/]version, kind letters and digits, names lowercase letters, digits, "-" and "."');
      continue;
    }
    if (object.kind === 'Secret' && object.apiVersion === 'v1' && (hasEntries(object.data) || hasEntries(object.stringData))) {
      const key = hasEntries(object.data) ? 'data' : 'stringData';
      const pair = root.items.find((p) => isScalar(p.key) && p.key.value === key);
      diagnostics.push(
        error(Codes.ExtraManifestPrivate, `${file}: Secret ${object.metadata.name} carries ${key}, which out/ would hold in plain text`, {
          file,
          position: nodeSpan(pair?.key as Node | undefined, docStart),
          hint: 'out/ is committed to git: deliver the Secret with a secrets tool (a SealedSecret or an ExternalSecret here, or a SOPS-encrypted file your GitOps tool decrypts), not as plain YAML',
        }),
      );
      continue;
    }
    objects.push({ object, file, relativePath, namePosition: nodeSpan(field(['metadata', 'name']), docStart) });
  }
  return objects;
}

function hasEntries(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

/** The group, kind, namespace and name that name an object's file. */
export function extraObjectKey(object: ExtraObject['object']): string {
  const slash = object.apiVersion.indexOf('/');
  return `${slash < 0 ? '' : object.apiVersion.slice(0, slash)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function withoutDuplicates(objects: ExtraObject[], diagnostics: Diagnostic[]): ExtraObject[] {
  const seen = new Map<string, ExtraObject>();
  return objects.filter((o) => {
    const key = extraObjectKey(o.object);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, o);
      return true;
    }
    diagnostics.push(
      error(Codes.ExtraManifestDuplicate, `${o.object.kind} ${o.object.metadata.namespace ? `${o.object.metadata.namespace}/` : ''}${o.object.metadata.name} is already in ${first.file}:${first.namePosition.line}`, {
        file: o.file,
        position: o.namePosition,
        hint: 'one object, one definition: remove one of them, or rename it',
      }),
    );
    return false;
  });
}
