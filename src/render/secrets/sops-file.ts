import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { canonicalYaml } from '../../resource/canonical-yaml.js';
import type { KubeObject } from '../../resource/kube-object.js';

// A SOPS-encrypted YAML document, made in-process: the format of getsops/sops v3.13
// (github.com/getsops/sops @ 15e36f97), written from these facts of its source:
//
// - aes/cipher.go: each value is AES-256-GCM with a random 32-byte nonce and the additional
//   data below, written `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:str]` (standard
//   base64, the 16-byte tag apart from the data); an empty string stays "" unencrypted.
// - sops.go Tree.Encrypt: the additional data of a value is its key path joined by ":" plus a
//   trailing ":" (list items add no index); which values are encrypted is decided by
//   `encrypted_regex`, tested against every key of the path; the MAC is SHA-512 over the bytes
//   of every leaf value in document order (encrypted or not, comments excluded), as upper-case
//   hex.
// - cmd/sops/common/common.go EncryptTree: the MAC is encrypted like a value, with the
//   `lastmodified` time in RFC 3339 as its additional data.
// - age/keysource.go: the 32-byte data key is an ASCII-armored age file per recipient.
// - stores/stores.go: the `sops:` map (age: [{enc, recipient}], encrypted_regex, lastmodified,
//   mac, version); keys sorted by name since v3.13.0.
//
// Only data and stringData are encrypted (`^(data|stringData)$`), so apiVersion, kind and
// metadata stay readable, as Flux requires (kustomize-controller docs, "Decryption").

export const SOPS_ENCRYPTED_REGEX = '^(data|stringData)$';
/** The SOPS release whose file format this writes (the `version` key; sops reads files of any 3.x version). */
export const SOPS_FORMAT_VERSION = '3.13.2';
const ENCRYPTED_KEY = /^(data|stringData)$/;
const NONCE_BYTES = 32;

/** One value encrypted the way sops' aes.Cipher.Encrypt does it. */
export function encryptValue(plaintext: string, dataKey: Buffer, additionalData: string, iv: Buffer = randomBytes(NONCE_BYTES)): string {
  if (plaintext === '') return '';
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:str]`;
}

/** RFC 3339 in UTC without fractional seconds, as Go's time.RFC3339 formats a UTC time. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Leaf {
  path: string[];
  value: string;
}

/**
 * The leaves of the object in the order its canonical YAML lists them, which is the order
 * sops walks (and MACs) the file in. The order is read back from the written text, so it is
 * the writer's, whatever the object's key order.
 */
function leavesInFileOrder(text: string): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)]);
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, path);
    } else if (isScalar(node)) {
      if (node.value === null) return; // sops skips nulls
      if (typeof node.value !== 'string') throw new Error(`internal: SOPS encryption of a non-string value at ${path.join('.')}`);
      leaves.push({ path, value: node.value });
    }
  };
  walk(parseDocument(text, { version: '1.1' }).contents as YamlNode, []);
  return leaves;
}

function setAt(target: Record<string, unknown>, path: string[], value: string): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

/** The age file (armored) that gives `recipient` the data key. */
async function wrapDataKey(dataKey: Buffer, recipient: string): Promise<string> {
  // loaded here, not at the top: out/README.md's text needs this module's constants on every
  // build, and age-encryption (with its post-quantum code) only a build that encrypts
  const { armor, Encrypter } = await import('age-encryption');
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(new Uint8Array(dataKey)));
}

/**
 * The object as a SOPS-encrypted YAML document (canonical YAML, `sops:` last by name order),
 * for every age recipient. `lastModified` goes into the file and into the MAC's additional data.
 */
export async function sopsEncrypt(object: KubeObject, recipients: readonly string[], lastModified: Date): Promise<string> {
  if (recipients.length === 0) throw new Error('internal: SOPS encryption without a recipient');
  const plainText = canonicalYaml(object);
  const dataKey = randomBytes(32);
  const encrypted = structuredClone(object) as Record<string, unknown>;
  const mac = createHash('sha512');
  for (const leaf of leavesInFileOrder(plainText)) {
    mac.update(leaf.value, 'utf8');
    if (leaf.path.some((key) => ENCRYPTED_KEY.test(key))) setAt(encrypted, leaf.path, encryptValue(leaf.value, dataKey, leaf.path.join(':') + ':'));
  }
  const modified = rfc3339(lastModified);
  const age = [];
  for (const recipient of recipients) age.push({ enc: await wrapDataKey(dataKey, recipient), recipient });
  encrypted.sops = {
    age,
    encrypted_regex: SOPS_ENCRYPTED_REGEX,
    lastmodified: modified,
    mac: encryptValue(mac.digest('hex').toUpperCase(), dataKey, modified),
    version: SOPS_FORMAT_VERSION,
  };
  return canonicalYaml(encrypted);
}
