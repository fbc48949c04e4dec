import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { RotationPlan } from '../plan/rotation-plan.js';
import { CA_CERT, clusterFile, displayPath, pkiLayout, ROOT_CERT } from './layout.js';
import { inspectRotation } from './rotation.js';
import { certsStatus, type CertStatusRow, type CertsStatusInput } from './status.js';

// `meshgen certs status` during a root rotation: besides every certificate (root A, its
// intermediates, root B and the intermediates it signs), the phase, which root signs the
// intermediate each primary uses in this phase, and what its trust bundle holds. A primary
// whose material does not fit the phase (root B missing after trust-both was built, an
// intermediate under B missing in drop-old) is an error: the command exits 1.

export interface RotationStatus {
  phase: RotationPlan['phase'];
  clusters: { cluster: string; signedBy: 'A' | 'B'; intermediate?: string; bundle: string; consistent: boolean }[];
}

export function certsStatusWithRotation(input: CertsStatusInput, rotation: RotationPlan | undefined): { rows: CertStatusRow[]; diagnostics: Diagnostic[]; rotation?: RotationStatus } {
  const base = certsStatus(input);
  if (!rotation) return base;
  const { layout: layoutB, inspection } = inspectRotation(input);
  const layoutA = pkiLayout(input.meshDir, input.model.pki.dir, input.pkiDirDisplay);
  const diagnostics = [...base.diagnostics, ...inspection.diagnostics];
  const rows = [...base.rows];
  // B's rows: its root and the intermediates it signs, through the same checks
  const statusB = certsStatus({ ...input, model: { ...input.model, pki: { ...input.model.pki, dir: joinPosix(input.model.pki.dir, 'rotation.new') } }, pkiDirDisplay: layoutB.display });
  for (const row of statusB.rows) rows.push({ ...row, name: row.name === 'root' ? 'new root (B)' : `${row.name} (under B)` });

  const rootB = inspection.root.certificate;
  const bundle = rotation.bundle.map((r) => (r === 'old' ? 'A' : 'B')).join(' + ');
  const clusters: RotationStatus['clusters'] = [];
  if (!rootB) {
    diagnostics.push(
      error(Codes.RotationPhaseInconsistent, `phase ${rotation.phase}: the new root ${displayPath(layoutB, ROOT_CERT)} does not exist`, {
        file: displayPath(layoutB, ROOT_CERT),
        hint: rotation.phase === 'trust-both' ? 'run meshgen build: the trust-both build creates it' : 'set spec.pki.rotation.phase to trust-both and build first',
      }),
    );
  }
  for (const c of inspection.clusters) {
    const signedBy = rotation.signer === 'old' ? 'A' : 'B';
    // A's intermediate is the one certs status lists for the cluster; B's is in rotation.new/
    const used = signedBy === 'A' ? base.rows.find((r) => r.name === c.cluster) : c.certificate ? { sha256: c.certificate.cert.fingerprint256 } : undefined;
    const consistent = used !== undefined && (signedBy === 'A' || (rootB !== undefined && c.certificate !== undefined && c.certificate.cert.checkIssued(rootB.cert)));
    if (!consistent) {
      diagnostics.push(
        error(Codes.RotationPhaseInconsistent, `phase ${rotation.phase}: cluster "${c.cluster}" has no intermediate signed by ${signedBy === 'A' ? 'the current root' : 'the new root'}`, {
          file: signedBy === 'A' ? displayPath(layoutA, clusterFile(c.cluster, CA_CERT)) : displayPath(layoutB, clusterFile(c.cluster, CA_CERT)),
          hint: signedBy === 'B' ? 'set spec.pki.rotation.phase to sign-with-new and run meshgen build: it creates the intermediate under B' : 'run meshgen build',
        }),
      );
    }
    clusters.push({ cluster: c.cluster, signedBy, intermediate: used?.sha256, bundle, consistent });
  }
  return { rows, diagnostics, rotation: { phase: rotation.phase, clusters } };
}

export function formatRotationStatus(status: RotationStatus): string {
  const lines = [`root rotation  phase ${status.phase}`];
  for (const c of status.clusters) {
    lines.push(`  ${c.cluster}  intermediate signed by ${c.signedBy}${c.intermediate ? ` (sha256 ${c.intermediate})` : ' (missing)'}; bundle trusts ${c.bundle}${c.consistent ? '' : '  INCONSISTENT with the phase'}`);
  }
  return lines.join('\n');
}

function joinPosix(a: string, b: string): string {
  return `${a.replace(/\/+$/, '')}/${b}`;
}
