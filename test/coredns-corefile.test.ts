import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EXAMPLES, examplePath } from './helpers/fixtures.js';
import { meshText, renderExample, renderText } from './helpers/render.js';
import { parseCorefile, type ServerBlock } from './helpers/corefile.js';

// The Corefiles meshgen emits for the legacy .global zone (istio.io "Replicated control planes", "Setup DNS"). Every expectation below is written
// out: which plugins a CoreDNS version gets, and whole Corefiles for a small mesh.
//
// CoreDNS by version (its release notes, and Istio's docs, which split proxy/forward at 1.4.0):
//   proxy    before 1.4.0; forward from 1.4.0 (proxy was deprecated in 1.4.0, gone in 1.5.0)
//   ready    from 1.5.0
//   upstream (kubernetes plugin option, as Istio's guide writes it) only before 1.5
// A version mesh.yaml does not give is rendered as current (warning W2301).

const COREDNS = 'manifests/core_ConfigMap_kube-system_coredns.yaml';
const COREDNS_CUSTOM = 'manifests/core_ConfigMap_kube-system_coredns-custom.yaml';

/**
 * east: the whole coredns ConfigMap (dns given by the caller); west: coredns-custom, serving
 * every service. Service VIPs (see legacy-vips.test.ts for how they were computed):
 * httpbin.bar 244.213.43.143, helloworld.sample 244.247.215.190, ratings.bookinfo pinned 240.0.0.7.
 */
const TWO_CLUSTERS = (istio: string, eastDns: string, suffix = 'global') =>
  meshText(`istio: { version: "${istio}" }
legacy: { global: { enabled: true, suffix: ${suffix} } }
clusters:
  - { name: east, network: net-1, dns: ${eastDns} }
  - { name: west, network: net-2, eastWestGateway: { address: 203.0.113.20 }, dns: { provider: coredns-custom, istiocorednsAddress: 10.97.0.9 } }
services:
  - { name: httpbin, namespace: bar, ports: [{ name: http, port: 8000 }], clusters: [west] }
  - { name: helloworld, namespace: sample, ports: [{ name: http, port: 5000 }], clusters: [west] }
  - { name: ratings, namespace: bookinfo, ports: [{ port: 9080 }], clusters: [west], vip: 240.0.0.7 }`);

/** A Corefile's text from the lines below, one per line; indentation as written. */
const lines = (...text: string[]) => `${text.join('\n')}\n`;

function corefileOf(text: string, cluster = 'east'): string {
  return renderText(text).yaml(`${cluster}/${COREDNS}`).data.Corefile;
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

describe('the whole Corefile of a small mesh', () => {
  it('Istio 1.30.3, CoreDNS 1.11.1: the cluster zone as kubeadm has it, and the .global zone answered from the VIP table', () => {
    expect(corefileOf(TWO_CLUSTERS('1.30.3', '{ version: "1.11.1" }'))).toBe(
      lines(
        '.:53 {',
        '    errors',
        '    health',
        '    ready',
        '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
        '        pods insecure',
        '        fallthrough in-addr.arpa ip6.arpa',
        '    }',
        '    prometheus :9153',
        '    forward . /etc/resolv.conf',
        '    cache 30',
        '    loop',
        '    reload',
        '    loadbalance',
        '}',
        'global:53 {',
        '    errors',
        '    cache 30',
        '    hosts {',
        '        244.247.215.190 helloworld.sample.global',
        '        244.213.43.143 httpbin.bar.global',
        '        240.0.0.7 ratings.bookinfo.global',
        '    }',
        '}',
      ),
    );
  });

  it('Istio 1.7.8, CoreDNS 1.3.1: proxy instead of forward, upstream, no ready, the .global zone sent to istiocoredns', () => {
    expect(corefileOf(TWO_CLUSTERS('1.7.8', '{ version: "1.3.1", istiocorednsAddress: 10.96.0.53 }'))).toBe(
      lines(
        '.:53 {',
        '    errors',
        '    health',
        '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
        '        pods insecure',
        '        upstream',
        '        fallthrough in-addr.arpa ip6.arpa',
        '    }',
        '    prometheus :9153',
        '    proxy . /etc/resolv.conf',
        '    cache 30',
        '    loop',
        '    reload',
        '    loadbalance',
        '}',
        'global:53 {',
        '    errors',
        '    cache 30',
        '    proxy . 10.96.0.53',
        '}',
      ),
    );
  });

  it('coredns-custom gets only the zone\'s server block, under the key <suffix>.server', () => {
    const { yaml } = renderText(TWO_CLUSTERS('1.30.3', '{ version: "1.11.1" }', 'corp'));
    expect(yaml(`west/${COREDNS_CUSTOM}`).data).toEqual({
      'corp.server': lines(
        'corp:53 {',
        '    errors',
        '    cache 30',
        '    hosts {',
        '        244.247.215.190 helloworld.sample.corp',
        '        244.213.43.143 httpbin.bar.corp',
        '        240.0.0.7 ratings.bookinfo.corp',
        '    }',
        '}',
      ),
    });
  });

  it('coredns-custom on Istio 1.7 forwards the zone to the istiocoredns address of its own cluster', () => {
    const { yaml } = renderText(TWO_CLUSTERS('1.7.8', '{ version: "1.11.1", istiocorednsAddress: 10.96.0.53 }'));
    expect(yaml(`west/${COREDNS_CUSTOM}`).data).toEqual({ 'global.server': lines('global:53 {', '    errors', '    cache 30', '    forward . 10.97.0.9', '}') });
  });

  it('the hosts entries are the addresses of the rendered ServiceEntries', () => {
    const { files, yaml } = renderText(TWO_CLUSTERS('1.30.3', '{ version: "1.11.1" }'));
    const serviceEntries = [...files].filter(([path]) => path.startsWith('east/manifests/networking.istio.io_ServiceEntry_')).map(([, text]) => parse(text).spec);
    const fromServiceEntries = serviceEntries.map((spec) => `${spec.addresses[0]} ${spec.hosts[0]}`).sort();
    const hosts = block(parseCorefile(yaml(`east/${COREDNS}`).data.Corefile), 'global:53').directives.find((d) => d.name === 'hosts')!;
    expect(hosts.block!.map((entry) => entry.join(' ')).sort()).toEqual(fromServiceEntries);
    expect(fromServiceEntries).toEqual(['240.0.0.7 ratings.bookinfo.global', '244.213.43.143 httpbin.bar.global', '244.247.215.190 helloworld.sample.global']);
  });
});

describe('the plugins a CoreDNS version gets', () => {
  // [CoreDNS version in mesh.yaml, upstream plugin, has ready, kubernetes has upstream]
  const VERSIONS: [string | undefined, 'proxy' | 'forward', boolean, boolean][] = [
    ['1.2.6', 'proxy', false, true],
    ['1.3.1', 'proxy', false, true],
    ['1.4.0', 'forward', false, true],
    ['1.4.9', 'forward', false, true],
    ['1.5.0', 'forward', true, false],
    ['1.10.1', 'forward', true, false], // 10 > 5: compared as numbers, not as text
    ['1.11.1', 'forward', true, false],
    ['2.0.0', 'forward', true, false],
    [undefined, 'forward', true, false], // not given: rendered as current
  ];

  describe.each(VERSIONS)('CoreDNS %s', (version, upstream, ready, kubernetesUpstream) => {
    const dns = version === undefined ? '{}' : `{ version: "${version}" }`;

    it(`the cluster zone: ${upstream} . /etc/resolv.conf, ${ready ? 'with' : 'without'} ready, ${kubernetesUpstream ? 'with' : 'without'} upstream in kubernetes`, () => {
      const main = block(parseCorefile(corefileOf(TWO_CLUSTERS('1.30.3', dns))), '.:53');
      expect(main.directives.find((d) => d.name === 'forward' || d.name === 'proxy')).toEqual({ name: upstream, args: ['.', '/etc/resolv.conf'] });
      expect(main.directives.some((d) => d.name === 'ready')).toBe(ready);
      const kubernetes = main.directives.find((d) => d.name === 'kubernetes')!;
      expect(kubernetes.block).toEqual([['pods', 'insecure'], ...(kubernetesUpstream ? [['upstream']] : []), ['fallthrough', 'in-addr.arpa', 'ip6.arpa']]);
    });

    it(`Istio 1.7: the .global zone is sent to istiocoredns with ${upstream}`, () => {
      const withIstiocoredns = version === undefined ? '{ istiocorednsAddress: 10.96.0.53 }' : `{ version: "${version}", istiocorednsAddress: 10.96.0.53 }`;
      const zone = block(parseCorefile(corefileOf(TWO_CLUSTERS('1.7.8', withIstiocoredns))), 'global:53');
      expect(zone.directives).toEqual([
        { name: 'errors', args: [] },
        { name: 'cache', args: ['30'] },
        { name: upstream, args: ['.', '10.96.0.53'] },
      ]);
    });
  });
});

describe('every Corefile of the examples', () => {
  const corefiles = EXAMPLES.flatMap((example) => {
    const { files } = renderExample(example);
    return [...files]
      .filter(([path]) => path.endsWith(`/${COREDNS}`) || path.endsWith(`/${COREDNS_CUSTOM}`))
      .flatMap(([path, text]) => Object.entries(parse(text).data as Record<string, string>).map(([key, corefile]) => [`${example}: ${path} ${key}`, corefile] as const));
  });

  it('there are seven: legacy-global has coredns and coredns-custom, legacy-global-istio-1.7 has coredns, legacy-global-istio-1.5 and legacy-global-istio-1.4 two coredns each', () => {
    expect(corefiles.map(([label]) => label)).toEqual([
      'legacy-global: cluster1/manifests/core_ConfigMap_kube-system_coredns.yaml Corefile',
      'legacy-global: cluster2/manifests/core_ConfigMap_kube-system_coredns-custom.yaml global.server',
      'legacy-global-istio-1.7: cluster1/manifests/core_ConfigMap_kube-system_coredns.yaml Corefile',
      'legacy-global-istio-1.5: cluster1/manifests/core_ConfigMap_kube-system_coredns.yaml Corefile',
      'legacy-global-istio-1.5: cluster2/manifests/core_ConfigMap_kube-system_coredns.yaml Corefile',
      'legacy-global-istio-1.4: cluster1/manifests/core_ConfigMap_kube-system_coredns.yaml Corefile',
      'legacy-global-istio-1.4: cluster2/manifests/core_ConfigMap_kube-system_coredns.yaml Corefile',
    ]);
  });

  it.each(corefiles)('%s is well formed, with no plugin twice in a server block', (_, corefile) => {
    for (const b of parseCorefile(corefile)) {
      const names = b.directives.map((d) => d.name);
      expect(new Set(names).size, `a plugin twice in ${b.keys}`).toBe(names.length);
    }
  });
});

describe('kube-dns', () => {
  it('stubDomains is JSON naming the zone and the istiocoredns address', () => {
    const { yaml } = renderText(TWO_CLUSTERS('1.7.8', '{ provider: kube-dns, istiocorednsAddress: 10.96.0.53 }'));
    expect(yaml(`east/manifests/core_ConfigMap_kube-system_kube-dns.yaml`).data).toEqual({ stubDomains: '{"global":["10.96.0.53"]}' });
  });
});
