import { dirname, join, relative, resolve, sep } from 'node:path';
import { error, hasErrors, promoteWarnings, sortDiagnostics, warning, type Diagnostic } from './diagnostics/diagnostic.js';
import { Codes } from './diagnostics/catalog.js';
import { errorCode, FileTooLargeError, formatBytes, NotRegularFileError, readRegularFile, type Host } from './host/host.js';
import { nodeHost } from './host/node-host.js';
import { nodeAt, parseMeshSource, positionOf, type MeshSource, type YamlPath } from './load/mesh-source.js';
import type { MeshDocument } from './rules/mesh-spec.js';
import { validateSchema } from './validate/schema.js';
import { readExtraManifests, type ExtraManifests } from './load/extra-manifests.js';
import { checkSemantics } from './validate/semantics.js';
import { buildModel, type MeshModel } from './model/mesh-model.js';
import { planMesh, type MeshPlan } from './plan/mesh-plan.js';
import { checkUpgradeTransition, type PreviousUpgrade, type TransitionProblem } from './plan/upgrade-transition.js';
import { carriesPrivateMaterial, isEncrypted } from './plan/secret-delivery.js';
import { certsStatus as inspectCertificates, formatCertsStatus, pkiDirProblems, planPki, type PkiModel, type PkiPlan } from './pki/index.js';
import { pkiLayout } from './pki/layout.js';
import { slotDirectories } from './rules/pki-intermediates.js';
import { certManagerStatusText, readCertManagerRoot } from './pki/cert-manager-root.js';
import { fingerprintKeyFile } from './pki/fingerprint-key.js';
import { planPkiWithRotation, type RotationPkiPlan } from './pki/rotation.js';
import { certsStatusWithRotation, formatRotationStatus } from './pki/rotation-status.js';
import { rotateIntermediate } from './pki/rotation-intermediate.js';
import { readCredentials, type ClusterCredentials } from './credentials/read-credentials.js';
import { readSealingCerts, type SealingCert } from './credentials/sealing-certs.js';
import type { EncryptedSecret, PendingEncryption } from './render/secrets/encrypt-secrets.js';
import type { OutputFile } from './resource/output-files.js';
import { OwnedTree } from './host/owned-tree.js';
import { diffOutput, withManifest, type OutputDiff } from './emit/out-dir.js';
import { publish } from './emit/publish.js';
import { loadStatCache, saveStatCache } from './emit/stat-cache.js';
import { openWorkspace, type Workspace } from './emit/workspace.js';
import type { OutputSet } from './resource/output-files.js';
import { removalWarnings } from './emit/removal-warnings.js';
import { parseReview, reviewFacts, reviewSummary, type ReviewFacts } from './emit/summary.js';
import { MANIFEST_PATH, manifestReview, parseManifest } from './emit/manifest.js';
import { UsageError } from './usage-error.js';

// The compiler, stage by stage:
//
//   load → validate → model → plan → pki → credentials → render → emit (diff, then write or check)
//
// `build` runs them all; `validate` stops after validate; `certs status` runs load, validate,
// model and plan and then inspects what the pki stage would read. Every stage returns
// diagnostics; the first stage that reports an error ends the run, and nothing is written
// unless the whole run is clean. The filesystem, environment and clock come from the Host.

export { UsageError };

export interface BuildOptions {
  /** path of mesh.yaml as the user gave it */
  meshFile: string;
  outDir: string;
  check?: boolean;
  strict?: boolean;
  /** where reader.tokenEnv variables are looked up, when no host is given; default process.env */
  env?: NodeJS.ProcessEnv;
  /** how long to wait for another build that holds the lock of out/ or pki/; default 10 s */
  lockTimeoutMs?: number;
  /** also make the review summary (Markdown): this build compared with the manifest in --out */
  summary?: boolean;
  /** meshgen's version, recorded in the stat cache (a cache of another version is not used); default "dev" */
  meshgenVersion?: string;
  /** what the build is doing, for a progress line (the CLI shows it on a terminal) */
  progress?: (event: BuildProgress) => void;
}

export type BuildProgress = { stage: 'keys'; keys: number } | { stage: 'render'; done: number; total: number } | { stage: 'compare' } | { stage: 'write' };

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** text of the files diagnostics point into, for code frames */
  sources: Map<string, string>;
  mesh?: MeshModel;
  plan?: MeshPlan;
  files?: OutputSet;
  diff?: OutputDiff;
  remoteSecrets?: { rendered: number; notRendered: number };
  /** secrets.mode sops, sealed-secrets: each encrypted Secret and whether it was kept or encrypted anew */
  encryptedSecrets?: EncryptedSecret[];
  /** CA files this build created, relative to spec.pki.dir, and how to show that directory */
  pki?: { dir: string; created: string[] };
  /** what this build finished of a build that was interrupted before it */
  recovered?: { outFiles: number; pkiFiles: string[] };
  /** CA files (relative to spec.pki.dir) kept although out/ could not be written: see publish.ts */
  pkiKept?: string[];
  /** with `summary`: the review summary, Markdown */
  summary?: string;
}

export interface CertsStatusResult {
  ok: boolean;
  text?: string;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export async function build(options: BuildOptions, host: Host = nodeHost(options.env)): Promise<BuildResult> {
  const held: Workspace[] = [];
  try {
    return await buildStages(options, host, held);
  } finally {
    for (const workspace of held) workspace.release();
  }
}

async function buildStages(options: BuildOptions, host: Host, held: Workspace[]): Promise<BuildResult> {
  const run = new Run(options.strict);
  const loaded = run.add(loadStage(host, options.meshFile));
  const sources = sourcesOf(loaded.source, loaded.extraManifests);
  if (run.failed || !loaded.document) return run.result({ sources });
  const mesh = buildModel(loaded.document);
  const plan = planMesh(mesh);
  run.add(pkiDirStage(host, options.meshFile, loaded.source!, mesh, plan, options.outDir));
  if (run.failed) return run.result({ sources, mesh, plan });
  // out/ and pki/ locked, and what a killed build left in them finished or removed, before they are read
  const pkiTarget = { dir: pkiLayout(meshDirOf(options.meshFile), mesh.pki.dir, pkiDirDisplay(mesh, options.meshFile)).dir, display: pkiDirDisplay(mesh, options.meshFile) };
  const workspace = run.add(await openWorkspace(host, { outDir: options.outDir, pki: pkiTarget, primaries: plan.primaries.map((p) => p.name), intermediates: plan.intermediates, check: options.check ?? false, lockTimeoutMs: options.lockTimeoutMs }));
  held.push(workspace);
  const recovered = workspace.recovered;
  if (run.failed) return run.result({ sources, mesh, plan, recovered });
  const progress = options.progress ?? (() => {});
  // pki.provider cert-manager: no CA in pki/, only the public root the issuer chains to
  const pki: RotationPkiPlan & { fingerprintKey?: Buffer } = run.add(mesh.pki.provider === 'cert-manager' ? certManagerRootStage(host, options.meshFile, loaded.source!, mesh, { plan, allowGenerate: !options.check }) : await pkiStage(host, options.meshFile, loaded.source!, mesh, plan, { allowGenerate: !options.check, outDir: options.outDir, onGenerate: (keys) => progress({ stage: 'keys', keys }) }));
  if (run.failed) return run.result({ sources, mesh, plan, recovered });
  const credentials = run.add(credentialsStage(host, options.meshFile, loaded.source!, plan));
  const sealing = run.add(readSealingCerts({ host, clusters: plan.clusters, meshDir: meshDirOf(options.meshFile), at: atIn(loaded.source!) }));
  if (run.failed) return run.result({ sources, mesh, plan, recovered });
  // loaded only by a build: the renderers pull in cdk8s, which validate and certs status never need
  const { renderMesh } = await import('./render/render-mesh.js');
  const rendered = run.add(renderMesh({ mesh, plan, sourceLabel: sourceLabel(options.meshFile, options.outDir), credentials: credentials.credentials, caMaterial: pki.material, trustRootPem: pki.rootCertPem, rotationRoots: pki.rotation, extraManifests: loaded.extraManifests?.byCluster, renderPrivate: !options.check, onCluster: (done, total) => progress({ stage: 'render', done, total }), fingerprintKeyFile: pki.fingerprintKey }));
  const encrypted = await encryptStage(host, options, rendered.pending, sealing.certs);
  for (const file of encrypted.files) rendered.files.set(file.path, file);
  progress({ stage: 'compare' });
  // the facts the review summary compares are recorded in the manifest (emit/summary.ts)
  const review = reviewFacts(mesh, plan, pki.material);
  const files = withManifest(rendered.files, review);
  // the stat cache lets unchanged files be compared by hash, unread (emit/stat-cache.ts)
  const statCache = loadStatCache(host, options.outDir, options.meshgenVersion ?? 'dev');
  const emitted = run.add(compareWithOut(host, options.outDir, files, { checkOnly: options.check ?? false, clusters: mesh.clusters.map((c) => c.name), cache: statCache }));
  run.add({ diagnostics: removalWarnings(emitted.diff, plan) });
  // spec.istio.upgrade: no phase skipped since the build out/ holds (its manifest, as the comparison read it)
  run.add(upgradeTransitionStage(previousManifestText(emitted.diff, files), loaded.source!, mesh));

  const pkiCreated = pki.writes.map((w) => relative(pkiTarget.dir, w.path).split(sep).join('/'));
  const summary = options.summary ? summaryOf(emitted.diff, files, review, plan, mesh.name) : undefined;
  const result = run.result({ sources, mesh, plan, files, diff: emitted.diff, remoteSecrets: rendered.remoteSecrets, encryptedSecrets: encrypted.secrets, pki: { dir: pkiTarget.display, created: pkiCreated }, recovered, ...(summary !== undefined ? { summary } : {}) });
  if (!result.ok) return result;
  if (options.check) return { ...result, ok: isUpToDate(emitted.diff) };

  // everything staged first, then CA material committed, then out/: see emit/publish.ts
  progress({ stage: 'write' });
  const published = run.add(publish(host, { outDir: options.outDir, files, diff: emitted.diff, pki: { target: pkiTarget, writes: pki.writes } }));
  if (statCache && !hasErrors(published.diagnostics)) saveStatCache(host, options.outDir, statCache, files, emitted.diff);
  return run.result({ ...result, pkiKept: published.pkiKept });
}

/** The review summary: the manifest on disk before this build (from the diff), then this build's. */
function summaryOf(diff: OutputDiff, files: OutputSet, review: ReviewFacts, plan: MeshPlan, meshName: string): string {
  const baseText = previousManifestText(diff, files);
  const base = baseText === undefined ? undefined : { files: parseManifest(baseText) ?? [], review: parseReview(manifestReview(baseText)) };
  return reviewSummary(base, { files: [...files.keys()].filter((p) => p !== MANIFEST_PATH), review }, plan, meshName);
}

/** The manifest out/ held before this build, as the comparison found it; undefined where there was none. */
function previousManifestText(diff: OutputDiff, files: OutputSet): string | undefined {
  const change = diff.changes.find((c) => c.path === MANIFEST_PATH);
  return change?.kind === 'changed' ? change.before : change?.kind === 'unchanged' ? files.get(MANIFEST_PATH)?.content : undefined;
}

/** What `--check` passes on: nothing to add, change or remove, no stranger in an owned directory, no publication pending. */
export function isUpToDate(diff: OutputDiff): boolean {
  return diff.changes.every((c) => c.kind === 'unchanged') && diff.unknown.length === 0 && !diff.interrupted;
}

/** load + validate: the mesh file, checked for syntax, shape and meaning. */
export function validate(options: { meshFile: string; strict?: boolean }, host: Host = nodeHost()): BuildResult {
  const run = new Run(options.strict);
  const loaded = run.add(loadStage(host, options.meshFile));
  const mesh = !run.failed && loaded.document ? buildModel(loaded.document) : undefined;
  return run.result({ sources: sourcesOf(loaded.source, loaded.extraManifests), mesh });
}

/** `meshgen certs status`: the mesh's CA certificates and whether each one verifies. */
export function certsStatus(meshFile: string, host: Host = nodeHost()): CertsStatusResult {
  const loaded = loadStage(host, meshFile);
  const sources = sourcesOf(loaded.source);
  if (!loaded.document || hasErrors(loaded.diagnostics)) return { ok: false, diagnostics: loaded.diagnostics.filter((d) => d.severity === 'error'), sources };
  const mesh = buildModel(loaded.document);
  const plan = planMesh(mesh);
  if (mesh.pki.provider === 'cert-manager') {
    const root = certManagerRootStage(host, meshFile, loaded.source!, mesh);
    const ok = !hasErrors(root.diagnostics) && root.rootCertPem !== undefined;
    const text = ok ? certManagerStatusText(root.rootCertPem!, join(dirname(meshFile), mesh.pki.certManager!.rootCertFile!), host.now(), plan.primaries.map((p) => p.name)) : undefined;
    return { ok, text, diagnostics: root.diagnostics, sources };
  }
  // with spec.pki.rotation: root B and its intermediates too, and whether each primary fits the phase
  const { rows, diagnostics, rotation } = certsStatusWithRotation({ host, model: pkiModelOf(mesh, plan), meshDir: meshDirOf(meshFile), pkiDirDisplay: pkiDirDisplay(mesh, meshFile), ...withIntermediatesAt(loaded.source!) }, plan.rotation);
  const text = [rows.length ? formatCertsStatus(rows) : undefined, rotation ? formatRotationStatus(rotation) : undefined].filter((t) => t !== undefined).join('\n\n');
  return { ok: !hasErrors(diagnostics) && rows.every((r) => r.verifies), text: text || undefined, diagnostics: sortDiagnostics(diagnostics), sources };
}

/**
 * `meshgen certs rotate-intermediate <cluster>`: a new intermediate for one primary under the
 * same root; the old one is retired beside it. Writes only pki/; the next build renders the change.
 */
export async function certsRotateIntermediate(meshFile: string, cluster: string, host: Host = nodeHost()): Promise<CertsStatusResult> {
  const loaded = loadStage(host, meshFile);
  const sources = sourcesOf(loaded.source);
  if (!loaded.document || !loaded.source || hasErrors(loaded.diagnostics)) return { ok: false, diagnostics: loaded.diagnostics.filter((d) => d.severity === 'error'), sources };
  const mesh = buildModel(loaded.document);
  const plan = planMesh(mesh);
  const source = loaded.source;
  const result = await rotateIntermediate({
    host,
    model: pkiModelOf(mesh, plan),
    meshDir: meshDirOf(meshFile),
    pkiDirDisplay: pkiDirDisplay(mesh, meshFile),
    cluster,
    ...(mesh.pki.rotation ? { rotationAt: { file: source.file, position: positionOf(source, ['spec', 'pki', 'rotation'], 'key') } } : {}),
    ...withIntermediatesAt(source),
  });
  const text = result.retired
    ? `cluster ${cluster}: new intermediate in ${result.created?.map((f) => f.split('/').pop()).join(', ')} under ${pkiDirDisplay(mesh, meshFile)}/${cluster}/; the old one is kept in ${result.retired}/\nnow run meshgen build: it changes ${cluster}'s certs/ and its cacerts, nothing else`
    : undefined;
  return { ok: !hasErrors(result.diagnostics), text, diagnostics: result.diagnostics, sources };
}

// --- the stages -------------------------------------------------------------------------------

export interface LoadedMesh {
  /** absent when the file was not parsed (it is too large) */
  source?: MeshSource;
  /** present when the file passed the schema; semantic errors may still be in `diagnostics` */
  document?: MeshDocument;
  /** clusters[].extraManifests, read once the mesh file is clean */
  extraManifests?: ExtraManifests;
  diagnostics: Diagnostic[];
}

/** load, then validate: syntax, then the schema, then meaning; each step only on a clean previous one. */
export function loadStage(host: Host, meshFile: string): LoadedMesh {
  const text = readMeshFile(host, meshFile);
  if (typeof text !== 'string') return { diagnostics: [text] };
  const { source, diagnostics } = parseMeshSource(meshFile, text);
  if (hasErrors(diagnostics)) return { source, diagnostics };
  // aliases were checked by the load stage (defined before use, no cycle, bounded expansion)
  const value = source.doc.toJS({ maxAliasCount: -1 }) as unknown;
  const schemaProblems = validateSchema(source, value);
  if (hasErrors(schemaProblems)) return { source, diagnostics: schemaProblems };
  const document = value as MeshDocument;
  const semantics = checkSemantics(source, document, host.now());
  if (hasErrors(semantics)) return { source, document, diagnostics: semantics };
  const extraManifests = readExtraManifests(host, meshFile, source, document);
  return { source, document, extraManifests, diagnostics: [...semantics, ...extraManifests.diagnostics] };
}

const PKI_DIR_PATH: YamlPath = ['spec', 'pki', 'dir'];

/**
 * pki: the shared root and one intermediate per primary. A build may create what is missing;
 * --check may not (it writes nothing). Planning writes nothing: the build commits the writes.
 */
function pkiStage(host: Host, meshFile: string, source: MeshSource, mesh: MeshModel, plan: MeshPlan, options: { allowGenerate: boolean; outDir: string; onGenerate?: (keys: number) => void }): Promise<RotationPkiPlan> {
  return planPkiWithRotation({
    // spec.pki.rotation: root B's material, and each primary's bundle and intermediate for the phase
    rotation: plan.rotation,
    phaseAt: { file: source.file, position: positionOf(source, ['spec', 'pki', 'rotation', 'phase'], 'value') },
    host,
    model: pkiModelOf(mesh, plan),
    meshDir: meshDirOf(meshFile),
    pkiDirDisplay: pkiDirDisplay(mesh, meshFile),
    allowGenerate: options.allowGenerate,
    onGenerate: options.onGenerate,
    // a build writes each primary's cacerts Secret, which needs the intermediate's key; --check does not
    requireKeys: options.allowGenerate && plan.clusters.some((p) => carriesPrivateMaterial(p.cacerts)),
    ...withIntermediatesAt(source),
    ...pkiPlace(meshFile, source, mesh, options.outDir),
  });
}

/**
 * A canary upgrade's phase change, checked against the facts the last build recorded in
 * out/.meshgen-manifest.json (plan/upgrade-transition.ts). No manifest, or an unreadable one,
 * checks nothing: emit's comparison reports what is wrong with it.
 */
function upgradeTransitionStage(text: string | undefined, source: MeshSource, mesh: MeshModel): { diagnostics: Diagnostic[] } {
  if (text === undefined || parseManifest(text) === undefined) return { diagnostics: [] };
  const review = parseReview(manifestReview(text));
  if (!review) return { diagnostics: [] };
  const phase = review.upgrade;
  const previous: PreviousUpgrade = {
    ...(phase === 'canary' || phase === 'migrate' || phase === 'finalize' ? { phase } : {}),
    ...(isControlPlane(review.upgradeRevisions?.from) ? { from: review.upgradeRevisions!.from } : {}),
    ...(isControlPlane(review.upgradeRevisions?.to) ? { to: review.upgradeRevisions!.to } : {}),
  };
  const at = atIn(source);
  const codes = { skip: Codes.UpgradePhaseSkipped, 'target-changed': Codes.UpgradeTargetChanged, 'source-changed': Codes.UpgradeSourceChanged } as const;
  const paths: Record<TransitionProblem['path'], YamlPath> = {
    phase: ['spec', 'istio', 'upgrade', 'phase'],
    'upgrade.version': ['spec', 'istio', 'upgrade', 'version'],
    'upgrade.revision': ['spec', 'istio', 'upgrade', 'revision'],
    version: ['spec', 'istio', 'version'],
    revision: nodeAt(source, ['spec', 'istio', 'revision']) ? ['spec', 'istio', 'revision'] : ['spec', 'istio', 'version'],
  };
  const diagnostics = checkUpgradeTransition(previous, mesh).map((p) => error(codes[p.kind], p.message, { ...at(paths[p.path]), hint: p.hint }));
  // a tree built before a revisioned istiod was named istiod-<revision> (chart-releases.ts, istiodReleaseName)
  const renamed = !mesh.istio.upgrade && mesh.istio.revision && Object.values(review.clusters ?? {}).some((c) => (c?.releases ?? []).some((r) => r?.release === 'istiod' && r?.chart === 'istiod' && r?.revision === mesh.istio.revision));
  if (renamed) {
    diagnostics.push(
      warning(Codes.IstiodReleaseRenamed, `istiod with revision ${mesh.istio.revision} was the Helm release istiod; it is now istiod-${mesh.istio.revision}`, {
        ...at(paths.revision),
        hint: `both releases render the same objects, which Helm lets one release own: remove the release istiod (helm uninstall istiod -n istio-system, or let the GitOps tool prune it) before istiod-${mesh.istio.revision} is installed; running pods keep their certificates meanwhile`,
      }),
    );
  }
  return { diagnostics };
}

function isControlPlane(value: unknown): value is { version: string; revision: string } {
  return typeof (value as { version?: unknown } | undefined)?.version === 'string' && typeof (value as { revision?: unknown }).revision === 'string';
}

const CERT_MANAGER_ROOT_PATH: YamlPath = ['spec', 'pki', 'certManager', 'rootCertFile'];

/**
 * pki with provider cert-manager: the root the issuer chains to, read and checked; no CA is
 * generated. With remote secrets encrypted (sops, sealed-secrets) and so no CA key to key their
 * fingerprints: pki/fingerprint.key, made by the first build that needs it (pki/fingerprint-key.ts).
 */
function certManagerRootStage(host: Host, meshFile: string, source: MeshSource, mesh: MeshModel, build?: { plan: MeshPlan; allowGenerate: boolean }): RotationPkiPlan & { fingerprintKey?: Buffer } {
  const file = mesh.pki.certManager?.rootCertFile;
  // validation guarantees rootCertFile with provider cert-manager (MG2652)
  if (file === undefined) return { diagnostics: [], material: new Map(), writes: [] };
  const read = readCertManagerRoot({ host, meshDir: meshDirOf(meshFile), file, at: { file: source.file, position: positionOf(source, CERT_MANAGER_ROOT_PATH) } });
  const needsKey = build !== undefined && isEncrypted(build.plan.remoteSecretDelivery) && build.plan.remoteSecrets.length > 0;
  const key = needsKey ? fingerprintKeyFile({ host, layout: pkiLayout(meshDirOf(meshFile), mesh.pki.dir, pkiDirDisplay(mesh, meshFile)), allowGenerate: build.allowGenerate }) : { writes: [], diagnostics: [] };
  return { diagnostics: [...read.diagnostics, ...key.diagnostics], rootCertPem: read.rootCertPem, material: new Map(), writes: key.writes, ...(key.key ? { fingerprintKey: key.key } : {}) };
}

/**
 * Before out/ and pki/ are locked (which creates files beside them): the pki directory must be
 * a directory, outside out/. Checked again by the pki stage itself, for callers of planPki.
 */
function pkiDirStage(host: Host, meshFile: string, source: MeshSource, mesh: MeshModel, plan: MeshPlan, outDir: string): { diagnostics: Diagnostic[] } {
  const layout = pkiLayout(meshDirOf(meshFile), mesh.pki.dir, pkiDirDisplay(mesh, meshFile));
  return { diagnostics: pkiDirProblems(host, layout, slotDirectories(plan.intermediates), pkiPlace(meshFile, source, mesh, outDir)) };
}

const PKI_INTERMEDIATES_PATH: YamlPath = ['spec', 'pki', 'intermediates'];

/** Where spec.pki.intermediates is in mesh.yaml; undefined when it is not written (then the pki stage names the CA file). */
function intermediatesAt(source: MeshSource) {
  return nodeAt(source, PKI_INTERMEDIATES_PATH) ? { file: source.file, position: positionOf(source, PKI_INTERMEDIATES_PATH) } : undefined;
}

function withIntermediatesAt(source: MeshSource): { intermediatesAt?: Pick<Diagnostic, 'file' | 'position'> } {
  const at = intermediatesAt(source);
  return at ? { intermediatesAt: at } : {};
}

/** Where out/ is, and where spec.pki.dir is in mesh.yaml (the key of its closest parent when the default is used). */
function pkiPlace(meshFile: string, source: MeshSource, mesh: MeshModel, outDir: string) {
  return {
    outDir: { path: resolve(outDir), display: outDir },
    dirAt: { file: source.file, position: positionOf(source, PKI_DIR_PATH, nodeAt(source, PKI_DIR_PATH) ? 'value' : 'key') },
  };
}

/** credentials: the API server CA and reader token of every cluster the plan says is read. */
function credentialsStage(host: Host, meshFile: string, source: MeshSource, plan: MeshPlan): { credentials: Map<string, ClusterCredentials>; diagnostics: Diagnostic[] } {
  if (plan.remoteSecrets.length === 0) return { credentials: new Map(), diagnostics: [] };
  const at = (path: YamlPath, which?: 'value' | 'key') => ({ file: source.file, position: positionOf(source, path, which) });
  return readCredentials({ host, readClusters: plan.readClusters, meshDir: meshDirOf(meshFile), at });
}

/**
 * The private Secrets of secrets.mode sops and sealed-secrets, encrypted, or kept as the
 * previous build committed them when their fingerprint matches (render/secrets/fingerprint.ts).
 * Those files are read here, without following a link; one that cannot be read counts as
 * absent (emit's comparison reports what is wrong with it).
 */
async function encryptStage(host: Host, options: BuildOptions, pending: PendingEncryption[], sealingKeys: Map<string, SealingCert>): Promise<{ files: OutputFile[]; secrets: EncryptedSecret[] }> {
  if (pending.length === 0) return { files: [], secrets: [] };
  const tree = new OwnedTree(host, resolve(options.outDir));
  const previous = new Map<string, string>();
  for (const item of pending) {
    try {
      const text = tree.read(item.path);
      if (text !== undefined) previous.set(item.path, text);
    } catch {
      // unreadable: encrypted anew; the comparison with out/ says why
    }
  }
  const { encryptSecrets } = await import('./render/secrets/encrypt-secrets.js');
  return encryptSecrets({ pending, previous, sealingKeys, now: host.now(), sourceLabel: sourceLabel(options.meshFile, options.outDir) });
}

function atIn(source: MeshSource) {
  return (path: YamlPath, which?: 'value' | 'key') => ({ file: source.file, position: positionOf(source, path, which) });
}

/**
 * emit's comparison reads out/: a file there that cannot be read (no permission, a symbolic
 * link loop, an I/O error) is a diagnostic naming it, not a crash. Only errors with a system
 * error code are caught; writing, and what to do about symbolic links, stay emit's.
 */
function compareWithOut(host: Host, outDir: string, files: OutputSet, options: Parameters<typeof diffOutput>[3]): { diff: OutputDiff; diagnostics: Diagnostic[] } {
  try {
    return diffOutput(host, outDir, files, options);
  } catch (e) {
    const code = errorCode(e);
    if (!code || !/^E[A-Z0-9]+$/.test(code)) throw e;
    const path = (e as { path?: unknown }).path;
    const hint =
      code === 'ELOOP'
        ? 'a symbolic link there points back at itself: remove the link; meshgen writes a regular file in its place'
        : code === 'EACCES' || code === 'EPERM'
          ? 'give the user running meshgen read access to it, or remove it'
          : 'meshgen reads out/ to compare it with the build; nothing in it was changed';
    const file = typeof path === 'string' ? path : outDir;
    return { diff: { changes: [], uncompared: [], unknown: [], interrupted: false, staleStaging: false }, diagnostics: [error(Codes.OutputUnreadable, `cannot be read (${code}), so it cannot be compared with the build`, { file, hint })] };
  }
}

// --- helpers ----------------------------------------------------------------------------------

/** The diagnostics of one run, across stages; under --strict a warning stops the run too. */
class Run {
  private readonly collected: Diagnostic[] = [];
  constructor(private readonly strict: boolean | undefined) {}

  add<T extends { diagnostics: Diagnostic[] }>(stage: T): T {
    this.collected.push(...stage.diagnostics);
    return stage;
  }

  get failed(): boolean {
    return hasErrors(this.diagnostics);
  }

  get diagnostics(): Diagnostic[] {
    return sortDiagnostics(this.strict ? promoteWarnings(this.collected) : this.collected);
  }

  result(parts: Omit<BuildResult, 'ok' | 'diagnostics'>): BuildResult {
    const diagnostics = this.diagnostics;
    return { ...parts, ok: !hasErrors(diagnostics), diagnostics };
  }
}

function pkiModelOf(mesh: MeshModel, plan: MeshPlan): PkiModel {
  // ambient namespaces across clusters trust only one root (MG2905, issue #17)
  const ambient = plan.clusters.some((p) => p.ambient?.globalNamespaces.length) && plan.primaries.length > 1;
  return { pki: mesh.pki, clusters: plan.primaries, intermediates: plan.intermediates, ...(ambient ? { sharedRootRequiredBy: `the ambient namespaces ${plan.clusters.find((p) => p.ambient)!.ambient!.globalNamespaces.join(', ')}` } : {}) };
}

function meshDirOf(meshFile: string): string {
  return dirname(resolve(meshFile));
}

/** spec.pki.dir as the user sees it from the current directory, e.g. examples/demo/pki */
export function pkiDirDisplay(mesh: MeshModel, meshFile: string): string {
  return join(dirname(meshFile), mesh.pki.dir);
}

/**
 * mesh.yaml's limit: a mesh of a hundred clusters is about 20 KiB, so 1 MiB leaves room for
 * any real mesh while keeping a wrong path (a log file, a disk image) from being parsed.
 */
export const MESH_FILE_LIMIT = 1024 * 1024;

/** The text of mesh.yaml; a diagnostic when it is too large; a usage error when it is not a readable regular file. */
function readMeshFile(host: Host, meshFile: string): string | Diagnostic {
  try {
    return readRegularFile(host, resolve(meshFile), MESH_FILE_LIMIT);
  } catch (e) {
    if (e instanceof FileTooLargeError) {
      return error(Codes.FileTooLarge, `the mesh file is larger than ${formatBytes(MESH_FILE_LIMIT)}`, {
        file: meshFile,
        position: { line: 1, col: 1, length: 1 },
        hint: 'is this the mesh file? A mesh of a hundred clusters is about 20 KiB',
      });
    }
    const code = errorCode(e);
    const reason =
      e instanceof NotRegularFileError
        ? `it is not a regular file (${e.what})`
        : code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'it is a directory'
            : code === 'EACCES' || code === 'EPERM'
              ? 'permission denied'
              : code === 'ELOOP'
                ? 'too many levels of symbolic links'
                : code === 'ENOTDIR'
                  ? 'a part of its path is not a directory'
                  : code ?? (e as Error).message;
    throw new UsageError(`cannot read mesh file ${meshFile}: ${reason}`);
  }
}

function sourcesOf(source: MeshSource | undefined, extra?: ExtraManifests): Map<string, string> {
  const sources = source ? new Map([[source.file, source.text]]) : new Map<string, string>();
  for (const [file, text] of extra?.sources ?? []) sources.set(file, text);
  return sources;
}

/** The mesh file as named in generated headers: relative to out/'s parent, so it reads like a repo path. */
export function sourceLabel(meshFile: string, outDir: string): string {
  return relative(dirname(resolve(outDir)), resolve(meshFile)).split(sep).join('/');
}
