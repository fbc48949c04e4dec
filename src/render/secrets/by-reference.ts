import type { KubeObject } from '../../resource/kube-object.js';
import type { MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { cacertsCertificate } from './certificate.js';
import { cacertsExternalSecret, readerPushSecret, remoteSecretExternalSecret } from './external-secrets.js';

/** A cluster's objects that carry private material by reference, in the order the plan lists them. */
export function byReferenceObjects(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  const part = plan.byReference;
  const objects: KubeObject[] = [];
  if (part.cacertsCertificate) objects.push(cacertsCertificate(part.cacertsCertificate));
  const store = mesh.externalSecrets;
  if (!store) return objects;
  if (part.cacertsFromStore) objects.push(cacertsExternalSecret(store, part.cacertsFromStore.remoteKey));
  if (part.readerPush) objects.push(readerPushSecret(store, part.readerPush));
  for (const pull of part.remoteSecrets) objects.push(remoteSecretExternalSecret(store, pull));
  return objects;
}
