import type { MeshModel } from '../model/mesh-model.js';

/**
 * How private material (the cacerts Secret, remote secrets) reaches a cluster:
 *   file     meshgen writes it under out/<cluster>/secrets/ (git-ignored), applied by kubectl
 *   by-hand  meshgen writes nothing private; out/README.md gives the command that creates it
 *            (kubectl create secret from spec.pki.dir, istioctl create-remote-secret)
 */
export type SecretDelivery = 'file' | 'by-hand';

export function secretDelivery(mesh: MeshModel): SecretDelivery {
  return mesh.secretsMode === 'plain' ? 'file' : 'by-hand';
}
