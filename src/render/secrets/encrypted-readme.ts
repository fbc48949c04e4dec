import { posix } from 'node:path';
import { FINGERPRINT_KEY_FILE } from '../../pki/fingerprint-key.js';
import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import type { SecretDelivery } from '../../plan/secret-delivery.js';
import { FLUX_CONTROL_PLANE_KUSTOMIZATION, FLUX_NAMESPACE } from '../../plan/gitops-plan.js';
import { FINGERPRINT_ANNOTATION } from './fingerprint.js';
import { SOPS_AGE_SECRET, SOPS_AGE_SECRET_KEY, SOPS_SECRETS_KUSTOMIZATION_NAME } from './flux-decryption.js';
import { SOPS_ENCRYPTED_REGEX } from './sops-file.js';
import { contextOf } from '../docs/kube-context.js';

// out/README.md for secrets.mode sops and sealed-secrets: how the encrypted Secrets reach the
// clusters, what each cluster needs to decrypt them, and what a rebuild does with them.

/** The command that applies one private Secret by hand, by how it is delivered. */
export function applyPrivateSecret(delivery: SecretDelivery | undefined, context: string, path: string): string {
  if (delivery === 'sops') return `sops --decrypt ${path} | kubectl --context ${context} apply -f -`;
  return `kubectl --context ${context} apply -f ${path}`;
}

/** What keys the fingerprints: each cluster's CA key, or without one (cert-manager) pki/fingerprint.key. */
function fingerprintKeyWords(mesh: MeshModel): string {
  return mesh.pki.provider === 'cert-manager' ? `\`${posix.join(mesh.pki.dir, FINGERPRINT_KEY_FILE)}\` (made once; no CA key is at hand)` : "the cluster's CA key";
}

export function encryptedSecretsSection(mesh: MeshModel, meshPlan: MeshPlan): string[] {
  const primaries = meshPlan.clusters.filter((p) => p.encryption);
  if (mesh.secretsMode === 'sops') {
    const lines = [
      '',
      '## Encrypted secrets (SOPS)',
      '',
      'Every private Secret (each primary\'s `cacerts`, each remote secret) is in',
      '`<cluster>/secrets/`, encrypted by meshgen in the SOPS format (age recipients,',
      `\`encrypted_regex: ${SOPS_ENCRYPTED_REGEX}\`: only the values are encrypted), and belongs in git.`,
      'They are encrypted for:',
      '',
      '| cluster | age recipients |',
      '|---|---|',
      ...primaries.map((p) => `| ${p.cluster.name} | ${p.encryption?.format === 'sops' ? p.encryption.ageRecipients.map((r) => `\`${r}\``).join('<br>') : ''} |`),
      '',
      'To read one: `sops --decrypt <cluster>/secrets/cacerts.yaml` with an age identity of one of its',
      'recipients in `SOPS_AGE_KEY_FILE`. Do not edit them: meshgen rewrites them from `spec.pki.dir`',
      'and the reader tokens.',
      '',
      `A rebuild keeps each file byte for byte while its plaintext and recipients are unchanged: the`,
      `annotation \`${FINGERPRINT_ANNOTATION}\` records an HMAC of both, keyed with ${fingerprintKeyWords(mesh)}, so`,
      'a changed token or recipient re-encrypts that file only. `meshgen build --check` needs no key,',
      'token or age identity: it compares every other file, and checks that each encrypted file is',
      'there (it never decrypts).',
    ];
    if (mesh.gitops.flux) {
      lines.push(
        '',
        `With Flux, the \`${SOPS_SECRETS_KUSTOMIZATION_NAME}\` Kustomization of each cluster applies \`<cluster>/secrets/\` and`,
        `decrypts it (\`decryption.provider: sops\`; the cluster's \`kustomization.yaml\` does not list them, so`,
        '`kubectl apply -k` needs no key). Once per cluster, give Flux the cluster\'s age identity, as a Secret',
        `\`${SOPS_AGE_SECRET}\` in \`${FLUX_NAMESPACE}\` with the key \`${SOPS_AGE_SECRET_KEY}\` (its recipient must be one of the cluster's above):`,
        '',
        '```sh',
        ...primaries.map((p) => `kubectl --context ${contextOf(p.cluster)} -n ${FLUX_NAMESPACE} create secret generic ${SOPS_AGE_SECRET} --from-file=${SOPS_AGE_SECRET_KEY}=<age identity of ${p.cluster.name}>`),
        '```',
      );
    }
    if (mesh.gitops.argocd) {
      lines.push(
        '',
        'Argo CD does not decrypt SOPS files itself: synced as they are, these Secrets would hold',
        'ciphertext. Argo CD needs decryption added where it renders or in the destination cluster,',
        'for example KSOPS (a kustomize plugin in the repo-server) or a SOPS operator in each',
        'cluster; Argo CD\'s documentation recommends destination-side secret management.',
        '`secrets.mode: sealed-secrets` works with Argo CD as it is.',
      );
    }
    return lines;
  }
  if (mesh.secretsMode === 'sealed-secrets') {
    const { controllerName, controllerNamespace } = mesh.sealedSecrets;
    return [
      '',
      '## Encrypted secrets (Sealed Secrets)',
      '',
      'Every private Secret (each primary\'s `cacerts`, each remote secret) is a `SealedSecret`',
      `(bitnami.com/v1alpha1) in \`<cluster>/manifests/\`, sealed offline by meshgen with the cluster's`,
      'controller certificate (strict scope: it unseals only as that name in that namespace), and',
      `belongs in git. The sealed-secrets controller (\`${controllerName}\` in \`${controllerNamespace}\`)`,
      'must run in each primary before they are applied; it turns each into the Secret.',
      '',
      '| cluster | sealing certificate |',
      '|---|---|',
      ...primaries.map((p) => `| ${p.cluster.name} | \`${p.encryption?.format === 'sealed' ? p.encryption.certFile : ''}\` |`),
      '',
      'When a controller\'s certificate changes (it renews its key every 30 days and keeps the old',
      'ones), fetch it again and rebuild:',
      '',
      '```sh',
      ...primaries.map((p) => `kubeseal --context ${contextOf(p.cluster)} --controller-name ${controllerName} --controller-namespace ${controllerNamespace} --fetch-cert > <certFile of ${p.cluster.name}>`),
      '```',
      '',
      `A rebuild keeps each SealedSecret byte for byte while its plaintext and certificate are`,
      `unchanged: the annotation \`${FINGERPRINT_ANNOTATION}\` records an HMAC of both, keyed with`,
      `${fingerprintKeyWords(mesh)}, so a changed token re-seals that file only. \`meshgen build --check\` needs no`,
      'key or token: it compares every other file and checks that each SealedSecret is there.',
      ...(mesh.gitops.argocd ? ['', `Argo CD applies them in their own sync wave, after the \`${ISTIO_NAMESPACE}\` Namespace and before istiod.`] : []),
    ];
  }
  return [];
}

/**
 * "GitOps: what cannot come from git" in secrets.mode sops and sealed-secrets: every Secret
 * comes from git; what is left is the key that decrypts them, and the first install's order.
 */
export function encryptedGitOpsSection(mesh: MeshModel): string[] {
  if (mesh.secretsMode === 'sops') {
    return [
      '## GitOps: what cannot come from git',
      '',
      'The `cacerts` and remote secrets come from git, SOPS-encrypted (see "Encrypted secrets"). What',
      'cannot is the key that decrypts them: each cluster\'s age identity, given to Flux as the',
      `\`${SOPS_AGE_SECRET}\` Secret, or to whatever decrypts for Argo CD.`,
      ...(mesh.gitops.flux
        ? [
            '',
            `With Flux, istiod waits for \`cacerts\`: it is applied by the \`${FLUX_CONTROL_PLANE_KUSTOMIZATION}\` Kustomization, which`,
            `depends on \`${SOPS_SECRETS_KUSTOMIZATION_NAME}\` (Ready once its Secrets exist), so nothing is applied by hand (see "Flux").`,
          ]
        : []),
    ];
  }
  if (mesh.secretsMode === 'sealed-secrets') {
    return [
      '## GitOps: what cannot come from git',
      '',
      'The `cacerts` and remote secrets come from git as SealedSecrets (see "Encrypted secrets"). What',
      `cannot is the sealed-secrets controller's private key: install the controller (\`${mesh.sealedSecrets.controllerName}\` in`,
      `\`${mesh.sealedSecrets.controllerNamespace}\`) in every primary first, and keep a backup of its key; its certificate is what`,
      'mesh.yaml names in `secrets.sealedSecrets.certFile`.',
      ...(mesh.gitops.flux
        ? [
            '',
            `With Flux, istiod waits for \`cacerts\` to be unsealed: it is applied by the \`${FLUX_CONTROL_PLANE_KUSTOMIZATION}\``,
            'Kustomization, which depends on the manifests\' Kustomization, Ready once Secret `cacerts` exists (see "Flux").',
          ]
        : []),
    ];
  }
  return [];
}
