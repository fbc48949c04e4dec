import path from 'node:path';
import { slotFile, type IntermediateSlot } from '../rules/pki-intermediates.js';

// The directory layout of Istio's tools/certs/Makefile.selfsigned.mk:
//   root-cert.pem  root-key.pem
//   <cluster>/ca-cert.pem  ca-key.pem  cert-chain.pem  root-cert.pem
// or, with spec.pki.intermediates shared, one intermediate flat beside the root (a step-ca
// directory): ca-cert.pem ca-key.pem cert-chain.pem (rules/pki-intermediates.ts).
// Files are named by their path relative to the pki dir ("east/ca-cert.pem").

export const ROOT_CERT = 'root-cert.pem';
export const ROOT_KEY = 'root-key.pem';
export const CA_CERT = 'ca-cert.pem';
export const CA_KEY = 'ca-key.pem';
export const CERT_CHAIN = 'cert-chain.pem';

export const KEY_FILE_MODE = 0o600;
export const CERT_FILE_MODE = 0o644;

export interface PkiLayout {
  /** absolute pki directory */
  dir: string;
  /** the pki directory as diagnostics show it, e.g. "examples/demo/pki" */
  display: string;
}

export function pkiLayout(meshDir: string, pkiDir: string, pkiDirDisplay: string): PkiLayout {
  return { dir: path.resolve(meshDir, pkiDir), display: pkiDirDisplay };
}

export function clusterFile(cluster: string, name: string): string {
  return `${cluster}/${name}`;
}

export function absolutePath(layout: PkiLayout, file: string): string {
  return path.join(layout.dir, file);
}

export function displayPath(layout: PkiLayout, file: string): string {
  return path.join(layout.display, file);
}

/** The hint for anything wrong with one cluster's intermediate: start that cluster over. */
export function regenerateClusterHint(layout: PkiLayout, cluster: string): string {
  return `regenerate with: rm -r ${displayPath(layout, cluster)} && meshgen build`;
}

/** The hint for anything wrong with an intermediate: a cluster's starts over; the shared one is moved aside or replaced. */
export function regenerateSlotHint(layout: PkiLayout, slot: Pick<IntermediateSlot, 'id' | 'dir' | 'shared'>): string {
  if (!slot.shared) return regenerateClusterHint(layout, slot.id);
  const files = [CA_CERT, CA_KEY, CERT_CHAIN].map((f) => displayPath(layout, slotFile(slot, f)));
  return `move ${files.join(', ')} aside and run meshgen build (it signs a new shared intermediate with ${displayPath(layout, ROOT_KEY)}), or put the intermediate your CA (e.g. step-ca) issued in their place`;
}

/** A new root means a new intermediate for every cluster, so the hint starts the whole directory over. */
export function regenerateRootHint(layout: PkiLayout): string {
  return `a new root needs new intermediates in every cluster: move ${layout.display} aside and run meshgen build`;
}
