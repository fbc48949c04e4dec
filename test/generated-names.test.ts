import { describe, expect, it } from 'vitest';
import { ApiObject, App, Chart } from 'cdk8s';
import { join } from 'node:path';
import { EXAMPLES, PHASE_EXAMPLES, REPO, readTree, tempDir } from './helpers/fixtures.js';

// cdk8s invents names like "east-istio-system-c8a1b2c3" for objects without metadata.name.
// Every object meshgen emits must carry the name meshgen chose, never one of these.

const CDK8S_GENERATED = /-c8[0-9a-f]{6}\b/;

describe('generated names', () => {
  it('the detector recognises a name cdk8s generates', () => {
    const chart = new Chart(new App({ outdir: tempDir() }), 'east');
    const object = new ApiObject(chart, 'istio-system', { apiVersion: 'v1', kind: 'Namespace' });
    expect(object.name).toMatch(CDK8S_GENERATED);
  });

  // The golden trees (the flagship's is out/) are what each example builds, byte for byte (test/golden.test.ts), so
  // reading them checks the build's output without building every example once more.
  it.each([...EXAMPLES, ...PHASE_EXAMPLES])('no cdk8s-generated name or hash appears in the output of %s', (example) => {
    const tree = readTree(join(REPO, example === 'multi-primary-multi-network' ? 'out' : join('test/golden', example)));
    expect(tree.size).toBeGreaterThan(5);
    for (const [path, bytes] of tree) {
      expect(path).not.toMatch(CDK8S_GENERATED);
      expect(bytes.toString('utf8'), path).not.toMatch(CDK8S_GENERATED);
    }
  });
});
