import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { hasErrors, promoteWarnings, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { parseMeshSource, positionOf, type MeshSource, type YamlPath } from './load/mesh-source.js';
import { readCredentials } from './credentials/read-credentials.js';
import { clustersRead } from './render/secrets/remote-secret.js';
import { clustersWithCa } from './render/secrets/ca-material.js';
import { commitPkiWrites, planPki, type PkiPlan } from './pki/index.js';
import { validateSchema } from './validate/schema.js';
import { checkSemantics } from './validate/semantics.js';
import { buildModel, type MeshModel } from './model/mesh-model.js';
import type { MeshDocument } from './model/mesh-spec.js';
import { renderMesh } from './render/render-mesh.js';
import { diffOutput, withManifest, writeOutput, type OutputDiff } from './emit/out-dir.js';
import type { OutputSet } from './resource/output-files.js';
import { UsageError } from './usage-error.js';

// The compiler, stage by stage:
//   load → validate → model → pki → credentials → render → emit (diff, then write or check)
// Every stage returns diagnostics; the first stage that reports an error ends the run, and
// nothing is written unless the whole run is clean.

export { UsageError };

export interface BuildOptions {
  /** path of mesh.yaml as the user gave it */
  meshFile: string;
  outDir: string;
  check?: boolean;
  strict?: boolean;
  /** where reader.tokenEnv variables are looked up; default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** text of the files diagnostics point into, for code frames */
  sources: Map<string, string>;
  mesh?: MeshModel;
  files?: OutputSet;
  diff?: OutputDiff;
  remoteSecrets?: { rendered: number; notRendered: number };
  /** CA files this build created, relative to spec.pki.dir, and how to show that directory */
  pki?: { dir: string; created: string[] };
}

export interface LoadedMesh {
  source: MeshSource;
  document?: MeshDocument;
  diagnostics: Diagnostic[];
}

/** load + validate: the mesh file, checked for syntax, shape and meaning. */
export function loadMesh(meshFile: string): LoadedMesh {
  const text = readMeshFile(meshFile);
  const { source, diagnostics } = parseMeshSource(meshFile, text);
  if (hasErrors(diagnostics)) return { source, diagnostics };
  const value = source.doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const schemaProblems = validateSchema(source, value);
  if (hasErrors(schemaProblems)) return { source, diagnostics: schemaProblems };
  const document = value as MeshDocument;
  return { source, document, diagnostics: checkSemantics(source, document) };
}

export function validate(options: { meshFile: string; strict?: boolean }): BuildResult {
  const loaded = loadMesh(options.meshFile);
  const diagnostics = finish(loaded.diagnostics, options.strict);
  const ok = !hasErrors(diagnostics);
  return { ok, diagnostics, sources: sourcesOf(loaded), mesh: ok && loaded.document ? buildModel(loaded.document) : undefined };
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const loaded = loadMesh(options.meshFile);
  const sources = sourcesOf(loaded);
  const stop = (diagnostics: Diagnostic[]): BuildResult => ({ ok: false, diagnostics: finish(diagnostics, options.strict), sources });
  if (!loaded.document || hasErrors(finish(loaded.diagnostics, options.strict))) return stop(loaded.diagnostics);

  const mesh = buildModel(loaded.document);
  const meshDir = dirname(resolve(options.meshFile));
  const pki = await pkiStage(mesh, options);
  if (hasErrors(finish(pki.diagnostics, options.strict))) return { ...stop([...loaded.diagnostics, ...pki.diagnostics]), mesh };
  const at = (path: YamlPath, which?: 'value' | 'key') => ({ file: loaded.source.file, position: positionOf(loaded.source, path, which) });
  const creds =
    mesh.secretsMode === 'plain'
      ? readCredentials({ mesh, readClusters: clustersRead(mesh), meshDir, env: options.env ?? process.env, at })
      : { credentials: new Map(), diagnostics: [] };
  const rendered = renderMesh({ mesh, sourceLabel: sourceLabel(options.meshFile, options.outDir), credentials: creds.credentials, caMaterial: pki.material });
  const files = withManifest(rendered.files);
  const emitted = diffOutput(options.outDir, files, options.check ?? false);

  const diagnostics = finish([...loaded.diagnostics, ...pki.diagnostics, ...creds.diagnostics, ...rendered.diagnostics, ...emitted.diagnostics], options.strict);
  const result: BuildResult = {
    ok: !hasErrors(diagnostics),
    diagnostics,
    sources,
    mesh,
    files,
    diff: emitted.diff,
    remoteSecrets: rendered.remoteSecrets,
    pki: { dir: pkiDirDisplay(mesh, options.meshFile), created: pki.writes.map((w) => relative(resolve(meshDir, mesh.pki.dir), w.path).split(sep).join('/')) },
  };
  if (!result.ok) return result;

  if (options.check) {
    result.ok = emitted.diff.changes.every((c) => c.kind === 'unchanged');
    return result;
  }
  // CA material first: out/ must never hold certificates whose keys were not kept.
  await commitPkiWrites(pki.writes);
  const writeProblems = writeOutput(options.outDir, files, emitted.diff);
  if (writeProblems.length) return { ...result, ok: false, diagnostics: sortDiagnostics([...diagnostics, ...writeProblems]) };
  return result;
}

/**
 * pki: the shared root and one intermediate per cluster that runs istiod. A build may
 * create what is missing; --check may not (it writes nothing).
 */
function pkiStage(mesh: MeshModel, options: BuildOptions): Promise<PkiPlan> {
  return planPki({
    model: { pki: mesh.pki, clusters: clustersWithCa(mesh) },
    meshDir: dirname(resolve(options.meshFile)),
    pkiDirDisplay: pkiDirDisplay(mesh, options.meshFile),
    allowGenerate: !options.check,
  });
}

/** spec.pki.dir as the user sees it from the current directory, e.g. examples/demo/pki */
export function pkiDirDisplay(mesh: MeshModel, meshFile: string): string {
  return join(dirname(meshFile), mesh.pki.dir);
}

function finish(diagnostics: Diagnostic[], strict: boolean | undefined): Diagnostic[] {
  return sortDiagnostics(strict ? promoteWarnings(diagnostics) : diagnostics);
}

function readMeshFile(meshFile: string): string {
  try {
    return readFileSync(meshFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new UsageError(`cannot read mesh file ${meshFile}: ${reason}`);
  }
}

function sourcesOf(loaded: LoadedMesh): Map<string, string> {
  return new Map([[loaded.source.file, loaded.source.text]]);
}

/** The mesh file as named in generated headers: relative to out/'s parent, so it reads like a repo path. */
export function sourceLabel(meshFile: string, outDir: string): string {
  return relative(dirname(resolve(outDir)), resolve(meshFile)).split(sep).join('/');
}
