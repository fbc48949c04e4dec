import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStage } from '../src/pipeline.js';
import { buildModel } from '../src/model/mesh-model.js';
import { planMesh } from '../src/plan/mesh-plan.js';
import { clusterObjects } from '../src/render/render-mesh.js';
import { plainSynthesis, synthesizeCluster, synthesizeWithCdk8s } from '../src/render/cluster/cluster-chart.js';
import type { KubeObject } from '../src/resource/kube-object.js';
import { EXAMPLES, PHASE_EXAMPLES } from './helpers/fixtures.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';

// A cluster of plain objects is synthesized without cdk8s (render/cluster/cluster-chart.ts,
// plainSynthesis). cdk8s itself is the reference: for every object of every example, and for
// the edge cases of its sanitizing, both must give the same JSON, key order included.

const viaCdk8s = (objects: KubeObject[]) => JSON.stringify(synthesizeWithCdk8s('c', objects));
const viaPlain = (objects: KubeObject[]) => JSON.stringify(objects.map(plainSynthesis));

describe('plain synthesis', () => {
  it.each([...EXAMPLES, ...PHASE_EXAMPLES])('gives what cdk8s gives for every object of %s', (example) => {
    const loaded = loadStage(memoryHostWith([`examples/${example}`]), join(MEMORY_REPO, 'examples', example, 'mesh.yaml'));
    const mesh = buildModel(loaded.document!);
    const plan = planMesh(mesh);
    let compared = 0;
    for (const cluster of plan.clusters) {
      const objects = clusterObjects(mesh, cluster, plan.upgrade);
      compared += objects.length;
      expect(viaPlain(objects), cluster.cluster.name).toBe(viaCdk8s(objects));
    }
    expect(compared).toBeGreaterThan(0);
  });

  const object = (extra: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', ...metadata }, ...extra });

  it.each([
    ['null and undefined values anywhere', object({ data: { a: null, b: undefined, c: 'x' }, list: [null, 1, { d: null }] }, { labels: { l: undefined } })],
    ['empty maps and lists outside metadata (kept)', object({ data: {}, list: [], spec: { inner: {} } })],
    ['empty maps and lists inside metadata (dropped, at any depth)', object({}, { labels: {}, annotations: {}, finalizers: [], ownerReferences: [], extra: { deeper: { deepest: {} } } })],
    ['a metadata map left empty once its null entries are dropped', object({}, { annotations: { a: null } })],
    ['keys in any order, integer-like keys included', object({ zeta: 1, alpha: { b: 2, a: 1, '10': 'x', '9': 'y', B: 0 }, data: { 'é': 1, e: 2 } })],
    ['kind and apiVersion after other keys', { spec: { a: 1 }, metadata: { name: 'y' }, kind: 'Service', apiVersion: 'v1' } as unknown as KubeObject],
    ['numbers, booleans and strings that look like other types', object({ data: { n: 1.5, big: 1e21, neg: -0, t: true, f: false, s: 'true', e: '' } })],
  ])('gives what cdk8s gives for %s', (_, input) => {
    expect(viaPlain([input])).toBe(viaCdk8s([input]));
  });

  it('leaves an object that is not plain data to cdk8s (its result, not a copy of the input)', () => {
    class Quantity {
      constructor(readonly value: string) {}
    }
    const input = object({ spec: { q: new Quantity('1Gi') } });
    // cdk8s resolves a number/string union class to { value } (NumberStringUnionResolver)
    expect(JSON.stringify(synthesizeCluster('c', [input]))).toBe(viaCdk8s([input]));
    expect(JSON.stringify(synthesizeCluster('c', [input]))).toContain('{"q":{"value":"1Gi"}}');
  });

  it('does not change the object it is given', () => {
    const input = object({ data: { b: null, a: '1' } }, { labels: {} });
    const before = JSON.stringify(input);
    plainSynthesis(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});
