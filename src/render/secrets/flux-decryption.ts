import { KustomizationSpecDecryptionProvider, type KustomizationSpecDecryption } from '../../imports/kustomize.toolkit.fluxcd.io.js';

// secrets.mode sops with Flux: a Kustomization of each cluster applies its SOPS files
// (<cluster>/secrets/) and decrypts them (fluxcd/kustomize-controller
// docs/spec/v1/kustomizations.md, "Decryption"). The age identities are keys ending in
// `.agekey` of a Secret in the Kustomization's namespace (flux-system); out/README.md says how
// to create it.

/** The Secret in flux-system that holds the cluster's age identity (key `identity.agekey`). */
export const SOPS_AGE_SECRET = 'sops-age';
/** The Flux Kustomization (in flux-system) that applies <cluster>/secrets/. */
export const SOPS_SECRETS_KUSTOMIZATION_NAME = 'istio-secrets';
export const SOPS_AGE_SECRET_KEY = 'identity.agekey';

export function sopsDecryption(): KustomizationSpecDecryption {
  return { provider: KustomizationSpecDecryptionProvider.SOPS, secretRef: { name: SOPS_AGE_SECRET } };
}
