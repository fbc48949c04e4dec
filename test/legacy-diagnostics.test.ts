import { describe, expect, it } from 'vitest';
import { parseMeshSource } from '../src/load/mesh-source.js';
import { validateSchema } from '../src/validate/schema.js';
import { checkSemantics } from '../src/validate/semantics.js';
import type { MeshDocument } from '../src/rules/mesh-spec.js';
import { meshText, renderText } from './helpers/render.js';

// Warnings and version rules of the legacy .global model that the bad-input corpus (which
// holds files with errors) does not cover.

function codesOf(text: string): string[] {
  const { source, diagnostics } = parseMeshSource('mesh.yaml', text);
  const value = source.doc.toJS();
  return [...diagnostics, ...validateSchema(source, value), ...checkSemantics(source, value as MeshDocument)].map((d) => `${d.severity} ${d.code}`);
}

const ONE_CLUSTER = (istio: string, dns: string, extra = '') =>
  meshText(`istio: { version: "${istio}" }
legacy: { global: { enabled: true } }${extra}
clusters:
  - { name: east, network: net-1, dns: ${dns} }`);

describe('the supported-version gate', () => {
  it('accepts Istio 1.6 and 1.7 for a legacy .global mesh', () => {
    expect(codesOf(ONE_CLUSTER('1.6.14', '{ version: "1.6.7", istiocorednsAddress: 10.96.0.53 }'))).toEqual([]);
    expect(codesOf(ONE_CLUSTER('1.7.8', '{ version: "1.6.7", istiocorednsAddress: 10.96.0.53 }'))).toEqual([]);
  });

  it('rejects 1.3, 1.8 and the releases between 1.8 and 1.13 even for a legacy mesh', () => {
    for (const version of ['1.3.8', '1.8.6', '1.9.0', '1.12.9']) {
      expect(codesOf(ONE_CLUSTER(version, '{ version: "1.6.7", istiocorednsAddress: 10.96.0.53 }')), version).toContain('error MG2004');
    }
  });

  it('accepts current Istio for a legacy mesh as for any other', () => {
    expect(codesOf(ONE_CLUSTER('1.30.3', '{ version: "1.11.1" }'))).toEqual([]);
  });
});

describe('warnings', () => {
  it('W2302: on Istio 1.6-1.7, a cluster without its istiocoredns address gets its DNS stub later', () => {
    const text = ONE_CLUSTER('1.7.8', '{ version: "1.6.7" }');
    expect(codesOf(text)).toEqual(['warning W2302']);
    expect([...renderText(text).files.keys()].filter((p) => p.includes('ConfigMap'))).toEqual([]);
  });

  it('W2303: kube-dns on current Istio with dns.capture: only pods with a sidecar resolve the names', () => {
    const text = ONE_CLUSTER('1.30.3', '{ provider: kube-dns }', '\ndns: { capture: true }');
    expect(codesOf(text)).toEqual(['warning W2303']);
    expect([...renderText(text).files.keys()].filter((p) => p.includes('kube-system'))).toEqual([]);
  });

  it('W2301: a coredns cluster without a version, whose whole Corefile meshgen writes', () => {
    expect(codesOf(ONE_CLUSTER('1.30.3', '{ provider: coredns }'))).toEqual(['warning W2301']);
    // coredns-custom leaves the Corefile alone, and the hosts block is the same for every version
    expect(codesOf(ONE_CLUSTER('1.30.3', '{ provider: coredns-custom }'))).toEqual([]);
  });

  it('a legacy mesh needs no API servers, even with secrets.mode plain', () => {
    const text = ONE_CLUSTER('1.30.3', '{ version: "1.11.1" }').replace('  secrets: { mode: omit }\n', '').replace('clusters:\n', 'clusters:\n    - { name: west, network: net-2, dns: { version: "1.11.1" } }\n');
    expect(codesOf(text)).toEqual([]);
  });
});

describe('spec.services', () => {
  it('without legacy.global is an ordinary service, checked as one (here: its namespace is not declared)', () => {
    const text = meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1 }
services:
  - { name: httpbin, namespace: bar, ports: [{ port: 8000 }], clusters: [east] }`);
    expect(codesOf(text)).toEqual(['error MG2501']);
  });
});

describe('virtual IP collisions', () => {
  it('a service listed twice is reported once, as a duplicate name, not also as a collision', () => {
    const text = meshText(`istio: { version: "1.30.3" }
legacy: { global: { enabled: true } }
clusters:
  - { name: east, network: net-1, dns: { version: "1.11.1" } }
services:
  - { name: httpbin, namespace: bar, ports: [{ port: 8000 }], clusters: [east] }
  - { name: httpbin, namespace: bar, ports: [{ port: 8000 }], clusters: [east] }`);
    expect(codesOf(text)).toEqual(['error MG2001']);
  });
});
