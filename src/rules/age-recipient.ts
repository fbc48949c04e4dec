// age X25519 recipients ("age1..."): Bech32 (BIP 173) with human-readable part "age" and a
// 32-byte public key, as the age specification (https://age-encryption.org/v1, "The X25519
// recipient type") and filippo.io/age's ParseX25519Recipient define them. age lifts Bech32's
// 90-character limit; an X25519 recipient is 62 characters. Written from the BIP 173 text.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATORS[i];
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

/** The bytes a Bech32 string carries, or why it is not one. */
export function bech32Decode(text: string): { hrp: string; bytes: Uint8Array } | { problem: string } {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return { problem: 'it mixes upper and lower case' };
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || separator + 7 > lower.length) return { problem: 'it has no "1" separator followed by data and a checksum' };
  const hrp = lower.slice(0, separator);
  const data: number[] = [];
  for (const c of lower.slice(separator + 1)) {
    const v = CHARSET.indexOf(c);
    if (v < 0) return { problem: `"${c}" is not a Bech32 character` };
    data.push(v);
  }
  if (polymod([...hrpExpand(hrp), ...data]) !== 1) return { problem: 'its checksum is wrong (a typo, or a truncated key)' };
  // 5-bit groups to bytes; the padding must be zero and shorter than a group
  const words = data.slice(0, -6);
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const w of words) {
    acc = (acc << 5) | w;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return { problem: 'its data has invalid padding' };
  return { hrp, bytes: Uint8Array.from(bytes) };
}

/** Why `text` is not an age X25519 recipient, or undefined when it is one. */
export function ageRecipientProblem(text: string): string | undefined {
  if (text.startsWith('AGE-SECRET-KEY-')) return 'this is an age identity (a private key), not a recipient: give its public key (age-keygen -y)';
  if (!text.startsWith('age1')) return 'an age recipient starts with "age1"';
  if (text !== text.toLowerCase()) return 'an age recipient is lower case';
  const decoded = bech32Decode(text);
  if ('problem' in decoded) return decoded.problem;
  if (decoded.hrp !== 'age') return `its type "${decoded.hrp}" is not an X25519 recipient ("age"), the only kind meshgen encrypts for`;
  if (decoded.bytes.length !== 32) return `it holds ${decoded.bytes.length} bytes, not the 32 of an X25519 public key`;
  return undefined;
}
