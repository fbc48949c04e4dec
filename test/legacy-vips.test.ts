import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkPinnedVip, hashedVip, vipCollisions, vipOf } from '../src/rules/legacy-vips.js';
import { meshText, renderText } from './helpers/render.js';

// Virtual IPs of the legacy .global names: stable, collision-checked, inside the class E
// range Istio's docs suggest (240.0.0.0/4) and outside Istio's own auto-allocation range
// (240.240.0.0/16, PILOT_IP_AUTOALLOCATE_IPV4_PREFIX).

/**
 * The address of each ServiceEntry in cluster east of a rendered legacy .global mesh whose
 * services (flow mappings, in mesh.yaml order) all run in west: host → spec.addresses[0].
 */
function legacyAddresses(services: string[]): Record<string, string> {
  const { files } = renderText(
    meshText(`istio: { version: "1.30.3" }
legacy: { global: { enabled: true } }
clusters:
  - { name: east, network: net-1 }
  - { name: west, network: net-2, eastWestGateway: { address: 203.0.113.20 } }
services:
${services.map((s) => `  - ${s}`).join('\n')}`),
  );
  const addresses: Record<string, string> = {};
  for (const [path, content] of files) {
    if (!path.startsWith('east/manifests/networking.istio.io_ServiceEntry_')) continue;
    const entry = parse(content);
    expect(entry.spec.addresses, path).toHaveLength(1);
    addresses[entry.spec.hosts[0]] = entry.spec.addresses[0];
  }
  return addresses;
}

function octets(ip: string): number[] {
  return ip.split('.').map(Number);
}

/**
 * Two services of namespace "shop" whose derived addresses are equal, found by trying names:
 * both SHA-256 prefixes (7F9FF5A8EF6A5989, 44170140C4A700D7) give index 132538501, that is
 * 247.231.96.134, by the openssl/bc recipe below.
 */
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
    // A change here renumbers every existing mesh. These values were computed without meshgen,
    // from the mapping as documented in src/rules/legacy-vips.ts: the first 8 bytes of
    // SHA-256("<namespace>/<name>") as an unsigned big-endian integer, modulo
    // 2^28 - 2^16 - 2 = 268369918, plus 240.0.0.1, plus 2^16 when that reaches 240.240.0.0:
    //   h=$(printf %s bar/httpbin | openssl dgst -sha256 -r | cut -c1-16 | tr a-f A-F)
    //   echo "ibase=16; $h" | bc                  # then "% 268369918" in bc, and the sums above
    // bar/httpbin        3042CA49915255FE → index  81013646 → 244.213.43.143
    // sample/helloworld  9D09EB0D2CB64C2B → index  83285949 → 244.247.215.190
    // foo/sleep          2695B3810E87B9D6 → index  33970892 → 242.7.90.205
    // bookinfo/ratings   1AEDC8F35B5D8083 → index 137330249 → 248.48.126.74
    // bookinfo/reviews-2 4D5F5C447B179B91 → index  11726267 → 240.178.237.188 (below 240.240.0.0: not shifted)
    expect(hashedVip('bar', 'httpbin')).toBe('244.213.43.143');
    expect(hashedVip('sample', 'helloworld')).toBe('244.247.215.190');
    expect(hashedVip('foo', 'sleep')).toBe('242.7.90.205');
    expect(hashedVip('bookinfo', 'ratings')).toBe('248.48.126.74');
    expect(hashedVip('bookinfo', 'reviews-2')).toBe('240.178.237.188');
  });

  it('depends on both the namespace and the name', () => {
    expect(hashedVip('bar', 'httpbin')).not.toBe(hashedVip('foo', 'httpbin'));
    expect(hashedVip('bar', 'httpbin')).not.toBe(hashedVip('bar', 'httpbin2'));
    // "a-b"/"c" and "a"/"b-c" are different services
    expect(hashedVip('a-b', 'c')).not.toBe(hashedVip('a', 'b-c'));
  });

  it('of one service does not change when other services are added, removed or reordered', () => {
    const before = legacyAddresses([
      '{ name: httpbin, namespace: bar, ports: [{ port: 8000 }], clusters: [west] }',
      '{ name: helloworld, namespace: sample, ports: [{ port: 5000 }], clusters: [west] }',
      '{ name: ratings, namespace: bookinfo, ports: [{ port: 9080 }], clusters: [west] }',
      '{ name: reviews-2, namespace: bookinfo, ports: [{ port: 9080 }], clusters: [west] }',
    ]);
    // helloworld removed, sleep and details added, the rest listed in another order
    const after = legacyAddresses([
      '{ name: sleep, namespace: foo, ports: [{ port: 80 }], clusters: [west] }',
      '{ name: reviews-2, namespace: bookinfo, ports: [{ port: 9080 }], clusters: [west] }',
      '{ name: details, namespace: bookinfo, ports: [{ port: 9080 }], clusters: [west] }',
      '{ name: ratings, namespace: bookinfo, ports: [{ port: 9080 }], clusters: [west] }',
      '{ name: httpbin, namespace: bar, ports: [{ port: 8000 }], clusters: [west] }',
    ]);
    expect(Object.keys(before).sort()).toEqual(['helloworld.sample.global', 'httpbin.bar.global', 'ratings.bookinfo.global', 'reviews-2.bookinfo.global']);
    expect(Object.keys(after).sort()).toEqual(['details.bookinfo.global', 'httpbin.bar.global', 'ratings.bookinfo.global', 'reviews-2.bookinfo.global', 'sleep.foo.global']);
    for (const host of ['httpbin.bar.global', 'ratings.bookinfo.global', 'reviews-2.bookinfo.global']) expect(after[host], host).toBe(before[host]);
    // and they are the addresses of the format (see above), not merely equal to each other
    expect(before['httpbin.bar.global']).toBe('244.213.43.143');
    expect(after['sleep.foo.global']).toBe('242.7.90.205');
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
    expect(hashedVip(COLLIDING[0].namespace, COLLIDING[0].name)).toBe('247.231.96.134');
    expect(hashedVip(COLLIDING[1].namespace, COLLIDING[1].name)).toBe('247.231.96.134');
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
