// A minimal DER reader: just the parts of X.509 that Node's X509Certificate does not expose
// (basicConstraints path length, key identifiers, exact validity dates, the raw subject name).
// Its counterpart is der-writer.ts.
import { OID, TAG, TBS_EXTENSIONS_TAG, TBS_VERSION_TAG } from './asn1.js';

/** One tag-length-value element: offsets into the buffer it was read from. */
interface Element {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** the DER inside the extnValue OCTET STRING */
  value: Buffer;
}

export interface CertificateFields {
  /** the issuer Name exactly as encoded */
  rawIssuer: Buffer;
  /** the subject Name exactly as encoded; a child's issuer must repeat it byte for byte (Go compares bytes) */
  rawSubject: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: Extension[];
}

export interface BasicConstraints {
  ca: boolean;
  pathLength?: number;
  critical: boolean;
}

export function readCertificateFields(der: Buffer): CertificateFields {
  const [tbs] = childrenOf(der, readElement(der, 0));
  const fields = childrenOf(der, tbs);
  // version is optional (absent means v1), so the other fields shift by one when it is there
  const at = fields[0].tag === TBS_VERSION_TAG ? 1 : 0;
  const [issuer, validity, subject] = [fields[at + 2], fields[at + 3], fields[at + 4]];
  const [notBefore, notAfter] = childrenOf(der, validity);
  const extensionsField = fields.find((f) => f.tag === TBS_EXTENSIONS_TAG);
  return {
    rawIssuer: bytesOf(der, issuer),
    rawSubject: bytesOf(der, subject),
    notBefore: readTime(der, notBefore),
    notAfter: readTime(der, notAfter),
    extensions: extensionsField ? readExtensions(der, childrenOf(der, extensionsField)[0]) : [],
  };
}

export function findExtension(fields: CertificateFields, oid: string): Extension | undefined {
  return fields.extensions.find((e) => e.oid === oid);
}

/**
 * basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
 * Throws on a malformed extension (Node parses certificates without looking inside it).
 */
export function readBasicConstraints(fields: CertificateFields): BasicConstraints | undefined {
  const extension = findExtension(fields, OID.basicConstraints);
  if (!extension) return undefined;
  const value = extension.value;
  const result: BasicConstraints = { ca: false, critical: extension.critical };
  const sequence = readElement(value, 0);
  if (sequence.tag !== TAG.sequence || sequence.end !== value.length) throw new Error('malformed basicConstraints');
  for (const child of childrenOf(value, sequence)) {
    const length = child.end - child.contentStart;
    if (child.tag === TAG.boolean) {
      if (length !== 1) throw new Error('malformed basicConstraints cA');
      result.ca = value[child.contentStart] !== 0;
    } else if (child.tag === TAG.integer) {
      if (length < 1 || length > 4) throw new Error('malformed basicConstraints pathLenConstraint');
      result.pathLength = readSmallInteger(contentOf(value, child));
    } else {
      throw new Error('malformed basicConstraints');
    }
  }
  return result;
}

/** SubjectKeyIdentifier ::= OCTET STRING; throws on a malformed extension. */
export function readSubjectKeyIdentifier(fields: CertificateFields): Buffer | undefined {
  const extension = findExtension(fields, OID.subjectKeyIdentifier);
  if (!extension) return undefined;
  const element = readElement(extension.value, 0);
  if (element.tag !== TAG.octetString || element.end !== extension.value.length) throw new Error('malformed subjectKeyIdentifier');
  return contentOf(extension.value, element);
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo: what RFC 5280's key identifier method 1 hashes. */
export function readSubjectPublicKeyBits(spki: Buffer): Buffer {
  const [, bitString] = childrenOf(spki, readElement(spki, 0));
  return contentOf(spki, bitString).subarray(1); // the first content byte counts unused bits
}

function readExtensions(der: Buffer, sequence: Element): Extension[] {
  return childrenOf(der, sequence).map((extension) => {
    const parts = childrenOf(der, extension);
    const critical = parts.length === 3 && der[parts[1].contentStart] !== 0;
    return { oid: readOid(contentOf(der, parts[0])), critical, value: contentOf(der, parts[parts.length - 1]) };
  });
}

function readElement(der: Buffer, offset: number): Element {
  if (offset + 2 > der.length) throw new Error('truncated DER');
  const tag = der[offset];
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const lengthBytes = length & 0x7f;
    if (lengthBytes === 0 || lengthBytes > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + der[contentStart++];
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('truncated DER');
  return { tag, start: offset, contentStart, end };
}

function childrenOf(der: Buffer, parent: Element): Element[] {
  const children: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(der, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

function contentOf(der: Buffer, element: Element): Buffer {
  return der.subarray(element.contentStart, element.end);
}

function bytesOf(der: Buffer, element: Element): Buffer {
  return der.subarray(element.start, element.end);
}

function readOid(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
    else arcs.push(value);
    value = 0;
  }
  return arcs.join('.');
}

function readSmallInteger(bytes: Buffer): number {
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (DER requires seconds and Z). */
function readTime(der: Buffer, element: Element): Date {
  const text = contentOf(der, element).toString('latin1');
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) throw new Error('unsupported time encoding');
  let year = Number(match[1]);
  if (element.tag === TAG.utcTime) year += year < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
  const [month, day, hours, minutes, seconds] = match.slice(2).map(Number);
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
}
