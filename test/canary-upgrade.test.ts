import { describe, expect, it } from 'vitest';
import { meshText, renderText } from './helpers/render.js';

// spec.istio.upgrade: Istio's canary upgrade with Helm, phase by phase, on a primary with a remote.

const mesh = (upgrade: string) =>
  meshText(`istio:
  version: "1.29.6"
  upgrade: { revision: 1-30-3, version: "1.30.3", ${upgrade} }
namespaces:
  - { name: shop }
  - { name: payments }
clusters:
  - { name: primary1, network: net-1, eastWestGateway: { address: 192.0.2.10 } }
  - { name: remote1, network: net-1, role: remote, controlPlane: primary1 }`);

const CANARY = mesh('phase: canary');
const MIGRATE = mesh('phase: migrate');
const MIGRATE_SHOP = mesh('phase: migrate, namespaces: [shop]');
const FINALIZE = mesh('phase: finalize');

const helm = (cluster: string, release: string) => `${cluster}/helm/${release}.values.yaml`;
const nsLabel = (yaml: (p: string) => any, cluster: string, ns: string) => yaml(`${cluster}/manifests/core_Namespace__${ns}.yaml`).metadata.labels;

describe('canary', () => {
  it('installs the new istiod beside the old one in every cluster, with its revision and the prod-canary tag', () => {
    const { yaml } = renderText(CANARY);
    for (const cluster of ['primary1', 'remote1']) {
      expect(yaml(helm(cluster, 'istiod')).revision, cluster).toBeUndefined();
      expect(yaml(helm(cluster, 'istiod')).revisionTags, cluster).toEqual(['prod-stable']);
      expect(yaml(helm(cluster, 'istiod-1-30-3')).revision, cluster).toBe('1-30-3');
      expect(yaml(helm(cluster, 'istiod-1-30-3')).revisionTags, cluster).toEqual(['prod-canary']);
    }
  });

  it('keeps every namespace on the old revision through the prod-stable tag', () => {
    const { yaml } = renderText(CANARY);
    expect(nsLabel(yaml, 'primary1', 'shop')).toEqual({ 'istio.io/rev': 'prod-stable' });
    expect(nsLabel(yaml, 'remote1', 'payments')).toEqual({ 'istio.io/rev': 'prod-stable' });
  });

  it('gives the remote\'s new revision the same injection path to its primary', () => {
    const { yaml } = renderText(CANARY);
    expect(yaml(helm('remote1', 'istiod-1-30-3')).istiodRemote).toEqual({ injectionPath: '/inject/cluster/remote1/net/net-1' });
    expect(yaml(helm('remote1', 'istiod-1-30-3')).global.remotePilotAddress).toBe('192.0.2.10');
  });

  it('routes each revision\'s istiod through the primary\'s east-west gateway by its own SNI name', () => {
    const { yaml } = renderText(CANARY);
    const sni = (name: string) => yaml(`primary1/manifests/networking.istio.io_VirtualService_istio-system_${name}.yaml`).spec.tls.map((r: any) => [r.match[0].sniHosts, r.route[0].destination.host]);
    expect(sni('istiod-vs')[0]).toEqual([['istiod.istio-system.svc', 'istiod.istio-system.svc.cluster.local'], 'istiod.istio-system.svc.cluster.local']);
    expect(sni('istiod-vs-1-30-3')[0]).toEqual([['istiod-1-30-3.istio-system.svc', 'istiod-1-30-3.istio-system.svc.cluster.local'], 'istiod-1-30-3.istio-system.svc.cluster.local']);
  });

  it('installs istio-base at the new version first, then each istiod and the gateways at their own versions', () => {
    const { files } = renderText(CANARY);
    const readme = files.get('README.md')!;
    const installs = readme.slice(readme.indexOf('## Control-plane upgrade')).split('\n').filter((l) => l.startsWith('helm upgrade --install') && l.includes('CTX_PRIMARY1'));
    expect(installs.map((l) => [l.split(' ')[3], l.match(/--version (\S+)/)?.[1]])).toEqual([
      ['istio-base', '1.30.3'],
      ['istiod', '1.29.6'],
      ['istiod-1-30-3', '1.30.3'],
      ['istio-eastwestgateway', '1.29.6'],
    ]);
  });

  it('moves the gateways onto the prod-stable tag (upgraded in place when the tag moves)', () => {
    const { yaml } = renderText(CANARY);
    expect(yaml(helm('primary1', 'istio-eastwestgateway')).revision).toBe('prod-stable');
  });
});

describe('migrate', () => {
  it('without a list, moves prod-stable to the new revision and leaves the namespace labels as they were', () => {
    const canary = renderText(CANARY);
    const { yaml } = renderText(MIGRATE);
    expect(yaml(helm('primary1', 'istiod')).revisionTags).toBeUndefined();
    expect(yaml(helm('primary1', 'istiod-1-30-3')).revisionTags).toEqual(['prod-canary', 'prod-stable']);
    expect(nsLabel(yaml, 'primary1', 'shop')).toEqual(nsLabel(canary.yaml, 'primary1', 'shop'));
  });

  it('with a list, moves only those namespaces, by the prod-canary label; prod-stable stays on the old revision', () => {
    const { yaml } = renderText(MIGRATE_SHOP);
    expect(nsLabel(yaml, 'primary1', 'shop')).toEqual({ 'istio.io/rev': 'prod-canary' });
    expect(nsLabel(yaml, 'primary1', 'payments')).toEqual({ 'istio.io/rev': 'prod-stable' });
    expect(yaml(helm('primary1', 'istiod')).revisionTags).toEqual(['prod-stable']);
  });

  it('lists the rollout restarts in out/README.md: the moved namespaces only', () => {
    const restarts = (text: string) => text.split('\n').filter((l) => l.includes('rollout restart'));
    expect(restarts(renderText(MIGRATE_SHOP).files.get('README.md')!)).toEqual([
      'kubectl --context "$CTX_PRIMARY1" rollout restart deployment -n shop',
      'kubectl --context "$CTX_REMOTE1" rollout restart deployment -n shop',
    ]);
    expect(restarts(renderText(MIGRATE).files.get('README.md')!)).toContain('kubectl --context "$CTX_PRIMARY1" rollout restart deployment/istio-eastwestgateway -n istio-system');
  });
});

describe('finalize', () => {
  it('removes the old istiod: only istiod-<revision> is rendered, with both tags, and the validator defaults to it', () => {
    const { yaml, files } = renderText(FINALIZE);
    expect(files.has(helm('primary1', 'istiod'))).toBe(false);
    expect(yaml(helm('primary1', 'istiod-1-30-3')).revisionTags).toEqual(['prod-canary', 'prod-stable']);
    expect(yaml(helm('primary1', 'istio-base')).defaultRevision).toBe('1-30-3');
    expect(files.get('README.md')).toContain('helm uninstall istiod --kube-context "$CTX_PRIMARY1" -n istio-system');
    expect(files.has('primary1/manifests/networking.istio.io_VirtualService_istio-system_istiod-vs.yaml')).toBe(false);
  });
});

describe('order', () => {
  it('applies the primary before its remote in every phase', () => {
    for (const text of [CANARY, MIGRATE, FINALIZE]) {
      const readme = renderText(text).files.get('README.md')!;
      const section = readme.slice(readme.indexOf('## Control-plane upgrade'));
      expect(section.indexOf('CTX_PRIMARY1')).toBeLessThan(section.indexOf('CTX_REMOTE1'));
      expect(section.indexOf('--kube-context "$CTX_REMOTE1"')).toBeGreaterThan(section.lastIndexOf('apply -k primary1'));
    }
  });
});
