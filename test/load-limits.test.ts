import { describe, expect, it } from 'vitest';
import { loadStage } from '../src/pipeline.js';
import { parseMeshSource } from '../src/load/mesh-source.js';
import { validateSchema } from '../src/validate/schema.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { MAX_NESTING } from '../src/load/yaml-limits.js';

// The load stage reads what the yaml library accepts but a mesh file must not hold (aliases
// that cannot expand, deep nesting, foreign tags, huge mappings) with positioned diagnostics
// in linear time, and reads a file with CR-only line endings as YAML 1.2 does.

const MESH = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  clusters:
    - name: east
      network: net-1
`;

function load(text: string) {
  const host = new MemoryHost({ files: { '/m/mesh.yaml': text } });
  return loadStage(host, '/m/mesh.yaml');
}

function at(d: { code: string; position?: { line: number; col: number } }): string {
  return `${d.code} ${d.position?.line}:${d.position?.col}`;
}

describe('aliases', () => {
  it('an alias repeating an earlier anchor is read as the node it names', () => {
    const text = MESH.replace('  clusters:', '  secrets: { mode: omit }\n  clusters:').replace('    - name: east\n      network: net-1\n', '    - name: east\n      network: net-1\n      eastWestGateway: &gw { annotations: { a: b } }\n    - name: west\n      network: net-1\n      eastWestGateway: *gw\n');
    const loaded = load(text);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.document?.spec.clusters[1].eastWestGateway).toEqual({ annotations: { a: 'b' } });
  });

  it('an alias inside the node it names (a cycle) is MG1004 at the alias', () => {
    const loaded = load(`${MESH}x: &loop [a, *loop]\n`);
    expect(loaded.diagnostics.map(at)).toEqual(['MG1004 9:14']);
    expect(loaded.diagnostics[0].message).toContain('contain itself');
  });

  it('an alias that names an anchor defined only later is MG1004, not an exception', () => {
    const loaded = load(`${MESH}x: *later\ny: &later 1\n`);
    expect(loaded.diagnostics.map(at)).toEqual(['MG1004 9:4']);
  });
});

describe('nesting', () => {
  it(`is accepted up to ${MAX_NESTING} levels`, () => {
    // the root mapping is level 1, so 63 brackets make 64 levels
    const parsed = parseMeshSource('mesh.yaml', `x: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}\n`);
    expect(parsed.diagnostics).toEqual([]);
  });

  it('20,000 levels are MG1005 at the first level too many, not a stack overflow', () => {
    const parsed = parseMeshSource('mesh.yaml', `x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(parsed.diagnostics.map(at)).toEqual([`MG1005 1:${4 + MAX_NESTING - 1}`]);
  });

  it('block sequences nested on one line (- - - ...) count as levels too', () => {
    const parsed = parseMeshSource('mesh.yaml', `x:\n  ${'- '.repeat(50_000)}a\n`);
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(['MG1005']);
  });
});

describe('line endings', () => {
  it('a file with CR-only line endings reads as the same document as with LF', () => {
    const lf = load(MESH);
    const cr = load(MESH.replace(/\n/g, '\r'));
    expect(cr.diagnostics).toEqual([]);
    expect(cr.document).toEqual(lf.document);
  });
});

describe('tags', () => {
  it('core schema tags are accepted (!!str keeps a number a string)', () => {
    const loaded = load(MESH.replace('version: "1.30.3"', 'version: !!str 1.30.3'));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.document?.spec.istio.version).toBe('1.30.3');
  });

  it.each(['!!timestamp 2001-12-14', '!!binary aGVsbG8=', '!!set { a }', '!custom x'])('%s is MG1007 at the tag, never "must be a string, not a string"', (tagged) => {
    const loaded = load(MESH.replace('metadata: { name: demo }', `metadata: { name: ${tagged} }`));
    expect(loaded.diagnostics.map(at)).toEqual(['MG1007 3:19']);
    expect(loaded.diagnostics[0].message).toContain(tagged.split(' ')[0]);
  });
});

describe('size', () => {
  it('a mapping of 200,000 keys is validated in linear time (seconds, not minutes)', () => {
    // keys that stay strings (a key like 1e2 would equal 100)
    const keys = Array.from({ length: 200_000 }, (_, i) => `k${i.toString(36)}`);
    const started = Date.now();
    const parsed = parseMeshSource('mesh.yaml', `${MESH}  x: {${keys.join(', ')}}\n`);
    expect(parsed.diagnostics).toEqual([]);
    const diagnostics = validateSchema(parsed.source, parsed.source.doc.toJS());
    expect(diagnostics.map(at)).toEqual(['MG1101 9:3']); // spec.x itself is unknown
    // before: the duplicate-key check compared every key with every earlier one (minutes)
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('every unknown key of a huge mapping is positioned at that key', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
    const loaded = load(`${MESH}${keys.map((k) => `${k}: 1`).join('\n')}\n`);
    expect(loaded.diagnostics).toHaveLength(20_000);
    expect(loaded.diagnostics.at(-1)).toMatchObject({ code: 'MG1101', position: { line: 9 + 19_999, col: 1 } });
  });

  it('a key that repeats another once both are strings (1 and "1") is MG1002', () => {
    const loaded = load(`${MESH}x: { 1: a, "1": b }\n`);
    expect(loaded.diagnostics.map(at)).toEqual(['MG1002 9:12']);
  });
});
