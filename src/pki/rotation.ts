import path from 'node:path';
import { error, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { RotationPlan, RootRef } from '../plan/rotation-plan.js';
import { bundleText } from '../plan/rotation-plan.js';
import { createCaMaterial, signerOf } from './generate.js';
import { absolutePath, CA_CERT, CA_KEY, CERT_CHAIN, CERT_FILE_MODE, clusterFile, displayPath, KEY_FILE_MODE, pkiLayout, ROOT_CERT, ROOT_KEY, type PkiLayout } from './layout.js';
import { exists, readPkiFiles, textOf } from './load.js';
import { missingMaterialErrors, pkiDirProblems, planPki, type ClusterCaMaterial, type PendingWrite, type PkiPlan, type PlanPkiInput } from './plan.js';
import { inspectPki, type Inspection } from './verify.js';
import { parseCertificate } from './x509.js';

// The pki side of a staged root rotation (spec.pki.rotation, see plan/rotation-plan.ts).
//
// Layout: the new root B and the intermediates it signs live in <pki>/rotation.new/, laid out
// exactly as the pki directory itself (Istio's Makefile.selfsigned.mk layout):
//
//   pki/root-cert.pem root-key.pem <cluster>/...                 root A and its intermediates (untouched)
//   pki/rotation.new/root-cert.pem root-key.pem                  root B, created by trust-both
//   pki/rotation.new/<cluster>/ca-cert.pem ca-key.pem cert-chain.pem root-cert.pem
//                                                                intermediates under B, created by sign-with-new
//
// A dot cannot appear in a cluster name (a DNS-1123 label), so rotation.new never collides with
// a cluster's directory. meshgen never moves, replaces or deletes CA material: A stays where it
// is through every phase (it is archived, not deleted); when drop-old has been applied
// everywhere, out/README.md gives the commands that archive A under pki/archive/ and move B up,
// after which spec.pki.rotation is removed and the mesh is built as before.
//
// What istiod reads is the material this module hands to the renderers: cacerts'
// root-cert.pem is the phase's bundle (A‖B, A‖B‖B or B), cert-chain.pem the intermediate's
// chain to its own root. The bundle goes in cacerts rather than meshConfig.caCertificates:
// istiod's reload check and its workload trust bundle both follow cacerts' root-cert.pem
// (pilot/pkg/bootstrap/istio_ca.go), as Istio's cacert_rotation test uses it;
// meshConfig.caCertificates is the channel only where cacerts is not meshgen's to write.

export const ROTATION_DIR = 'rotation.new';
export const ARCHIVE_DIR = 'archive';

export interface RotationState {
  plan: RotationPlan;
  /** root A's PEM, as on disk */
  oldRootPem: string;
  /** root B's PEM (made by this build, or on disk) */
  newRootPem: string;
  /** per primary: the root that signs the intermediate it gets in this phase */
  signers: Map<string, RootRef>;
}

export interface RotationPkiPlan extends PkiPlan {
  rotation?: RotationState;
}

export interface PlanPkiWithRotationInput extends PlanPkiInput {
  rotation?: RotationPlan;
  /** where spec.pki.rotation.phase is in mesh.yaml: a refused phase points there */
  phaseAt?: Pick<Diagnostic, 'file' | 'position'>;
}

export function rotationLayout(layout: PkiLayout): PkiLayout {
  return { dir: path.join(layout.dir, ROTATION_DIR), display: path.join(layout.display, ROTATION_DIR) };
}

/** The pki stage with a rotation: root A's material as always, then B's, then each primary's material for the phase. */
export async function planPkiWithRotation(input: PlanPkiWithRotationInput): Promise<RotationPkiPlan> {
  const base = await planPki(input);
  const rotation = input.rotation;
  if (!rotation || hasErrors(base.diagnostics)) return base;
  const oldRootPem = base.rootCertPem;
  if (oldRootPem === undefined) return base;

  const layout = pkiLayout(input.meshDir, input.model.pki.dir, input.pkiDirDisplay);
  const layoutB = rotationLayout(layout);
  const clusters = input.model.clusters.map((c) => c.name);
  const location = pkiDirProblems(input.host, layoutB, clusters);
  if (location.length) return { ...base, diagnostics: sortDiagnostics([...base.diagnostics, ...location]) };

  const now = input.host.now();
  const inspection = inspectPki(readPkiFiles(input.host, layoutB, clusters), layoutB, now);
  const diagnostics: Diagnostic[] = [...inspection.diagnostics];
  const at = input.phaseAt ?? {};
  const writes: PendingWrite[] = [];
  const write = (file: string, content: string, mode: number) => writes.push({ path: absolutePath(layoutB, file), content, mode });

  // Root B: made by trust-both; every later phase needs it as it is.
  let newRootPem = inspection.root.certificate?.text;
  const newRootKey = inspection.root.key;
  if (inspection.root.state === 'absent') {
    if (rotation.phase !== 'trust-both') {
      diagnostics.push(
        error(Codes.RotationNewRootMissing, `phase ${rotation.phase} needs the new root in ${displayPath(layoutB, ROOT_CERT)}, which does not exist: the trust-both phase comes first`, {
          ...at,
          hint: `set spec.pki.rotation.phase to trust-both, build and apply it in every cluster, then move on (or restore ${layoutB.display}/ if it was moved)`,
        }),
      );
    } else if (!input.allowGenerate) {
      diagnostics.push(...missingMaterialErrors({ ...inspection, clusters: [] }, layoutB));
    } else if (!hasErrors(diagnostics)) {
      const created = await createCaMaterial({ newRoot: rotation.newRoot, intermediates: [], now, keyType: input.model.pki.keyType });
      if (created.root) {
        newRootPem = created.root.certPem;
        write(ROOT_KEY, created.root.keyPem, KEY_FILE_MODE);
        write(ROOT_CERT, created.root.certPem, CERT_FILE_MODE);
      }
    }
  }
  if (newRootPem !== undefined && sameSubject(oldRootPem, newRootPem)) {
    diagnostics.push(
      error(Codes.RotationSameSubject, `the new root in ${displayPath(layoutB, ROOT_CERT)} has the same subject as the current root (${oneLine(parseCertificate(oldRootPem).subject)})`, {
        ...at,
        hint: `give the new root another name: move ${layoutB.display} aside and set spec.pki.rotation.newRoot.commonName`,
      }),
    );
  }

  // Intermediates under B: made by sign-with-new; drop-old needs every one of them.
  const signers = new Map<string, RootRef>(clusters.map((c) => [c, rotation.signer]));
  const absentUnderB = inspection.clusters.filter((c) => c.state === 'absent').map((c) => c.cluster);
  const createdUnderB = new Map<string, { keyPem: string; certPem: string }>();
  if (rotation.signer === 'new' && newRootPem !== undefined && absentUnderB.length > 0) {
    if (rotation.phase === 'drop-old') {
      for (const cluster of absentUnderB) {
        diagnostics.push(
          error(Codes.RotationIntermediateNotMoved, `drop-old would leave cluster "${cluster}" without an intermediate: its intermediate is still signed by the old root`, {
            ...at,
            hint: `set spec.pki.rotation.phase to sign-with-new, build and apply it, wait for the workload certificates to renew, then drop-old (${displayPath(layoutB, cluster)}/ does not exist)`,
          }),
        );
      }
    } else if (!input.allowGenerate) {
      diagnostics.push(...missingMaterialErrors({ ...inspection, root: { ...inspection.root, state: 'present' } }, layoutB).filter((d) => d.file !== displayPath(layoutB, ROOT_CERT)));
    } else if (!exists(readPkiFiles(input.host, layoutB, []).root.key)) {
      diagnostics.push(
        error(Codes.RotationNewRootKeyMissing, `the new root's key is missing, and ${absentUnderB.map((c) => `"${c}"`).join(', ')} need${absentUnderB.length === 1 ? 's' : ''} an intermediate signed by it`, {
          file: displayPath(layoutB, ROOT_KEY),
          hint: `put the key back at ${displayPath(layoutB, ROOT_KEY)}, or sign the intermediates elsewhere and place them in ${displayPath(layoutB, absentUnderB[0])}/`,
        }),
      );
    } else if (!hasErrors(diagnostics) && inspection.root.sound && inspection.root.certificate && newRootKey) {
      const created = await createCaMaterial({
        signer: signerOf(inspection.root.certificate.text, newRootKey),
        intermediates: absentUnderB.map((cluster) => ({ cluster, profile: input.model.pki.intermediate })),
        now,
        keyType: input.model.pki.keyType,
      });
      for (const [cluster, made] of created.intermediates) createdUnderB.set(cluster, made);
    }
  }
  if (rotation.signer === 'new' && input.requireKeys) {
    for (const c of inspection.clusters) {
      if (c.state === 'present' && !exists(c.files.caKey)) {
        const key = displayPath(layoutB, clusterFile(c.cluster, CA_KEY));
        diagnostics.push(error(Codes.IntermediateKeyMissing, `intermediate key of cluster "${c.cluster}" under the new root is missing, so its cacerts Secret cannot be written`, { file: key, hint: `restore ${key}` }));
      }
    }
  }

  const all = sortDiagnostics([...base.diagnostics, ...diagnostics]);
  if (hasErrors(all) || newRootPem === undefined) return { ...base, diagnostics: all };

  const material = new Map<string, ClusterCaMaterial>();
  const rootCertPem = bundleText(rotation.bundle, { old: oldRootPem, new: newRootPem })!;
  for (const cluster of clusters) {
    if (rotation.signer === 'old') {
      const a = base.material.get(cluster);
      if (a) material.set(cluster, { ...a, rootCertPem });
      continue;
    }
    const made = createdUnderB.get(cluster);
    if (made) {
      const chain = made.certPem + newRootPem;
      write(clusterFile(cluster, CA_KEY), made.keyPem, KEY_FILE_MODE);
      write(clusterFile(cluster, CA_CERT), made.certPem, CERT_FILE_MODE);
      write(clusterFile(cluster, CERT_CHAIN), chain, CERT_FILE_MODE);
      write(clusterFile(cluster, ROOT_CERT), newRootPem, CERT_FILE_MODE);
      material.set(cluster, { cluster, rootCertPem, caCertPem: made.certPem, certChainPem: chain, caKeyPem: made.keyPem });
      continue;
    }
    const existing = inspection.clusters.find((c) => c.cluster === cluster);
    const caCertPem = existing?.certificate?.text;
    if (!existing || caCertPem === undefined) continue;
    material.set(cluster, { cluster, rootCertPem, caCertPem, certChainPem: caCertPem + newRootPem, caKeyPem: textOf(existing.files.caKey) });
  }
  return {
    diagnostics: all,
    rootCertPem: base.rootCertPem,
    material,
    writes: [...base.writes, ...writes],
    rotation: { plan: rotation, oldRootPem, newRootPem, signers },
  };
}

/** For certs status: B's inspection, without creating anything. */
export function inspectRotation(input: Pick<PlanPkiInput, 'host' | 'model' | 'meshDir' | 'pkiDirDisplay'>): { layout: PkiLayout; inspection: Inspection } {
  const layoutB = rotationLayout(pkiLayout(input.meshDir, input.model.pki.dir, input.pkiDirDisplay));
  const clusters = input.model.clusters.map((c) => c.name);
  return { layout: layoutB, inspection: inspectPki(readPkiFiles(input.host, layoutB, clusters), layoutB, input.host.now()) };
}

function sameSubject(a: string, b: string): boolean {
  try {
    return parseCertificate(a).subject === parseCertificate(b).subject;
  } catch {
    return false;
  }
}

function oneLine(name: string): string {
  return name.split('\n').join(', ');
}
