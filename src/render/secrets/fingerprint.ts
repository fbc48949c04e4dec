import { createHmac, hkdfSync } from 'node:crypto';
import { parseDocument } from 'yaml';
import { canonicalYaml } from '../../resource/canonical-yaml.js';
import type { KubeObject } from '../../resource/kube-object.js';

// Encryption (SOPS, Sealed Secrets) is randomised, yet a rebuild whose plaintext did not change
// must leave the committed file byte for byte. Each encrypted file therefore carries, in a
// plain annotation, a fingerprint of what it was made from: an HMAC-SHA256 of the plaintext
// Secret and of everything the encryption depends on (format, recipients or certificate),
// keyed with a key derived from the cluster's intermediate CA key in spec.pki.dir. A build
// that computes the same fingerprint keeps the file as it is; any change of plaintext,
// recipients or certificate gives a new fingerprint and a new encryption of that file only.
//
// Why in the file rather than in a local cache beside pki/: the committed file then says by
// itself what it was made from, so any machine with spec.pki.dir keeps it (no cache to lose,
// share or keep in step with git), and `--check` needs nothing but the tree. Why keyed: a
// plain hash in git would let anyone confirm a guessed token or key; an HMAC under a key
// derived from the CA key (already the most private file meshgen reads, and needed to build
// these Secrets at all) reveals nothing about the plaintext.

export const FINGERPRINT_ANNOTATION = 'meshgen.dev/encrypted-from';
const FINGERPRINT_VERSION = 'v1';

/** The HMAC key of one cluster's encrypted files, derived from its intermediate CA key (PEM). */
export function fingerprintKey(caKeyPem: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(caKeyPem, 'utf8'), Buffer.alloc(0), Buffer.from('meshgen.dev encrypted-secret fingerprint', 'utf8'), 32));
}

/** The fingerprint of a plaintext Secret encrypted under `encryption` (a description of format and keys). */
export function fingerprint(key: Buffer, secret: KubeObject, encryption: string): string {
  const hmac = createHmac('sha256', key);
  hmac.update(`${FINGERPRINT_VERSION}\n${encryption}\n`);
  hmac.update(canonicalYaml(secret));
  return `${FINGERPRINT_VERSION}:${hmac.digest('base64')}`;
}

/** The fingerprint recorded in an encrypted file meshgen wrote, or undefined. */
export function recordedFingerprint(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const value = parseDocument(text, { version: '1.1' }).getIn(['metadata', 'annotations', FINGERPRINT_ANNOTATION]);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
