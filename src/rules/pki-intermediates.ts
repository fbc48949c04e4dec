// spec.pki.intermediates: which intermediate CA each primary's istiod signs with, and where its
// files are in spec.pki.dir. The one owner of the per-cluster / shared rules: the plan records
// the slots, the pki stage reads, checks and creates material per slot, the README commands
// and the validation of the combinations read them from here.
//
//   per-cluster (default), the layout of Istio's tools/certs/Makefile.selfsigned.mk:
//     pki/root-cert.pem root-key.pem
//     pki/<cluster>/ca-cert.pem ca-key.pem cert-chain.pem root-cert.pem
//
//   shared, the flat directory a step-ca setup has (one intermediate for every primary):
//     pki/root-cert.pem [root-key.pem]              the root; its key may stay offline
//     pki/ca-cert.pem ca-key.pem cert-chain.pem     the one intermediate, at the top
//
// In the shared layout the root copy of the cacerts Secret (root-cert.pem) is the root itself,
// so no copy of it is kept. cert-chain.pem is ca-cert.pem followed by root-cert.pem, as in the
// per-cluster layout (Istio's plug-in CA task: "cert-chain.pem ... the chain of trust").

export type IntermediatesMode = 'per-cluster' | 'shared';

export const DEFAULT_INTERMEDIATES: IntermediatesMode = 'per-cluster';

/** One intermediate CA and the primaries that sign with it. */
export interface IntermediateSlot {
  /** the cluster's name, or "shared" */
  id: string;
  /** its directory relative to spec.pki.dir: the cluster's name, or '' (the top of the directory) */
  dir: string;
  /** the primaries whose cacerts carry it, sorted */
  clusters: string[];
  shared: boolean;
}

export const SHARED_SLOT_ID = 'shared';

/** The intermediates a mesh has: one per primary, or one for all of them. */
export function intermediateSlots(mode: IntermediatesMode, primaries: readonly string[]): IntermediateSlot[] {
  if (mode === 'shared') return primaries.length ? [{ id: SHARED_SLOT_ID, dir: '', clusters: [...primaries].sort(), shared: true }] : [];
  return primaries.map((cluster) => ({ id: cluster, dir: cluster, clusters: [cluster], shared: false }));
}

/** The slot whose intermediate `cluster` signs with. */
export function slotOf(slots: readonly IntermediateSlot[], cluster: string): IntermediateSlot | undefined {
  return slots.find((s) => s.clusters.includes(cluster));
}

/** A file of a slot, relative to spec.pki.dir: "east/ca-cert.pem", or "ca-cert.pem" at the top. */
export function slotFile(slot: Pick<IntermediateSlot, 'dir'>, name: string): string {
  return slot.dir === '' ? name : `${slot.dir}/${name}`;
}

/**
 * Whether a slot keeps its own copy of root-cert.pem (per-cluster, as the Makefile does). A
 * shared intermediate sits beside the root, so its root-cert.pem is the root itself.
 */
export function keepsRootCopy(slot: Pick<IntermediateSlot, 'shared'>): boolean {
  return !slot.shared;
}

/** The directories of their own that the slots need in spec.pki.dir (a cluster's; none for a shared intermediate). */
export function slotDirectories(slots: readonly IntermediateSlot[]): string[] {
  return slots.filter((s) => s.dir !== '').map((s) => s.dir);
}

/** How listings name a slot: the cluster, or "shared (east, west)". */
export function slotLabel(slot: Pick<IntermediateSlot, 'id' | 'shared' | 'clusters'>): string {
  return slot.shared ? `${slot.id} (${slot.clusters.join(', ')})` : slot.id;
}

/** How messages name a slot's intermediate: `of cluster "east"`, or `shared by every primary`. */
export function slotOwner(slot: Pick<IntermediateSlot, 'id' | 'shared'>): string {
  return slot.shared ? 'shared by every primary' : `of cluster "${slot.id}"`;
}

/**
 * Why one intermediate in several clusters is riskier than one per cluster (W3350). An
 * intermediate CA's key is in every cluster whose istiod signs with it (the cacerts Secret),
 * and anything it signs is trusted by every cluster under the root.
 */
export function sharedIntermediateRisk(clusters: readonly string[]): string {
  return (
    `one intermediate CA signs for ${clusters.length} clusters (${clusters.join(', ')}): its key is in the cacerts Secret of each of them, ` +
    'so whoever reads cacerts in one cluster can mint workload identities every cluster trusts, and no cluster can be revoked or rotated alone'
  );
}

/** How to move to an intermediate per cluster, for the hint of W3350. */
export function perClusterSwitchHint(pkiDir: string): string {
  return (
    `per-cluster intermediates keep a compromise to one cluster: set spec.pki.intermediates to per-cluster (the default) and give each primary its own intermediate in ${pkiDir}/<cluster>/ ` +
    `(meshgen makes them when ${pkiDir}/root-key.pem is there; with step-ca, issue one per cluster with \`step certificate create --profile intermediate-ca\`)`
  );
}

/** A combination of fields that does not work with shared intermediates: what to change, and why. */
export interface SharedIntermediateConflict {
  /** the field of spec.pki the diagnostic points at: the one its hint asks to change first */
  field: 'intermediates' | 'rotation';
  message: string;
  hint: string;
}

/** What else in spec.pki rules out `intermediates: shared`. */
export function sharedIntermediateConflicts(pki: { intermediates?: IntermediatesMode; provider?: string; rotation?: unknown } | undefined): SharedIntermediateConflict[] {
  if (pki?.intermediates !== 'shared') return [];
  const conflicts: SharedIntermediateConflict[] = [];
  if (pki.provider === 'cert-manager') {
    conflicts.push({
      field: 'intermediates',
      message: 'pki.intermediates shared with pki.provider cert-manager: each primary\'s Certificate makes its own intermediate and key in that cluster, so there is no one intermediate to share',
      hint: 'remove spec.pki.intermediates (cert-manager issues one intermediate per primary), or use provider meshgen with the shared intermediate in spec.pki.dir',
    });
  }
  if (pki.rotation !== undefined) {
    conflicts.push({
      field: 'rotation',
      message: 'a staged root rotation re-issues each primary\'s intermediate under the new root, one per cluster in <pki>/rotation.new/<cluster>/, which pki.intermediates shared does not have',
      hint: 'switch to spec.pki.intermediates: per-cluster and build before rotating the root, or rotate outside meshgen (issue the new root and intermediate in step-ca, then replace the files of spec.pki.dir) and remove spec.pki.rotation',
    });
  }
  return conflicts;
}
