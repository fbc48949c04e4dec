import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import { slotFile, slotOf } from '../../rules/pki-intermediates.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { CACERTS_KEYS, CACERTS_SECRET, KUBECONFIG_PROPERTY, READER_PUSH_SECRET } from '../../plan/by-reference-plan.js';
import type { ResId } from '../../resource/kube-object.js';
import { READER_TOKEN_SECRET } from '../cluster/reader-token-secret.js';
import { contextOf } from '../docs/kube-context.js';

// The parts of out/README.md about private material by reference (secrets.mode
// external-secrets, pki.provider cert-manager): what makes each Secret in the cluster, which
// store keys hold what, what must exist before (the store, the issuer), and the limits.

export function readerPushSecretId(): ResId {
  return { group: 'external-secrets.io', kind: 'PushSecret', namespace: ISTIO_NAMESPACE, name: READER_PUSH_SECRET };
}

export function remoteSecretExternalSecretId(read: string): ResId {
  return { group: 'external-secrets.io', kind: 'ExternalSecret', namespace: ISTIO_NAMESPACE, name: `istio-remote-secret-${read}` };
}

/** Whether nothing private reaches any cluster other than by reference. */
export function allByReference(mesh: MeshModel, meshPlan: MeshPlan): boolean {
  const primariesByReference = meshPlan.clusters.every((p) => !p.cacerts || p.byReference.cacertsObject);
  return primariesByReference && (meshPlan.readClusters.length === 0 || mesh.secretsMode === 'external-secrets');
}

/** `pkiDir`: spec.pki.dir as seen from out/, for the one-time upload of the CA material. */
export function byReferenceSection(mesh: MeshModel, meshPlan: MeshPlan, pkiDir: string): string[] {
  const lines: string[] = [];
  const store = mesh.externalSecrets;
  if (store) {
    const storeName = `${store.storeRef.kind} \`${store.storeRef.name}\``;
    lines.push(
      '',
      '## Secrets by reference: External Secrets',
      '',
      `\`secrets.mode: external-secrets\`: out/ holds no token and no key, and meshgen reads none:`,
      '`clusters[].reader` (tokenFile, tokenEnv) is not needed. The External Secrets Operator in each',
      `cluster moves the private material through the store ${storeName}, which must exist in`,
      `every cluster${store.storeRef.kind === 'SecretStore' ? ` (in \`${ISTIO_NAMESPACE}\`)` : ''}; its credentials to the backing store are the one thing that cannot come from git.`,
      'ESO serves `external-secrets.io/v1` (ExternalSecret) since v0.16 and `v1alpha1` (PushSecret).',
      '',
      `- In each cluster others read, the PushSecret \`${READER_PUSH_SECRET}\` builds the kubeconfig of the`,
      `  remote secret from the reader token Secret \`${READER_TOKEN_SECRET}\` (its \`token\` and`,
      `  \`ca.crt\`, filled in by Kubernetes) and the cluster's \`apiServer.url\`, and pushes it to the store.`,
      '- In each reader, the ExternalSecret `istio-remote-secret-<cluster>` makes the remote secret from',
      '  it, in the shape `istioctl create-remote-secret` gives it (label `istio/multiCluster: "true"`, one',
      '  data key: the cluster name).',
      '',
      'So the mesh converges from git in one pass: there is no two-phase bootstrap, and a new reader',
      'token reaches the readers within two refresh intervals (the push\'s and the read\'s, 1h each).',
      '',
      '| store key | property | pushed by | read by |',
      '|---|---|---|---|',
    );
    for (const plan of meshPlan.clusters) {
      const push = plan.byReference.readerPush;
      if (!push) continue;
      lines.push(`| \`${push.remoteKey}\` | \`${KUBECONFIG_PROPERTY}\` | ${plan.cluster.name} | ${plan.readers.map((r) => r.name).join(', ')} |`);
    }
    const fromStore = meshPlan.clusters.filter((p) => p.byReference.cacertsFromStore);
    for (const plan of fromStore) {
      lines.push(`| \`${plan.byReference.cacertsFromStore!.remoteKey}\` | ${CACERTS_KEYS.map((k) => `\`${k}\``).join(', ')} | you, once (below) | ${plan.cluster.name} |`);
    }
    if (fromStore.length) {
      // a cluster's own directory, or the top of the pki directory for a shared intermediate
      const caFile = (cluster: string, name: string) => {
        const slot = slotOf(meshPlan.intermediates, cluster);
        return slot ? slotFile(slot, name) : `${cluster}/${name}`;
      };
      lines.push(
        '',
        `Each primary's \`${CACERTS_SECRET}\` comes from the store too: the ExternalSecret \`${CACERTS_SECRET}\` reads one property per file`,
        `of the primary's CA in \`${pkiDir}\`. Put them there once, before the first install (and again after`,
        'an intermediate rotation), with the store\'s own tools; then keep the CA keys offline. With HashiCorp',
        'Vault\'s KV engine, for example (`<mount>`: the KV mount the store reads):',
        '',
        '```sh',
        ...fromStore.map((p) => `vault kv put <mount>/${p.byReference.cacertsFromStore!.remoteKey} ${CACERTS_KEYS.map((k) => `${k}=@${pkiDir}/${caFile(p.cluster.name, k)}`).join(' ')}`),
        '```',
      );
    }
  }
  const certificates = meshPlan.clusters.filter((p) => p.byReference.cacertsCertificate);
  if (certificates.length) {
    const first = certificates[0]!.byReference.cacertsCertificate!;
    lines.push(
      '',
      '## CA by reference: cert-manager',
      '',
      `\`pki.provider: cert-manager\`: meshgen holds no CA key. In each primary (${certificates.map((p) => p.cluster.name).join(', ')}) the Certificate`,
      `\`${CACERTS_SECRET}\` asks the ${first.issuerRef.kind} \`${first.issuerRef.name}\` (group \`${first.issuerRef.group}\`) for an intermediate CA`,
      `(${first.privateKey.algorithm} ${first.privateKey.size}, a new key at each renewal) and writes it as the Secret \`${CACERTS_SECRET}\`, with the keys`,
      '`tls.crt`, `tls.key` and `ca.crt`, which istiod reads as its plugged-in CA since Istio 1.15. The',
      'issuer must exist in every primary and be able to sign CA certificates (a CA or Vault issuer; not',
      'ACME). Its credentials are not in git. Limits of this form:',
      '',
      '- no CRL: istiod loads `ca-crl.pem` only in the classic form;',
      '- `ca.crt` holds one root, cert-manager\'s best guess of the issuing CA: a CA issuer names the root',
      '  only if its own Secret\'s `tls.crt` holds the whole chain up to the root; otherwise the topmost',
      '  intermediate becomes the trust anchor and the clusters do not trust each other. A root rotation',
      '  cannot be staged through `ca.crt` (it never holds two roots);',
      '- with a CA ClusterIssuer, the key of the CA that signs the intermediates is in every cluster',
      '  (in cert-manager\'s namespace); a Vault issuer keeps it out;',
      '- `cacerts` must exist before istiod starts, or istiod makes a self-signed CA and must be restarted.',
      '',
      '`pki.certManager.rootCertFile` is the root the clusters must trust (above: trust root and SHA-256).',
      'Check that each primary\'s `ca.crt` is that root:',
      '',
      '```sh',
      ...certificates.map((p) => `kubectl --context ${contextOf(p.cluster)} -n ${ISTIO_NAMESPACE} get secret ${CACERTS_SECRET} -o jsonpath='{.data.ca\\.crt}' | base64 -d | openssl x509 -noout -fingerprint -sha256`),
      '```',
    );
  }
  return lines;
}

/** The GitOps part: what is left by hand when private material comes by reference. */
export function byReferenceGitopsLines(mesh: MeshModel, meshPlan: MeshPlan): string[] {
  const needs: string[] = [];
  if (mesh.externalSecrets) needs.push(`- the External Secrets Operator and the ${mesh.externalSecrets.storeRef.kind} \`${mesh.externalSecrets.storeRef.name}\`, with its credentials to the store, in every cluster;`);
  const issuer = meshPlan.clusters.find((p) => p.byReference.cacertsCertificate)?.byReference.cacertsCertificate?.issuerRef;
  if (issuer) needs.push(`- cert-manager and the ${issuer.kind} \`${issuer.name}\` in every primary;`);
  if (meshPlan.clusters.some((p) => p.byReference.cacertsFromStore)) needs.push('- the one-time upload of each primary\'s CA to the store (see "Secrets by reference" above);');
  return [
    'Nothing private is in out/: all of it can be committed, and every Secret is made in the cluster',
    'by an object in `manifests/`. What git cannot hold, and must exist before the GitOps tool syncs:',
    '',
    ...needs,
    '',
    'On a primary, the object that makes `cacerts` must be Ready before istiod starts.',
    ...(mesh.gitops.argocd ? ['Argo CD applies it with the Namespace, in wave 0, and waits for it.'] : []),
    ...(mesh.gitops.flux ? ['Flux applies istiod with a Kustomization that depends on the manifests\' one, Ready once', 'Secret `cacerts` exists (see "Flux").'] : []),
    'Installing by hand, apply both first (files from git; nothing private):',
  ];
}
