import { describe, expect, it } from 'vitest';
import { checkPinnedVip, hashedVip, vipCollisions, vipOf } from '../src/rules/legacy-vips.js';

// Virtual IPs of the legacy .global names: stable, collision-checked, inside the class E
// range Istio's docs suggest (240.0.0.0/4) and outside Istio's own auto-allocation range
// (240.240.0.0/16, PILOT_IP_AUTOALLOCATE_IPV4_PREFIX).

function octets(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Two services of namespace "shop" whose derived addresses are equal, found by trying names. */
const COLLIDING = [
  { namespace: 'shop', name: 'api-8596' },
  { namespace: 'shop', name: 'api-24274' },
];

describe('a derived virtual IP', () => {
  it('lies in 240.0.0.0/4, outside 240.240.0.0/16, and is neither its first nor its last address', () => {
    const outside = Array.from({ length: 20000 }, (_, i) => hashedVip(`ns-${i % 7}`, `service-${i}`)).filter((vip) => {
      const [a, b] = octets(vip);
      return a < 240 || (a === 240 && b === 240) || vip === '240.0.0.0' || vip === '255.255.255.255';
    });
    expect(outside).toEqual([]);
  });

  it('spreads over the whole range, not only its start', () => {
    const firstOctets = new Set<number>();
    for (let i = 0; i < 2000; i++) firstOctets.add(octets(hashedVip('ns', `service-${i}`))[0]);
    expect(firstOctets.size).toBe(16); // 240 … 255
  });

  it('is part of the format: the same service gets the same address from every meshgen version', () => {
    // reviewed values; a change here renumbers every existing mesh
    expect(hashedVip('bar', 'httpbin')).toBe('244.213.43.143');
    expect(hashedVip('sample', 'helloworld')).toBe('244.247.215.190');
  });

  it('depends on both the namespace and the name', () => {
    expect(hashedVip('bar', 'httpbin')).not.toBe(hashedVip('foo', 'httpbin'));
    expect(hashedVip('bar', 'httpbin')).not.toBe(hashedVip('bar', 'httpbin2'));
    // "a-b"/"c" and "a"/"b-c" are different services
    expect(hashedVip('a-b', 'c')).not.toBe(hashedVip('a', 'b-c'));
  });

  it('does not change when services are added, removed or reordered', () => {
    const before = [{ namespace: 'bar', name: 'httpbin' }, { namespace: 'sample', name: 'helloworld' }];
    const after = [{ namespace: 'foo', name: 'sleep' }, ...before].reverse();
    for (const s of before) expect(vipOf(after.find((a) => a.name === s.name)!)).toBe(vipOf(s));
  });
});

describe('a pinned virtual IP', () => {
  it('is used as given', () => {
    expect(vipOf({ namespace: 'bar', name: 'httpbin', vip: '240.0.0.2' })).toBe('240.0.0.2');
  });

  it('must be an IPv4 address in 240.0.0.0/4 outside 240.240.0.0/16', () => {
    expect(checkPinnedVip('240.0.0.2')).toBeUndefined();
    expect(checkPinnedVip('255.255.255.254')).toBeUndefined();
    expect(checkPinnedVip('240.239.255.255')).toBeUndefined();
    expect(checkPinnedVip('240.241.0.0')).toBeUndefined();
    expect(checkPinnedVip('239.255.255.255')).toBe('outside-class-e'); // multicast
    expect(checkPinnedVip('127.0.0.2')).toBe('outside-class-e');
    expect(checkPinnedVip('240.240.0.0')).toBe('auto-allocate-range');
    expect(checkPinnedVip('240.240.255.255')).toBe('auto-allocate-range');
    expect(checkPinnedVip('240.0.0.0')).toBe('reserved');
    expect(checkPinnedVip('255.255.255.255')).toBe('reserved');
    expect(checkPinnedVip('240.0.0')).toBe('not-ipv4');
    expect(checkPinnedVip('fd00::1')).toBe('not-ipv4');
  });
});

describe('collisions', () => {
  it('two services that hash to one address are reported together', () => {
    expect(hashedVip(COLLIDING[0].namespace, COLLIDING[0].name)).toBe(hashedVip(COLLIDING[1].namespace, COLLIDING[1].name));
    const collisions = vipCollisions([{ namespace: 'bar', name: 'httpbin' }, ...COLLIDING]);
    expect(collisions.map((c) => c.services.map((s) => s.name))).toEqual([['api-24274', 'api-8596']]);
  });

  it('are found whatever the order of the services', () => {
    expect(vipCollisions([...COLLIDING].reverse())).toEqual(vipCollisions(COLLIDING));
  });

  it('a pinned address collides with a derived one like any other', () => {
    const derived = hashedVip('bar', 'httpbin');
    expect(vipCollisions([{ namespace: 'bar', name: 'httpbin' }, { namespace: 'foo', name: 'other', vip: derived }])).toHaveLength(1);
  });

  it('pinning one of two colliding services resolves it without moving the other', () => {
    const pinned = [COLLIDING[0], { ...COLLIDING[1], vip: '240.0.0.9' }];
    expect(vipCollisions(pinned)).toEqual([]);
    expect(vipOf(pinned[0])).toBe(hashedVip(COLLIDING[0].namespace, COLLIDING[0].name));
  });
});
