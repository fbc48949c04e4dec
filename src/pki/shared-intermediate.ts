import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { sharedIntermediateRisk, slotFile, type IntermediateSlot } from '../rules/pki-intermediates.js';
import { CA_CERT, CA_KEY, CERT_CHAIN, displayPath, ROOT_CERT, ROOT_KEY, type PkiLayout } from './layout.js';
import type { Inspection } from './verify.js';

// What the pki stage says about spec.pki.intermediates (rules/pki-intermediates.ts) once it has
// read the directory: a shared intermediate it can neither find nor make, and per-cluster
// directories that hold one intermediate copied between clusters, which is a shared one in all
// but name. A mesh that declares `shared` gets its warning from validation (checks/pki-intermediates.ts).

type At = Pick<Diagnostic, 'file' | 'position'> | undefined;

/** MG3351: the shared intermediate does not exist, and there is no root key to sign one. */
export function sharedIntermediateMissing(layout: PkiLayout, slot: IntermediateSlot, at: At): Diagnostic {
  const files = [CA_CERT, CA_KEY, CERT_CHAIN].map((f) => displayPath(layout, slotFile(slot, f)));
  return error(Codes.SharedIntermediateMissing, `pki.intermediates is shared, but ${files[0]} does not exist and there is no root key (${displayPath(layout, ROOT_KEY)}) to sign one`, {
    ...(at ?? { file: files[0] }),
    hint: `put the intermediate your CA issued (e.g. step-ca's intermediate_ca.crt and its key) at ${files.join(', ')}, beside ${displayPath(layout, ROOT_CERT)}; or put the root key at ${displayPath(layout, ROOT_KEY)} and meshgen makes the intermediate`,
  });
}

/**
 * W3350 for per-cluster intermediates that are one certificate: a ca-cert.pem copied from one
 * cluster's directory to another's. Compared by the certificate's SHA-256 fingerprint (the DER
 * bytes), so a copy with other line endings is found too.
 */
export function duplicateIntermediateWarnings(inspection: Inspection, layout: PkiLayout, at: At): Diagnostic[] {
  const byFingerprint = new Map<string, string[]>();
  for (const c of inspection.clusters) {
    if (c.slot.shared || !c.certificate) continue;
    const fingerprint = c.certificate.cert.fingerprint256;
    byFingerprint.set(fingerprint, [...(byFingerprint.get(fingerprint) ?? []), c.cluster]);
  }
  const warnings: Diagnostic[] = [];
  for (const clusters of byFingerprint.values()) {
    if (clusters.length < 2) continue;
    const files = clusters.map((c) => displayPath(layout, slotFile({ dir: c }, CA_CERT)));
    warnings.push(
      warning(Codes.IntermediateInSeveralClusters, `${files.join(' and ')} are the same certificate: ${sharedIntermediateRisk(clusters)}`, {
        ...(at ?? { file: files[1] }),
        hint: `give each cluster its own intermediate: move ${clusters
          .slice(1)
          .map((c) => displayPath(layout, c))
          .join(', ')} aside and run meshgen build (it signs new ones with ${displayPath(layout, ROOT_KEY)}), so that a compromise stays in one cluster`,
      }),
    );
  }
  return warnings;
}

/**
 * A problem with a file of the shared intermediate (ca-cert.pem, ca-key.pem, cert-chain.pem at
 * the top of the pki directory) points at spec.pki.intermediates, which chose that layout, and
 * names the file in its message. Per-cluster material keeps pointing at its file.
 */
export function pointAtSharedIntermediate(diagnostics: readonly Diagnostic[], layout: PkiLayout, slots: readonly IntermediateSlot[], at: At): Diagnostic[] {
  const shared = slots.find((s) => s.shared);
  if (!shared || !at) return [...diagnostics];
  const files = new Set([CA_CERT, CA_KEY, CERT_CHAIN].map((f) => displayPath(layout, slotFile(shared, f))));
  return diagnostics.map((d) => (d.file !== undefined && d.position === undefined && files.has(d.file) ? { ...d, ...at, message: `${d.file}: ${d.message}` } : d));
}
