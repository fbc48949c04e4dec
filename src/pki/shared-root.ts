import { X509Certificate } from 'node:crypto';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { CA_CERT, displayPath, regenerateSlotHint, ROOT_CERT, type PkiLayout } from './layout.js';
import { slotFile } from '../rules/pki-intermediates.js';
import type { Inspection } from './verify.js';

// Ambient across clusters needs every primary's intermediate CA to chain to one root: ztunnel
// has no trust anchor but its own cluster's CA, so a second root (as sidecar meshes can carry in
// meshConfig.caCertificates) fails every cross-cluster connection with BadSignature
// (istio/istio#61719; istio.io ambient "before you begin": "a common root"). An adopted
// directory whose clusters each have their own root is the case this names (issue #17).

/** MG2905 for each cluster whose intermediate, or whose root copy, is not the shared root's. */
export function sharedRootProblems(inspection: Inspection, layout: PkiLayout, requiredBy: string): Diagnostic[] {
  const root = inspection.root.certificate;
  if (!root) return [];
  const problems: Diagnostic[] = [];
  for (const cluster of inspection.clusters) {
    const certificate = cluster.certificate;
    if (!certificate) continue;
    const chains = signedBy(certificate.cert, root.cert);
    const ownRoot = cluster.files.rootCert.state === 'present' && cluster.files.rootCert.text !== root.text;
    if (chains && !ownRoot) continue;
    const file = chains ? slotFile(cluster.slot, ROOT_CERT) : slotFile(cluster.slot, CA_CERT);
    problems.push(
      error(Codes.AmbientNeedsSharedRoot, `cluster "${cluster.cluster}" ${chains ? 'carries a root of its own' : 'has an intermediate CA that does not chain to the shared root'}, but ${requiredBy} need one root across clusters`, {
        file: displayPath(layout, file),
        hint: `ztunnel trusts only its own cluster's root, so a per-cluster root fails every cross-cluster connection (istio/istio#61719): issue this cluster's intermediate from ${displayPath(layout, ROOT_CERT)} (${cluster.slot.shared ? regenerateSlotHint(layout, cluster.slot) : `move ${displayPath(layout, cluster.cluster)} aside and run meshgen build`}), or keep those namespaces on sidecars`,
      }),
    );
  }
  return problems;
}

function signedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
