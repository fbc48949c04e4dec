import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetTemplateEngineVersion,
  PushSecret,
  PushSecretSpecSecretStoreRefsKind,
  PushSecretSpecTemplateEngineVersion,
  PushSecretSpecUpdatePolicy,
} from '../../imports/external-secrets.io.js';
import { ISTIO_NAMESPACE, type ExternalSecretsModel } from '../../model/mesh-model.js';
import { CACERTS_KEYS, CACERTS_SECRET, KUBECONFIG_PROPERTY, READER_PUSH_SECRET, type ReaderPushPlan, type RemoteSecretPullPlan } from '../../plan/by-reference-plan.js';
import { READER_TOKEN_SECRET } from '../cluster/reader-token-secret.js';
import { kubeconfigText } from './remote-secret.js';

// secrets.mode external-secrets: the remote secrets and cacerts by reference, through the
// External Secrets Operator (external-secrets.io; ExternalSecret v1, PushSecret v1alpha1, the
// versions ESO 2.9 serves). No token or key is read or written by meshgen:
//   - in a cluster others read, a PushSecret turns the reader token Secret (filled in by
//     Kubernetes' token controller: keys `token`, `ca.crt`, `namespace`) into the kubeconfig of
//     the remote secret and pushes it to the store, under <prefix>/<cluster>/reader;
//   - in each reader, an ExternalSecret makes the remote secret from that key, in the shape
//     `istioctl create-remote-secret` gives it (labels, annotation, one data key = cluster name);
//   - on a primary, an ExternalSecret makes cacerts from <prefix>/<cluster>/cacerts.
// Facts: ESO's templating (runtime/template/v2/template.go: Go text/template with sprig, data
// values as strings, missingkey=error) and the PushSecret controller's applyTemplate (the
// template runs over the selected Secret's data before the push), external-secrets/external-secrets.

const REFRESH_INTERVAL = '1h';

/** Template expressions for the two values the token Secret holds (sprig's b64enc: standard base64). */
const TOKEN_EXPRESSION = '{{ .token }}';
const CA_DATA_EXPRESSION = '{{ index . "ca.crt" | b64enc }}';

/** Stand-ins that YAML writes as plain scalars, like a real token (a JWT) and base64 do. */
const TOKEN_STANDIN = 'MESHGEN-TOKEN-STANDIN';
const CA_DATA_STANDIN = 'MESHGEN-CA-DATA-STANDIN';

/**
 * The kubeconfig as an ESO template: the very text of a plain-mode remote secret, with the token
 * and CA as expressions over the token Secret. A token and a base64 CA are plain YAML scalars, so
 * the filled-in template equals what plain mode writes from the same token and CA.
 */
export function kubeconfigTemplate(cluster: string, server: string): string {
  if (/\{\{|\}\}/.test(server)) throw new Error(`kubeconfigTemplate: server URL of ${cluster} contains a template delimiter`);
  const text = kubeconfigText(cluster, { server, caData: CA_DATA_STANDIN, token: TOKEN_STANDIN });
  if (text.split(TOKEN_STANDIN).length !== 2 || text.split(CA_DATA_STANDIN).length !== 2) throw new Error('kubeconfigTemplate: the stand-ins were not written once each');
  return text.replace(TOKEN_STANDIN, TOKEN_EXPRESSION).replace(CA_DATA_STANDIN, CA_DATA_EXPRESSION);
}

/** In a cluster others read: its reader kubeconfig, made from the token Secret, pushed to the store. */
export function readerPushSecret(store: ExternalSecretsModel, push: ReaderPushPlan): KubeObject {
  return kubeObject(PushSecret, {
    metadata: { name: READER_PUSH_SECRET, namespace: ISTIO_NAMESPACE },
    spec: {
      refreshInterval: REFRESH_INTERVAL,
      updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
      secretStoreRefs: [{ kind: PUSH_STORE_KINDS[store.storeRef.kind], name: store.storeRef.name }],
      selector: { secret: { name: READER_TOKEN_SECRET } },
      template: {
        engineVersion: PushSecretSpecTemplateEngineVersion.V2,
        data: { [KUBECONFIG_PROPERTY]: kubeconfigTemplate(push.cluster.name, push.server) },
      },
      data: [{ match: { secretKey: KUBECONFIG_PROPERTY, remoteRef: { remoteKey: push.remoteKey, property: KUBECONFIG_PROPERTY } } }],
    },
  });
}

/**
 * In a reader: the remote secret of one read cluster, made from the store. The template's
 * metadata and single data key give it the shape `istioctl create-remote-secret --name <read>`
 * gives it; istiod selects it by the label and takes the key as the cluster ID.
 */
export function remoteSecretExternalSecret(store: ExternalSecretsModel, pull: RemoteSecretPullPlan): KubeObject {
  const cluster = pull.read.name;
  return kubeObject(ExternalSecret, {
    metadata: { name: pull.name, namespace: ISTIO_NAMESPACE },
    spec: {
      refreshInterval: REFRESH_INTERVAL,
      secretStoreRef: { kind: STORE_KINDS[store.storeRef.kind], name: store.storeRef.name },
      target: {
        name: pull.name,
        template: {
          engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
          metadata: { labels: { 'istio/multiCluster': 'true' }, annotations: { 'networking.istio.io/cluster': cluster } },
          data: { [cluster]: `{{ .${KUBECONFIG_PROPERTY} }}` },
        },
      },
      data: [{ secretKey: KUBECONFIG_PROPERTY, remoteRef: { key: pull.remoteKey, property: KUBECONFIG_PROPERTY } }],
    },
  });
}

/** On a primary: cacerts from the key the one-time upload of spec.pki.dir fills, one property per file. */
export function cacertsExternalSecret(store: ExternalSecretsModel, remoteKey: string): KubeObject {
  return kubeObject(ExternalSecret, {
    metadata: { name: CACERTS_SECRET, namespace: ISTIO_NAMESPACE },
    spec: {
      refreshInterval: REFRESH_INTERVAL,
      secretStoreRef: { kind: STORE_KINDS[store.storeRef.kind], name: store.storeRef.name },
      target: { name: CACERTS_SECRET },
      data: CACERTS_KEYS.map((key) => ({ secretKey: key, remoteRef: { key: remoteKey, property: key } })),
    },
  });
}

const STORE_KINDS: Record<ExternalSecretsModel['storeRef']['kind'], ExternalSecretSpecSecretStoreRefKind> = {
  ClusterSecretStore: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
  SecretStore: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
};

const PUSH_STORE_KINDS: Record<ExternalSecretsModel['storeRef']['kind'], PushSecretSpecSecretStoreRefsKind> = {
  ClusterSecretStore: PushSecretSpecSecretStoreRefsKind.CLUSTER_SECRET_STORE,
  SecretStore: PushSecretSpecSecretStoreRefsKind.SECRET_STORE,
};
