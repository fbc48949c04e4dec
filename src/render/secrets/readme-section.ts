import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { carriesPrivateMaterial, isEncrypted } from '../../plan/secret-delivery.js';
import { READER_SERVICE_ACCOUNT, READER_TOKEN_SECRET } from '../cluster/reader-token-secret.js';
import { contextOf } from '../docs/kube-context.js';

// The part of out/README.md about remote secrets written as files: what they hold, and the
// two-phase bootstrap when a cluster's reader token does not exist yet.

/** How the remote secrets come about, and the two-phase bootstrap when credentials are not there yet. */
export function remoteSecretsSection(meshPlan: MeshPlan): string[] {
  if (!carriesPrivateMaterial(meshPlan.remoteSecretDelivery) || meshPlan.readClusters.length === 0) return [];
  const encrypted = isEncrypted(meshPlan.remoteSecretDelivery);
  const lines = [
    '',
    '## Remote secrets',
    '',
    'Each istiod that must discover another cluster\'s endpoints holds that cluster\'s remote',
    `secret: \`${meshPlan.remoteSecretDelivery === 'sealed' ? '<reader>/manifests/bitnami.com_SealedSecret_istio-system_istio-remote-secret-<cluster>.yaml' : '<reader>/secrets/istio-remote-secret-<cluster>.yaml'}\`, a kubeconfig for the`,
    `cluster's \`${READER_SERVICE_ACCOUNT}\` built from its \`apiServer\` and \`reader\` settings.`,
    encrypted
      ? 'They hold tokens: they are encrypted (see "Encrypted secrets") and belong in git.'
      : 'They hold tokens: they are kept out of git and must reach the clusters by a secure path.',
    '',
    'A secret that is missing could not be built because its cluster\'s token or CA did not exist',
    'yet. The reader token Secret that holds both is created in the read-access step above, so:',
    '',
    '1. install the cluster as above, up to its reader token Secret (the remote secret files are',
    '   not there yet);',
    '2. save its token and CA where mesh.yaml points (paths relative to the mesh file):',
    '',
    '```sh',
  ];
  for (const c of meshPlan.readClusters) {
    const get = (key: string) => `kubectl --context ${contextOf(c)} -n ${ISTIO_NAMESPACE} get secret ${READER_TOKEN_SECRET} -o jsonpath='{.data.${key}}' | base64 -d`;
    lines.push(`${get('token')} > ${c.reader?.tokenFile ?? `<reader.tokenFile of ${c.name}>`}`);
    lines.push(`${get('ca\\.crt')} > ${c.apiServer?.caFile ?? `<apiServer.caFile of ${c.name}>`}`);
  }
  lines.push('```', '', '3. build again, and apply the remote secrets as above.');
  return lines;
}

