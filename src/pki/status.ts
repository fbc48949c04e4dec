import type { Host } from '../host/host.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { CA_CERT, CA_KEY, CERT_CHAIN, displayPath, pkiLayout, ROOT_CERT, ROOT_KEY, type PkiLayout } from './layout.js';
import { keepsRootCopy, slotDirectories, slotFile, slotLabel } from '../rules/pki-intermediates.js';
import { duplicateIntermediateWarnings, pointAtSharedIntermediate } from './shared-intermediate.js';
import { readPkiFiles } from './load.js';
import { missingMaterialErrors, pkiDirProblems, slotsOf, type PkiModel } from './plan.js';
import { DAY_MS } from './profile.js';
import { inspectPki, type ParsedCertificate } from './verify.js';

// `meshgen certs status`: one entry per CA certificate of the mesh (the root, then each
// cluster's intermediate, or the one intermediate shared by every primary, named
// "shared (<clusters>)"), with the same checks a build runs. Creates nothing.

export interface CertStatusRow {
  /** "root", the cluster name, or "shared (east, west)" for the intermediate every primary shares */
  name: string;
  file: string;
  subject: string;
  issuer: string;
  serial: string;
  /** ISO 8601, whole seconds */
  notAfter: string;
  daysLeft: number;
  sha256: string;
  /** no error on this certificate or the files that go with it */
  verifies: boolean;
  /** the first error, or else the first warning */
  problem?: string;
}

export interface CertsStatusInput {
  host: Host;
  model: PkiModel;
  meshDir: string;
  pkiDirDisplay: string;
  /** where spec.pki.intermediates is in mesh.yaml: W3350 for per-cluster intermediates that are one certificate points there */
  intermediatesAt?: Pick<Diagnostic, 'file' | 'position'>;
}

export function certsStatus(input: CertsStatusInput): { rows: CertStatusRow[]; diagnostics: Diagnostic[] } {
  const now = input.host.now();
  const layout = pkiLayout(input.meshDir, input.model.pki.dir, input.pkiDirDisplay);
  const slots = slotsOf(input.model);
  const location = pkiDirProblems(input.host, layout, slotDirectories(slots));
  if (location.length) return { rows: [], diagnostics: location };
  const files = readPkiFiles(input.host, layout, slots);
  const inspection = inspectPki(files, layout, now);
  const diagnostics = sortDiagnostics([...inspection.diagnostics, ...missingMaterialErrors(inspection, layout), ...duplicateIntermediateWarnings(inspection, layout, input.intermediatesAt)]);

  const rows: CertStatusRow[] = [];
  const { certificate: root } = inspection.root;
  if (root) rows.push(statusRow('root', ROOT_CERT, root, [ROOT_CERT, ROOT_KEY], { layout, now, diagnostics }));
  for (const { slot, certificate } of inspection.clusters) {
    if (!certificate) continue;
    // the shared intermediate's root-cert.pem is the root's, whose row is above
    const related = [CA_CERT, CA_KEY, CERT_CHAIN, ...(keepsRootCopy(slot) ? [ROOT_CERT] : [])].map((name) => slotFile(slot, name));
    rows.push(statusRow(slotLabel(slot), slotFile(slot, CA_CERT), certificate, related, { layout, now, diagnostics }));
  }
  // after the rows, which find each certificate's problems by file
  return { rows, diagnostics: sortDiagnostics(pointAtSharedIntermediate(diagnostics, layout, slots, input.intermediatesAt)) };
}

function statusRow(
  name: string,
  file: string,
  { cert, fields }: ParsedCertificate,
  relatedFiles: string[],
  context: { layout: PkiLayout; now: Date; diagnostics: Diagnostic[] },
): CertStatusRow {
  const shown = new Set(relatedFiles.map((f) => displayPath(context.layout, f)));
  const related = context.diagnostics.filter((d) => d.file !== undefined && shown.has(d.file));
  const errors = related.filter((d) => d.severity === 'error');
  const problem = (errors[0] ?? related[0])?.message;
  return {
    name,
    file: displayPath(context.layout, file),
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    serial: cert.serialNumber,
    notAfter: fields.notAfter.toISOString().replace('.000Z', 'Z'),
    daysLeft: Math.floor((fields.notAfter.getTime() - context.now.getTime()) / DAY_MS),
    sha256: cert.fingerprint256,
    verifies: errors.length === 0,
    ...(problem !== undefined ? { problem } : {}),
  };
}

/** Node gives "O=Istio\nCN=Root CA"; one line reads better. */
function oneLineName(name: string): string {
  return name.split('\n').join(', ');
}

export function formatCertsStatus(rows: readonly CertStatusRow[]): string {
  if (rows.length === 0) return 'no CA certificates found';
  return rows
    .map((row) => {
      const days = row.daysLeft >= 0 ? `${row.daysLeft} days left` : `expired ${-row.daysLeft} days ago`;
      const lines = [
        `${row.name}  ${row.file}`,
        field('subject', row.subject),
        field('issuer', row.issuer),
        field('serial', row.serial),
        field('not after', `${row.notAfter} (${days})`),
        field('sha256', row.sha256),
        field('verifies', row.verifies ? 'yes' : 'no'),
      ];
      if (row.problem !== undefined) lines.push(field('problem', row.problem));
      return lines.join('\n');
    })
    .join('\n\n');
}

function field(label: string, value: string): string {
  return `  ${label.padEnd(10)} ${value}`;
}
