import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { compareText } from '../diagnostics/diagnostic.js';

// Virtual IPs of the legacy .global names. Each ServiceEntry needs an address that is unique
// in the cluster; Istio's docs suggest the class E range 240.0.0.0/4 (never multicast or
// loopback), and Istio allocates addresses itself from 240.240.0.0/16
// (PILOT_IP_AUTOALLOCATE_IPV4_PREFIX), so that block is left out.
//
// A VIP is a pure function of the service's identity, `<namespace>/<name>`: a SHA-256 of it,
// mapped into the allowed range. No service's address depends on which other services exist
// or on the order mesh.yaml lists them, so adding or removing a service never moves another
// one. The price is that two services can hash to one address (about 1 in 270 million per
// pair). Probing for a free address would make one of them depend on the other's presence,
// so a collision is reported instead, naming both; pinning either with `vip` resolves it
// without moving anything else. The mapping is part of the format: changing it would
// renumber every existing mesh.

const CLASS_E_FIRST = ipToNumber('240.0.0.0');
const CLASS_E_SIZE = 2 ** 28; // 240.0.0.0/4
const AUTO_ALLOCATE_FIRST = ipToNumber('240.240.0.0');
const AUTO_ALLOCATE_SIZE = 2 ** 16; // 240.240.0.0/16
/** 240.0.0.1 … 255.255.255.254 without 240.240.0.0/16: the network and broadcast addresses stay out too. */
const HASHED_RANGE_SIZE = CLASS_E_SIZE - AUTO_ALLOCATE_SIZE - 2;

export const VIP_RANGE = '240.0.0.0/4';
export const ISTIO_AUTO_ALLOCATE_RANGE = '240.240.0.0/16';

export interface VipRequest {
  namespace: string;
  name: string;
  /** a pinned address (services[].vip), checked by checkPinnedVip */
  vip?: string;
}

export interface VipCollision<T extends VipRequest> {
  vip: string;
  /** every service that wants this address, in namespace/name order */
  services: T[];
}

export function serviceKey(s: { namespace: string; name: string }): string {
  return `${s.namespace}/${s.name}`;
}

/** The address a service gets when it does not pin one. */
export function hashedVip(namespace: string, name: string): string {
  const digest = createHash('sha256').update(serviceKey({ namespace, name }), 'utf8').digest();
  const index = Number(digest.readBigUInt64BE(0) % BigInt(HASHED_RANGE_SIZE));
  let address = CLASS_E_FIRST + 1 + index;
  if (address >= AUTO_ALLOCATE_FIRST) address += AUTO_ALLOCATE_SIZE;
  return numberToIp(address);
}

export function vipOf(s: VipRequest): string {
  return s.vip ?? hashedVip(s.namespace, s.name);
}

/** Addresses wanted by more than one service. Independent of the order of `services`. */
export function vipCollisions<T extends VipRequest>(services: readonly T[]): VipCollision<T>[] {
  const byVip = new Map<string, T[]>();
  for (const s of services) {
    const vip = vipOf(s);
    byVip.set(vip, [...(byVip.get(vip) ?? []), s]);
  }
  return [...byVip]
    .filter(([, wanting]) => wanting.length > 1)
    .map(([vip, wanting]) => ({ vip, services: [...wanting].sort((a, b) => compareText(serviceKey(a), serviceKey(b))) }))
    .sort((a, b) => compareText(serviceKey(a.services[0]), serviceKey(b.services[0])));
}

export type PinnedVipProblem = 'not-ipv4' | 'outside-class-e' | 'auto-allocate-range' | 'reserved';

/** Why a pinned address cannot be used, or undefined when it can. */
export function checkPinnedVip(vip: string): PinnedVipProblem | undefined {
  if (!isIPv4(vip)) return 'not-ipv4';
  const n = ipToNumber(vip);
  if (n < CLASS_E_FIRST) return 'outside-class-e';
  if (n >= AUTO_ALLOCATE_FIRST && n < AUTO_ALLOCATE_FIRST + AUTO_ALLOCATE_SIZE) return 'auto-allocate-range';
  if (n === CLASS_E_FIRST || n === CLASS_E_FIRST + CLASS_E_SIZE - 1) return 'reserved';
  return undefined;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
