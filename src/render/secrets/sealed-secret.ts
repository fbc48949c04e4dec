import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import type { KubeObject } from '../../resource/kube-object.js';

// A SealedSecret (bitnami.com/v1alpha1) sealed offline, as `kubeseal --cert <file>` seals
// with the default strict scope. Facts from github.com/bitnami-labs/sealed-secrets v0.36.6:
//
// - pkg/crypto/crypto.go HybridEncrypt: a random 32-byte session key is encrypted with
//   RSA-OAEP (SHA-256, MGF1 SHA-256) under the controller's public key, with the scope label
//   as the OAEP label; the value is AES-256-GCM under the session key with an all-zero
//   12-byte nonce and no additional data (each session key is used once). Output: the RSA
//   ciphertext's length as 2 bytes big-endian, the RSA ciphertext, the GCM ciphertext + tag.
// - pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go: the label of the strict scope
//   is "<namespace>/<name>"; each key of the Secret's data (its bytes) and stringData is
//   sealed on its own into spec.encryptedData, base64 (standard); the Secret's metadata
//   (name, namespace, labels, annotations) and type go to spec.template.

/** One value sealed the way HybridEncrypt does it. */
export function hybridEncrypt(publicKey: KeyObject, plaintext: Buffer, label: string): Buffer {
  const sessionKey = randomBytes(32);
  const rsa = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label, 'utf8') }, sessionKey);
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  return Buffer.concat([length, rsa, sealed]);
}

/**
 * The Secret as a SealedSecret of strict scope. `annotations` go on the SealedSecret itself
 * (not on the Secret the controller makes from it).
 */
export function sealSecret(secret: KubeObject, publicKey: KeyObject, annotations: Record<string, string>): KubeObject {
  const name = secret.metadata.name;
  const namespace = secret.metadata.namespace ?? '';
  const label = `${namespace}/${name}`;
  const encryptedData: Record<string, string> = {};
  const data = (secret.data ?? {}) as Record<string, string>;
  const stringData = (secret.stringData ?? {}) as Record<string, string>;
  for (const [key, value] of Object.entries(data)) encryptedData[key] = hybridEncrypt(publicKey, Buffer.from(value, 'base64'), label).toString('base64');
  for (const [key, value] of Object.entries(stringData)) encryptedData[key] = hybridEncrypt(publicKey, Buffer.from(value, 'utf8'), label).toString('base64');
  const { labels, annotations: secretAnnotations } = secret.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      encryptedData,
      template: {
        metadata: { name, namespace, ...(labels ? { labels } : {}), ...(secretAnnotations ? { annotations: secretAnnotations } : {}) },
        type: (secret.type as string | undefined) ?? 'Opaque',
      },
    },
  };
}
