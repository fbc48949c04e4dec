import type { CaProfile, MeshModel } from '../model/mesh-model.js';

// A staged rotation of the shared root CA (spec.pki.rotation), decided once: which roots each
// primary's trust bundle holds, in which order, and which root signs its intermediate. The pki
// stage makes the material this asks for; the renderers put it in cacerts, certs/ and the
// Helm values; out/README.md explains the phase.
//
// The phases follow the order Istio's own tests and maintainers use for a plugged-in root
// (no istio.io task exists): istio/istio tests/integration/security/cacert_rotation/main_test.go
// (values ISTIO_MULTIROOT_MESH and PROXY_CONFIG_XDS_AGENT; a combined root, then an intermediate
// under the new root with a bundle in which it appears twice, samples/certs/README.md's
// root-cert-combined-2.pem), and github.com/zirain/istio-root-cert-rotation (A, A+B, intB with
// A+B+B, B).
//
// istiod reloads cacerts only when the new root bundle and the current one are related
// (pilot/pkg/bootstrap/istio_ca.go, handleEvent): in 1.28 and 1.29 one must contain the other's
// bytes (bytes.Contains), from 1.30 one must be a subset of the other's certificates. So every
// bundle is the previous one with roots appended (old roots first, bytes unchanged), or a part
// of it: none → A, trust-both A‖B, sign-with-new A‖B‖B, drop-old B. Each step satisfies both rules.

export type RotationPhase = 'trust-both' | 'sign-with-new' | 'drop-old';
/** the root the mesh trusts today (A) or the one it rotates to (B) */
export type RootRef = 'old' | 'new';

export const ROTATION_PHASES: readonly RotationPhase[] = ['trust-both', 'sign-with-new', 'drop-old'];

export interface RotationPlan {
  phase: RotationPhase;
  /** the phase before this one (undefined: the mesh before the rotation) */
  previous?: RotationPhase;
  /** the phase after this one (undefined: the rotation is done after this phase) */
  next?: RotationPhase;
  /** profile of root B, when trust-both creates it */
  newRoot: CaProfile;
  /** the roots of every primary's trust bundle (cacerts root-cert.pem), in order */
  bundle: RootRef[];
  /** the root that signs every primary's intermediate in this phase */
  signer: RootRef;
  /**
   * istiod's ISTIO_MULTIROOT_MESH (a root bundle that changes is rejected without it) and the
   * proxies' PROXY_CONFIG_XDS_AGENT (the agent takes a changed bundle and re-requests its
   * certificate). Set in every phase of a rotation, on every Istio meshgen renders a rotation for.
   */
  multiRoot: boolean;
}

export function planRotation(mesh: MeshModel): RotationPlan | undefined {
  const rotation = mesh.pki.rotation;
  if (!rotation) return undefined;
  const index = ROTATION_PHASES.indexOf(rotation.phase);
  const common = { phase: rotation.phase, previous: ROTATION_PHASES[index - 1], next: ROTATION_PHASES[index + 1], newRoot: rotation.newRoot, multiRoot: true };
  switch (rotation.phase) {
    case 'trust-both':
      return { ...common, bundle: ['old', 'new'], signer: 'old' };
    case 'sign-with-new':
      // B twice: the bundle's bytes change, so istiod updates the workload trust anchors and
      // every agent re-requests its certificate from the new intermediate at once.
      return { ...common, bundle: ['old', 'new', 'new'], signer: 'new' };
    case 'drop-old':
      return { ...common, bundle: ['new'], signer: 'new' };
  }
}

/** The bundle's text: each root's PEM as on disk, concatenated in order. */
export function bundleText(bundle: readonly RootRef[], roots: { old?: string; new?: string }): string | undefined {
  const parts = bundle.map((ref) => roots[ref]);
  return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
}
