import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** the address as a big integer, masked to the prefix */
  network: bigint;
  prefix: number;
}

/** Parses "10.10.0.0/16" or "fd00::/64"; undefined when it is not a CIDR range. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (isIPv4(address)) {
    if (prefix > 32) return undefined;
    const value = address.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
    return { family: 4, network: mask(value, prefix, 32), prefix };
  }
  if (isIPv6(address)) {
    if (prefix > 128) return undefined;
    return { family: 6, network: mask(ipv6ToBigInt(address), prefix, 128), prefix };
  }
  return undefined;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  const shorter = Math.min(a.prefix, b.prefix);
  return mask(a.network, shorter, bits) === mask(b.network, shorter, bits);
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

function ipv6ToBigInt(address: string): bigint {
  // expand "::" and an embedded IPv4 tail, then read eight 16-bit groups
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(missing).fill('0'), ...tailGroups];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}
