// A minimal DER writer (ITU-T X.690 section 10): the universal types an X.509 CA certificate
// needs, each returning its complete tag-length-value encoding. Its counterpart is der.ts.
import { CONTEXT_CONSTRUCTED, CONTEXT_PRIMITIVE, TAG } from './asn1.js';

/** One element: tag, definite length (short form below 128, else the fewest length bytes), content. */
export function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) {
    header = Buffer.from([tag, length]);
  } else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

export function sequence(...children: Buffer[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(children));
}

/** A SET whose members are given in their DER order (one member here: an RDN of one attribute). */
export function set(...children: Buffer[]): Buffer {
  return tlv(TAG.set, Buffer.concat(children));
}

export function boolean(value: boolean): Buffer {
  return tlv(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));
}

/** An INTEGER from its two's-complement content bytes, as given (callers keep them minimal). */
export function integerBytes(content: Buffer): Buffer {
  return tlv(TAG.integer, content);
}

/** A non-negative INTEGER below 2^31, minimally encoded. */
export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`smallInteger: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if (bytes[0] & 0x80) bytes.unshift(0x00); // keep it positive
  return tlv(TAG.integer, Buffer.from(bytes));
}

export function nullValue(): Buffer {
  return tlv(TAG.null, Buffer.alloc(0));
}

/** An OBJECT IDENTIFIER from its dotted form: 40 * first + second, then each arc in base 128. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) throw new RangeError(`oid: ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const group: number[] = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) group.unshift((rest % 128) | 0x80);
    bytes.push(...group);
  }
  return tlv(TAG.oid, Buffer.from(bytes));
}

export function utf8String(text: string): Buffer {
  return tlv(TAG.utf8String, Buffer.from(text, 'utf8'));
}

export function octetString(content: Buffer): Buffer {
  return tlv(TAG.octetString, content);
}

/** A BIT STRING: the count of unused bits in the last byte, then the bytes. */
export function bitString(content: Buffer, unusedBits = 0): Buffer {
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), content]));
}

/** [n] EXPLICIT: a constructed context-specific element wrapping one complete element. */
export function explicit(tagNumber: number, child: Buffer): Buffer {
  return tlv(CONTEXT_CONSTRUCTED | tagNumber, child);
}

/** [n] IMPLICIT of a primitive type: its content under a context-specific tag. */
export function implicitPrimitive(tagNumber: number, content: Buffer): Buffer {
  return tlv(CONTEXT_PRIMITIVE | tagNumber, content);
}

/**
 * An X.509 Time (RFC 5280 4.1.2.5): UTCTime YYMMDDHHMMSSZ for 1950 through 2049, GeneralizedTime
 * YYYYMMDDHHMMSSZ otherwise; whole seconds, UTC.
 */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const two = (n: number) => String(n).padStart(2, '0');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(TAG.utcTime, Buffer.from(`${two(year % 100)}${rest}`, 'latin1'));
  return tlv(TAG.generalizedTime, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'latin1'));
}
