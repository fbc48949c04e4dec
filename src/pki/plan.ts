import path from 'node:path';
import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { MeshModel } from '../model/mesh-model.js';
import type { Host } from '../host/host.js';
import { createCaMaterial, signerOf, type CreatedCa } from './generate.js';
import {
  absolutePath,
  CA_CERT,
  CA_KEY,
  CERT_CHAIN,
  CERT_FILE_MODE,
  displayPath,
  KEY_FILE_MODE,
  pkiLayout,
  regenerateSlotHint,
  ROOT_CERT,
  ROOT_KEY,
  type PkiLayout,
} from './layout.js';
import { exists, readPkiFiles, textOf } from './load.js';
import { Codes } from '../diagnostics/catalog.js';
import { inspectPki, type Inspection } from './verify.js';
import { sharedRootProblems } from './shared-root.js';
import { intermediateSlots, keepsRootCopy, slotDirectories, slotFile, slotOwner, type IntermediateSlot } from '../rules/pki-intermediates.js';
import { duplicateIntermediateWarnings, pointAtSharedIntermediate, sharedIntermediateMissing } from './shared-intermediate.js';

// The PKI stage: read what exists, check it, and create what is missing.
// Planning writes nothing; the build commits `writes` only when every stage succeeded.

export interface ClusterCaMaterial {
  cluster: string;
  /** LF, as on disk */
  rootCertPem: string;
  caCertPem: string;
  certChainPem: string;
  /** undefined when the key file is absent (e.g. a CI checkout holding only public certs) */
  caKeyPem?: string;
}

export interface PendingWrite {
  /** absolute */
  path: string;
  content: string;
  /** 0o600 for keys, 0o644 for certificates */
  mode: number;
}

export interface PkiPlan {
  diagnostics: Diagnostic[];
  rootCertPem?: string;
  /** by cluster name, for every cluster of the mesh that has (or will get) material */
  material: Map<string, ClusterCaMaterial>;
  /** new files only, never an existing one; empty when nothing needs generating */
  writes: PendingWrite[];
}

/** What the PKI stage reads from the model; a MeshModel is one. */
export interface PkiModel {
  pki: MeshModel['pki'];
  clusters: readonly { name: string }[];
  /** the plan's intermediates (MeshPlan.intermediates); default: one per cluster, in its own directory */
  intermediates?: readonly IntermediateSlot[];
  /** what needs every intermediate to chain to the one shared root (ambient across clusters), for MG2905 */
  sharedRootRequiredBy?: string;
}

export interface PlanPkiInput {
  host: Host;
  model: PkiModel;
  /** absolute directory of mesh.yaml; model.pki.dir is relative to it */
  meshDir: string;
  /** how diagnostics show the pki dir, e.g. "examples/demo/pki" */
  pkiDirDisplay: string;
  /** false for validate and build --check: missing material is then an error (missing key files are not) */
  allowGenerate: boolean;
  /**
   * A build that renders cacerts Secrets (secrets.mode plain): an intermediate certificate
   * without its key is then an error, not a Secret silently left out. Only --check runs without keys.
   */
  requireKeys?: boolean;
  /** the build's output directory: spec.pki.dir may not be inside it (its keys would be published) */
  outDir?: { path: string; display: string };
  /** where spec.pki.dir is in mesh.yaml (or where it would be), for problems with the directory itself */
  dirAt?: Pick<Diagnostic, 'file' | 'position'>;
  /** told before new keys are generated (how many): the slow part of a first build */
  onGenerate?: (keys: number) => void;
  /** where spec.pki.intermediates is in mesh.yaml, when it is written: problems of the layout it chose point there */
  intermediatesAt?: Pick<Diagnostic, 'file' | 'position'>;
}

/** The intermediates the pki stage reads and creates: the plan's, or one per cluster. */
export function slotsOf(model: PkiModel): readonly IntermediateSlot[] {
  return model.intermediates ?? intermediateSlots('per-cluster', model.clusters.map((c) => c.name));
}

export async function planPki(input: PlanPkiInput): Promise<PkiPlan> {
  const now = input.host.now();
  const { model } = input;
  const layout = pkiLayout(input.meshDir, model.pki.dir, input.pkiDirDisplay);
  // before anything is read or generated: key generation takes seconds, and its result could not be kept
  const slots = slotsOf(model);
  const location = pkiDirProblems(input.host, layout, slotDirectories(slots), input);
  if (location.length) return { diagnostics: location, material: new Map(), writes: [] };
  const files = readPkiFiles(input.host, layout, slots);
  const inspection = inspectPki(files, layout, now);
  const { root } = inspection;
  const diagnostics = [...inspection.diagnostics, ...duplicateIntermediateWarnings(inspection, layout, input.intermediatesAt)];
  if (model.sharedRootRequiredBy) diagnostics.push(...sharedRootProblems(inspection, layout, model.sharedRootRequiredBy));
  const newClusters = inspection.clusters.filter((c) => c.state === 'absent').map((c) => c.cluster);

  if (input.requireKeys) diagnostics.push(...missingIntermediateKeys(inspection, layout));

  let created: CreatedCa | undefined;
  if (hasError(diagnostics)) {
    // nothing is generated for a run that fails anyway
  } else if (!input.allowGenerate) {
    diagnostics.push(...missingMaterialErrors(inspection, layout));
  } else {
    if (root.state === 'present' && newClusters.length > 0 && !exists(files.root.key)) {
      const shared = inspection.clusters.find((c) => c.slot.shared && c.state === 'absent');
      // a flat intermediate at the top of a per-cluster directory: a step-ca directory adopted without pki.intermediates: shared
      const flat = !shared && kindOfQuietly(input.host, absolutePath(layout, CA_CERT)) === 'file';
      diagnostics.push(shared ? sharedIntermediateMissing(layout, shared.slot, input.intermediatesAt) : rootKeyMissing(layout, newClusters, flat));
    }
    // New intermediates are signed only by a root that passed every check.
    const signer = root.sound && root.certificate && root.key ? signerOf(root.certificate.text, root.key) : undefined;
    const newRoot = root.state === 'absent';
    if (newRoot || (signer && newClusters.length > 0)) {
      input.onGenerate?.((newRoot ? 1 : 0) + newClusters.length);
      created = await createCaMaterial({
        newRoot: newRoot ? model.pki.root : undefined,
        signer,
        intermediates: newClusters.map((cluster) => ({ cluster, profile: model.pki.intermediate })),
        now,
        keyType: model.pki.keyType,
      });
    }
  }

  // Keys before certificates: if a run is cut short, the next one finds a key without its
  // certificate and says so, rather than a certificate whose key is lost.
  const writes: PendingWrite[] = [];
  const write = (file: string, content: string, mode: number) => writes.push({ path: absolutePath(layout, file), content, mode });

  let rootCertPem = textOf(files.root.cert);
  if (created?.root) {
    rootCertPem = created.root.certPem;
    write(ROOT_KEY, created.root.keyPem, KEY_FILE_MODE);
    write(ROOT_CERT, created.root.certPem, CERT_FILE_MODE);
  }

  // every primary of a slot gets the slot's material: a shared intermediate's is the same for all
  const material = new Map<string, ClusterCaMaterial>();
  const setMaterial = (slot: IntermediateSlot, m: Omit<ClusterCaMaterial, 'cluster'>) => {
    for (const cluster of slot.clusters) material.set(cluster, { cluster, ...m });
  };
  for (const { cluster, slot, state, files: existing } of inspection.clusters) {
    const file = (name: string) => slotFile(slot, name);
    const made = created?.intermediates.get(cluster);
    if (made && rootCertPem !== undefined) {
      const certChainPem = made.certPem + rootCertPem;
      write(file(CA_KEY), made.keyPem, KEY_FILE_MODE);
      write(file(CA_CERT), made.certPem, CERT_FILE_MODE);
      write(file(CERT_CHAIN), certChainPem, CERT_FILE_MODE);
      // the shared intermediate's root-cert.pem is the root itself
      if (keepsRootCopy(slot)) write(file(ROOT_CERT), rootCertPem, CERT_FILE_MODE);
      setMaterial(slot, { rootCertPem, caCertPem: made.certPem, certChainPem, caKeyPem: made.keyPem });
      continue;
    }
    const caCertPem = textOf(existing.caCert);
    if (state !== 'present' || caCertPem === undefined) continue;
    let certChainPem = textOf(existing.certChain);
    let clusterRootPem = textOf(existing.rootCert);
    // The two derived files can be restored from the others without touching a key.
    if (input.allowGenerate && rootCertPem !== undefined) {
      if (!exists(existing.certChain)) {
        certChainPem = caCertPem + rootCertPem;
        write(file(CERT_CHAIN), certChainPem, CERT_FILE_MODE);
      }
      if (!exists(existing.rootCert) && keepsRootCopy(slot)) {
        clusterRootPem = rootCertPem;
        write(file(ROOT_CERT), clusterRootPem, CERT_FILE_MODE);
      }
    }
    if (certChainPem === undefined || clusterRootPem === undefined) continue;
    setMaterial(slot, { rootCertPem: clusterRootPem, caCertPem, certChainPem, caKeyPem: textOf(existing.caKey) });
  }

  return { diagnostics: sortDiagnostics(pointAtSharedIntermediate(diagnostics, layout, slots, input.intermediatesAt)), rootCertPem, material, writes };
}

/** When this run may not create files: everything absent that a build would create. */
export function missingMaterialErrors(inspection: Inspection, layout: PkiLayout): Diagnostic[] {
  const hint = 'run meshgen build to create it';
  const missing = (file: string, message: string) => error(Codes.MaterialMissing, message, { file: displayPath(layout, file), hint });
  const diagnostics: Diagnostic[] = [];
  if (inspection.root.state === 'absent') diagnostics.push(missing(ROOT_CERT, 'root certificate does not exist yet'));
  for (const { cluster, slot, state, files } of inspection.clusters) {
    const owner = slotOwner(slot);
    if (state === 'absent') diagnostics.push(missing(slotFile(slot, CA_CERT), slot.shared ? 'the intermediate shared by every primary does not exist yet' : `cluster "${cluster}" has no CA material yet`));
    if (state !== 'present') continue;
    if (!exists(files.certChain)) diagnostics.push(missing(slotFile(slot, CERT_CHAIN), `certificate chain ${owner} is missing`));
    if (keepsRootCopy(slot) && !exists(files.rootCert)) diagnostics.push(missing(slotFile(slot, ROOT_CERT), `root certificate copy ${owner} is missing`));
  }
  return diagnostics;
}

function hasError(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Problems with the pki directory itself, found before anything is read: a file where the
 * directory (or a cluster's directory) should be, or a directory inside out/.
 */
export function pkiDirProblems(host: Host, layout: PkiLayout, clusters: readonly string[], options: Pick<PlanPkiInput, 'outDir' | 'dirAt'> = {}): Diagnostic[] {
  const at = options.dirAt ?? {};
  const problems: Diagnostic[] = [];
  if (options.outDir) {
    const relative = path.relative(path.resolve(options.outDir.path), layout.dir);
    if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
      problems.push(
        error(Codes.PkiDirInsideOut, `spec.pki.dir (${layout.display}) is ${relative === '' ? 'the output directory' : `inside the output directory ${options.outDir.display}`}, so the CA keys would be published with it`, {
          ...at,
          hint: `keep CA material beside out/, not in it: set spec.pki.dir to a directory outside ${options.outDir.display} (the default is pki, next to mesh.yaml), or build into another --out`,
        }),
      );
    }
  }
  const kindOf = (dir: string): string | undefined => {
    try {
      return host.stat(dir)?.kind;
    } catch (e) {
      return `unreadable (${(e as { code?: string }).code ?? 'error'})`;
    }
  };
  const rootKind = kindOf(layout.dir);
  if (rootKind !== undefined && rootKind !== 'directory') {
    problems.push(
      error(Codes.PkiDirNotADirectory, `spec.pki.dir (${layout.display}) is ${describeKind(rootKind)}, not a directory`, {
        ...at,
        hint: `move it aside (meshgen creates ${layout.display}/ and the CA material in it), or point spec.pki.dir at the directory that holds root-cert.pem`,
      }),
    );
    return problems;
  }
  if (rootKind === undefined) return problems;
  for (const cluster of clusters) {
    const kind = kindOf(path.join(layout.dir, cluster));
    if (kind === undefined || kind === 'directory') continue;
    problems.push(
      error(Codes.PkiDirNotADirectory, `${displayPath(layout, cluster)} is ${describeKind(kind)}, not the directory of cluster "${cluster}"'s CA material`, {
        file: displayPath(layout, cluster),
        hint: `move it aside; meshgen keeps the cluster's ${CA_CERT}, ${CA_KEY}, ${CERT_CHAIN} and ${ROOT_CERT} in that directory`,
      }),
    );
  }
  return problems;
}

/** What is at a path, for a hint: never follows a link, and an unreadable path is "unknown". */
function kindOfQuietly(host: Host, file: string): string | undefined {
  try {
    return host.lstat(file)?.kind;
  } catch {
    return 'unknown';
  }
}

function describeKind(kind: string): string {
  return kind === 'file' ? 'a file' : kind === 'symlink' ? 'a symbolic link' : kind === 'other' ? 'a special file' : kind;
}

/** For a build that renders cacerts: every existing intermediate needs its key. */
function missingIntermediateKeys(inspection: Inspection, layout: PkiLayout): Diagnostic[] {
  return inspection.clusters
    .filter((c) => c.state === 'present' && !exists(c.files.caKey))
    .map(({ slot }) => {
      const key = displayPath(layout, slotFile(slot, CA_KEY));
      const message = slot.shared ? `intermediate key shared by every primary is missing, so the cacerts Secrets of ${slot.clusters.join(', ')} cannot be written` : `intermediate key of cluster "${slot.id}" is missing, so its cacerts Secret cannot be written`;
      return error(Codes.IntermediateKeyMissing, message, {
        file: key,
        hint: `restore ${key} (only meshgen build --check runs without keys), or give ${slot.shared ? 'the clusters' : 'the cluster'} a new intermediate: ${regenerateSlotHint(layout, slot).replace(/^regenerate with: /, '')}`,
      });
    });
}

function rootKeyMissing(layout: PkiLayout, clusters: string[], flatIntermediate = false): Diagnostic {
  const needs = clusters.length === 1 ? `cluster "${clusters[0]}" needs` : `clusters ${clusters.map((c) => `"${c}"`).join(', ')} need`;
  return error(Codes.RootKeyMissing, `root key is missing, and ${needs} a new intermediate signed by it`, {
    file: displayPath(layout, ROOT_KEY),
    hint: flatIntermediate
      ? `${displayPath(layout, CA_CERT)} is one intermediate at the top of the directory, as step-ca hands it over: to use it for every primary, set spec.pki.intermediates: shared; for an intermediate per cluster, put the root key back at ${displayPath(layout, ROOT_KEY)}`
      : `put the root key back at ${displayPath(layout, ROOT_KEY)}, or sign the intermediate elsewhere and place its files in ${displayPath(layout, clusters[0])}`,
  });
}
