import type { KeyObject } from 'node:crypto';
import { generatedHeader, yamlFile } from '../../resource/canonical-yaml.js';
import type { KubeObject } from '../../resource/kube-object.js';
import type { OutputFile } from '../../resource/output-files.js';
import type { ClusterEncryption } from '../../plan/secret-delivery.js';
import { fingerprint, FINGERPRINT_ANNOTATION, recordedFingerprint } from './fingerprint.js';
import { sopsEncrypt } from './sops-file.js';
import { sealSecret } from './sealed-secret.js';

// The second half of rendering private Secrets in secrets.mode sops and sealed-secrets:
// render-mesh.ts builds each plaintext Secret (it knows their shape), this encrypts it. It is
// apart because age encryption is asynchronous and because it reads the files a previous build
// committed: a file whose recorded fingerprint matches is kept byte for byte (fingerprint.ts).

export interface PendingEncryption {
  /** under out/ */
  path: string;
  cluster: string;
  /** the Secret's name, for the summary */
  name: string;
  /** the plaintext Secret; undefined when its material is not at hand (--check without keys, a missing token) */
  secret?: KubeObject;
  encryption: ClusterEncryption;
  /** the HMAC key of the cluster's fingerprints; undefined without its CA key */
  fingerprintKey?: Buffer;
}

/** A controller certificate, read and checked by the credentials stage. */
export interface SealingKey {
  publicKey: KeyObject;
  /** SHA-256 of the certificate (DER), hex */
  sha256: string;
}

export interface EncryptInput {
  pending: readonly PendingEncryption[];
  /** the text of each pending path in out/ now, where there is one */
  previous: ReadonlyMap<string, string>;
  /** by certFile as mesh.yaml gives it */
  sealingKeys: ReadonlyMap<string, SealingKey>;
  now: Date;
  sourceLabel: string;
}

export type EncryptedOutcome = 'kept' | 'encrypted' | 'not rendered';

export interface EncryptedSecret {
  cluster: string;
  name: string;
  path: string;
  format: ClusterEncryption['format'];
  outcome: EncryptedOutcome;
}

/** What the fingerprint covers besides the plaintext: the format and the keys it is encrypted for. */
function describeEncryption(encryption: ClusterEncryption, sealingKeys: ReadonlyMap<string, SealingKey>): string {
  if (encryption.format === 'sops') return `sops ${encryption.ageRecipients.join(' ')}`;
  const key = sealingKeys.get(encryption.certFile);
  if (!key) throw new Error(`internal: no sealing key for ${encryption.certFile}`);
  return `sealed strict ${key.sha256}`;
}

export async function encryptSecrets(input: EncryptInput): Promise<{ files: OutputFile[]; secrets: EncryptedSecret[] }> {
  const files: OutputFile[] = [];
  const secrets: EncryptedSecret[] = [];
  for (const item of input.pending) {
    const report = (outcome: EncryptedOutcome) => secrets.push({ cluster: item.cluster, name: item.name, path: item.path, format: item.encryption.format, outcome });
    if (!item.secret) {
      files.push({ path: item.path, content: undefined, private: false });
      report('not rendered');
      continue;
    }
    const print = item.fingerprintKey ? fingerprint(item.fingerprintKey, item.secret, describeEncryption(item.encryption, input.sealingKeys)) : undefined;
    const previous = input.previous.get(item.path);
    if (print !== undefined && previous !== undefined && recordedFingerprint(previous) === print) {
      files.push({ path: item.path, content: previous, private: false });
      report('kept');
      continue;
    }
    const annotations: Record<string, string> = print ? { [FINGERPRINT_ANNOTATION]: print } : {};
    let content: string;
    if (item.encryption.format === 'sops') {
      const metadata = item.secret.metadata as KubeObject['metadata'] & { annotations?: Record<string, string> };
      const annotated: KubeObject = { ...item.secret, metadata: { ...metadata, annotations: { ...metadata.annotations, ...annotations } } };
      content = generatedHeader(input.sourceLabel) + (await sopsEncrypt(annotated, item.encryption.ageRecipients, input.now));
    } else {
      const key = input.sealingKeys.get(item.encryption.certFile);
      if (!key) throw new Error(`internal: no sealing key for ${item.encryption.certFile}`);
      content = yamlFile(input.sourceLabel, sealSecret(item.secret, key.publicKey, annotations));
    }
    files.push({ path: item.path, content, private: false });
    report('encrypted');
  }
  return { files, secrets };
}
