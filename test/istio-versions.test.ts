import { describe, expect, it } from 'vitest';
import { loadStage } from '../src/pipeline.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { meshText, renderText } from './helpers/render.js';

// The version window: every Istio release from 1.13 on for the Helm path, with the facts that
// differ between releases, an error naming what an older release lacks, and a warning past a
// minor's end of life.

function diagnosticsOf(text: string, now = new Date('2026-01-01T00:00:00Z')) {
  const loaded = loadStage(new MemoryHost({ files: { '/mesh.yaml': text }, now }), '/mesh.yaml');
  return loaded.diagnostics.map((d) => ({ code: d.code, line: d.position?.line, col: d.position?.col, message: d.message, hint: d.hint }));
}

const twoNetworks = (version: string) =>
  meshText(`istio: { version: "${version}" }
clusters:
  - name: east
    network: net-1
  - name: west
    network: net-2`);

const primaryRemote = (version: string) =>
  meshText(`istio: { version: "${version}" }
clusters:
  - name: east
    network: net-1
    eastWestGateway: { address: 203.0.113.10 }
  - name: west
    network: net-1
    role: remote
    controlPlane: east`);

describe('the window', () => {
  it.each(['1.13.0', '1.17.8', '1.21.6', '1.31.0'])('Istio %s is rendered with Helm', (version) => {
    expect(diagnosticsOf(twoNetworks(version)).filter((d) => d.code.startsWith('MG'))).toEqual([]);
  });

  it.each(['1.12.9', '1.32.0'])('Istio %s is outside it (MG2004)', (version) => {
    expect(diagnosticsOf(twoNetworks(version)).map((d) => [d.code, d.line, d.col])).toEqual([['MG2004', 7, 21]]);
  });
});

describe('facts by release', () => {
  it('Istio config is networking.istio.io/v1beta1 before 1.22', () => {
    expect(renderText(twoNetworks('1.21.6')).yaml('east/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml').apiVersion).toBe('networking.istio.io/v1beta1');
  });

  it('Istio config is networking.istio.io/v1 from 1.22', () => {
    expect(renderText(twoNetworks('1.22.0')).yaml('east/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml').apiVersion).toBe('networking.istio.io/v1');
  });

  it('a remote cluster on 1.23 is MG2708, naming the remote profile and 1.24', () => {
    const problems = diagnosticsOf(primaryRemote('1.23.6')).filter((d) => d.code.startsWith('MG'));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2708', 14, 13]]);
    expect(problems[0].message).toContain('the `remote` profile of the base and istiod charts');
    expect(problems[0].message).toContain('first in Istio 1.24');
  });

  it('a remote cluster on 1.24 is accepted', () => {
    expect(diagnosticsOf(primaryRemote('1.24.0')).filter((d) => d.code.startsWith('MG'))).toEqual([]);
  });
});

describe('end of life', () => {
  it('Istio 1.26 on 2026-01-01 is past its end of life (2025-12-22): W2701 on istio.version', () => {
    const warnings = diagnosticsOf(twoNetworks('1.26.8'));
    expect(warnings.map((d) => [d.code, d.line, d.col])).toEqual([['W2701', 7, 21]]);
    expect(warnings[0].message).toContain('2025-12-22');
  });

  it('Istio 1.26 on 2025-12-21 is still supported: no warning', () => {
    expect(diagnosticsOf(twoNetworks('1.26.8'), new Date('2025-12-21T12:00:00Z'))).toEqual([]);
  });

  it('Istio 1.30, with no end-of-life date announced, is not warned about', () => {
    expect(diagnosticsOf(twoNetworks('1.30.3'), new Date('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('legacy .global on Istio 1.5', () => {
  const legacy15 = (extra = '', istio = '') =>
    meshText(`istio: { version: "1.5.10"${istio} }
legacy: { global: { enabled: true${extra} } }
clusters:
  - name: east
    network: net-1
    dns: { istiocorednsAddress: 10.96.20.53 }`);

  it('is rendered: an IstioOperator in the 1.5 shape (trust domain in values.global, no meshConfig, no meshID, no globalDomainSuffix)', () => {
    const iop = renderText(legacy15()).yaml('east/istioctl/istio-operator.yaml');
    expect(iop.spec.meshConfig).toBeUndefined();
    expect(iop.spec.addonComponents).toEqual({ istiocoredns: { enabled: true } });
    expect(iop.spec.values.global).toEqual({
      trustDomain: 'cluster.local',
      network: 'net-1',
      multiCluster: { enabled: true, clusterName: 'east' },
      podDNSSearchNamespaces: ['global', '{{ valueOrDefault .DeploymentMeta.Namespace "default" }}.global'],
      controlPlaneSecurityEnabled: true,
    });
    expect(iop.spec.values.security).toEqual({ selfSigned: false });
  });

  it('a suffix other than "global" is MG2708 on the suffix, naming 1.6', () => {
    const problems = diagnosticsOf(legacy15(', suffix: mesh')).filter((d) => d.code.startsWith('MG'));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2708', 8, 46]]);
    expect(problems[0].message).toContain('first in Istio 1.6');
  });

  it('a revision is MG2708 on the revision', () => {
    const problems = diagnosticsOf(legacy15('', ', revision: canary')).filter((d) => d.code.startsWith('MG'));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2708', 7, 41]]);
  });

  it('Istio 1.3, older than the legacy window (1.4 on), is refused (MG2004)', () => {
    expect(diagnosticsOf(legacy15().replace('1.5.10', '1.3.8')).filter((d) => d.code.startsWith('MG')).map((d) => d.code)).toEqual(['MG2004']);
  });
});

describe('the remote-profile gate is the Helm path\'s', () => {
  it('a remote on 1.23 installed with istioctl (its own remote profile) is accepted', () => {
    const text = meshText(`istio: { version: "1.23.6", installer: istioctl }
clusters:
  - name: east
    network: net-1
    eastWestGateway: { address: 203.0.113.10 }
  - name: west
    network: net-1
    role: remote
    controlPlane: east`);
    expect(diagnosticsOf(text).filter((d) => d.code.startsWith('MG'))).toEqual([]);
  });
});
