// The ASN.1 numbers of X.509 that meshgen reads (der.ts) and writes (der-writer.ts,
// certificate.ts): DER tags (ITU-T X.690) and object identifiers (RFC 5280, RFC 4519).

/** Universal tags, as the first byte of a DER element (constructed ones with bit 0x20 set). */
export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific tags: [n] constructed (EXPLICIT) is 0xa0 | n, [n] primitive (IMPLICIT) 0x80 | n. */
export const CONTEXT_CONSTRUCTED = 0xa0;
export const CONTEXT_PRIMITIVE = 0x80;

/** TBSCertificate's version is [0] EXPLICIT, its extensions [3] EXPLICIT. */
export const TBS_VERSION_TAG = CONTEXT_CONSTRUCTED | 0;
export const TBS_EXTENSIONS_TAG = CONTEXT_CONSTRUCTED | 3;

export const OID = {
  organization: '2.5.4.10',
  commonName: '2.5.4.3',
  locality: '2.5.4.7',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
} as const;
