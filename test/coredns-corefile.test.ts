import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { parse } from 'yaml';
import { EXAMPLES, examplePath } from './helpers/fixtures.js';
import { meshText, renderText } from './helpers/render.js';
import { parseCorefile, type ServerBlock } from './helpers/corefile.js';
import type { MeshModel } from '../src/model/mesh-model.js';

// Every Corefile stanza meshgen emits for the legacy .global zone, read back and checked:
// the server blocks, the plugin that answers the zone, and its addresses (reference
// section 5, "Cluster DNS stub"; istio.io "Replicated control planes", "Setup DNS").

interface Stanza {
  /** where it came from, for failure messages */
  label: string;
  mesh: MeshModel;
  cluster: string;
  provider: 'coredns' | 'coredns-custom';
  text: string;
}

/** The coredns and coredns-custom ConfigMaps of a rendered mesh. */
function stanzasOf(label: string, text: string): Stanza[] {
  const { mesh, files } = renderText(text);
  const stanzas: Stanza[] = [];
  for (const [path, content] of files) {
    const cluster = path.split('/')[0];
    if (path.endsWith('/manifests/core_ConfigMap_kube-system_coredns.yaml')) {
      stanzas.push({ label: `${label}: ${path}`, mesh, cluster, provider: 'coredns', text: parse(content).data.Corefile });
    } else if (path.endsWith('/manifests/core_ConfigMap_kube-system_coredns-custom.yaml')) {
      for (const [key, value] of Object.entries(parse(content).data as Record<string, string>)) {
        stanzas.push({ label: `${label}: ${path} ${key}`, mesh, cluster, provider: 'coredns-custom', text: value });
      }
    }
  }
  return stanzas;
}

const TWO_CLUSTERS = (istio: string, eastDns: string) =>
  meshText(`istio: { version: "${istio}" }
legacy: { global: { enabled: true } }
clusters:
  - { name: east, network: net-1, dns: ${eastDns} }
  - { name: west, network: net-2, eastWestGateway: { address: 203.0.113.20 }, dns: { provider: coredns-custom, istiocorednsAddress: 10.97.0.9 } }
services:
  - { name: httpbin, namespace: bar, ports: [{ name: http, port: 8000 }], clusters: [west] }
  - { name: helloworld, namespace: sample, ports: [{ name: http, port: 5000 }], clusters: [west] }
  - { name: ratings, namespace: bookinfo, ports: [{ port: 9080 }], clusters: [west], vip: 240.0.0.7 }`);

const SCENARIOS: [string, string][] = [
  ...EXAMPLES.map((e): [string, string] => [`example ${e}`, readFileSync(examplePath(e), 'utf8')]),
  ...['1.3.1', '1.4.0', '1.5.0', '1.11.1'].flatMap((dns): [string, string][] => [
    [`Istio 1.30.3, CoreDNS ${dns}`, TWO_CLUSTERS('1.30.3', `{ version: "${dns}" }`)],
    [`Istio 1.7.8, CoreDNS ${dns}`, TWO_CLUSTERS('1.7.8', `{ version: "${dns}", istiocorednsAddress: 10.96.0.53 }`)],
  ]),
  ['Istio 1.30.3, CoreDNS version not given', TWO_CLUSTERS('1.30.3', '{}')],
  ['custom suffix', TWO_CLUSTERS('1.30.3', '{ version: "1.11.1" }').replace('legacy: { global: { enabled: true } }', 'legacy: { global: { enabled: true, suffix: corp } }')],
];

const STANZAS = SCENARIOS.flatMap(([label, text]) => stanzasOf(label, text));

function older(version: string | undefined, major: number, minor: number): boolean {
  if (!version) return false; // an unknown CoreDNS version is rendered as current (W2301)
  const [a, b] = version.split('.').map(Number);
  return a < major || (a === major && b < minor);
}

function block(blocks: ServerBlock[], key: string): ServerBlock {
  const found = blocks.find((b) => b.keys.join(' ') === key);
  if (!found) throw new Error(`no server block ${key} in ${blocks.map((b) => b.keys.join(' ')).join(', ')}`);
  return found;
}

describe('the Corefile reader used by these tests', () => {
  it("reads Istio's documented Corefile into server blocks and directives", () => {
    const blocks = parseCorefile('.:53 {\n    errors\n    kubernetes cluster.local {\n       pods insecure\n    }\n}\nglobal:53 {\n    proxy . 10.0.0.1\n}\n');
    expect(blocks.map((b) => b.keys)).toEqual([['.:53'], ['global:53']]);
    expect(blocks[0].directives).toEqual([
      { name: 'errors', args: [] },
      { name: 'kubernetes', args: ['cluster.local'], block: [['pods', 'insecure']] },
    ]);
  });

  it('rejects unbalanced braces and directives outside a server block', () => {
    expect(() => parseCorefile('global:53 {\n    errors\n')).toThrow(/unclosed/);
    expect(() => parseCorefile('global:53 {\n}\n}\n')).toThrow(/unbalanced/);
    expect(() => parseCorefile('errors\n')).toThrow(/server block/);
  });
});

describe('every emitted .global stanza', () => {
  it('there are stanzas of both providers, forwarding and answering, to check', () => {
    expect(STANZAS.some((s) => s.provider === 'coredns')).toBe(true);
    expect(STANZAS.some((s) => s.provider === 'coredns-custom')).toBe(true);
    expect(STANZAS.some((s) => s.text.includes('hosts {'))).toBe(true);
    expect(STANZAS.some((s) => / (forward|proxy) \. \d/.test(s.text))).toBe(true);
  });

  it.each(STANZAS.map((s) => [s.label, s] as const))('%s: well formed, with the expected server blocks', (_, s) => {
    const blocks = parseCorefile(s.text);
    const suffix = s.mesh.legacyGlobal!.suffix;
    expect(blocks.map((b) => b.keys.join(' '))).toEqual(s.provider === 'coredns' ? ['.:53', `${suffix}:53`] : [`${suffix}:53`]);
    for (const b of blocks) {
      const names = b.directives.map((d) => d.name);
      expect(new Set(names).size, `a plugin twice in ${b.keys}`).toBe(names.length);
    }
  });

  it.each(STANZAS.map((s) => [s.label, s] as const))('%s: the zone is forwarded to istiocoredns or answered from the VIP table', (_, s) => {
    const legacy = s.mesh.legacyGlobal!;
    const cluster = s.mesh.clusters.find((c) => c.name === s.cluster)!;
    const zone = block(parseCorefile(s.text), `${legacy.suffix}:53`);
    expect(zone.directives.slice(0, 2)).toEqual([
      { name: 'errors', args: [] },
      { name: 'cache', args: ['30'] },
    ]);
    const answer = zone.directives[2];
    expect(zone.directives).toHaveLength(3);
    if (s.mesh.istio.parsed.minor <= 8) {
      // Istio with istiocoredns: the stub forwards to its ClusterIP; proxy before CoreDNS 1.4.0
      expect(answer.name).toBe(older(cluster.dns.version, 1, 4) ? 'proxy' : 'forward');
      expect(answer.args).toEqual(['.', cluster.dns.istiocorednsAddress]);
      expect(isIPv4(answer.args[1])).toBe(true);
    } else {
      // no istiocoredns: inline hosts only, no fallthrough, exactly the ServiceEntries' VIPs
      expect(answer.name).toBe('hosts');
      expect(answer.args).toEqual([]);
      const entries = answer.block!;
      expect(entries.every((line) => line.length === 2 && isIPv4(line[0]) && Number(line[0].split('.')[0]) >= 240)).toBe(true);
      expect(entries.map(([vip, host]) => `${host} ${vip}`).sort()).toEqual(legacy.services.map((svc) => `${svc.host} ${svc.vip}`).sort());
    }
  });

  it.each(STANZAS.filter((s) => s.provider === 'coredns').map((s) => [s.label, s] as const))(
    '%s: the cluster zone uses the plugins its CoreDNS version has',
    (_, s) => {
      const version = s.mesh.clusters.find((c) => c.name === s.cluster)!.dns.version;
      const main = block(parseCorefile(s.text), '.:53');
      const names = main.directives.map((d) => d.name);
      expect(names.includes('ready')).toBe(!older(version, 1, 5));
      const upstream = main.directives.find((d) => d.name === 'forward' || d.name === 'proxy')!;
      expect(upstream).toEqual({ name: older(version, 1, 4) ? 'proxy' : 'forward', args: ['.', '/etc/resolv.conf'] });
      const kubernetes = main.directives.find((d) => d.name === 'kubernetes')!;
      expect(kubernetes.args).toEqual(['cluster.local', 'in-addr.arpa', 'ip6.arpa']);
      // `upstream` as Istio's guide has it, where it still does something (before CoreDNS 1.5)
      expect(kubernetes.block!.some(([option]) => option === 'upstream')).toBe(older(version, 1, 5));
    },
  );
});

describe('kube-dns', () => {
  it('stubDomains is JSON naming the zone and the istiocoredns address', () => {
    const { yaml } = renderText(TWO_CLUSTERS('1.7.8', '{ provider: kube-dns, istiocorednsAddress: 10.96.0.53 }'));
    expect(JSON.parse(yaml('east/manifests/core_ConfigMap_kube-system_kube-dns.yaml').data.stubDomains)).toEqual({ global: ['10.96.0.53'] });
  });
});
