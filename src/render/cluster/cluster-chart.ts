import { createRequire } from 'node:module';
import type * as Cdk8s from 'cdk8s';
import type { Construct } from 'constructs';
import { manifestFileName, resIdOf, type KubeObject } from '../../resource/kube-object.js';

// cdk8s takes ~80 ms to load; only a build that renders needs it, so `validate` and
// `certs status` never load it. It is a CommonJS package, so a lazy require stays synchronous.
let cdk8s: typeof Cdk8s | undefined;
function loadCdk8s(): typeof Cdk8s {
  cdk8s ??= createRequire(import.meta.url)('cdk8s') as typeof Cdk8s;
  return cdk8s;
}

/**
 * Puts one cluster's objects through a cdk8s App of its own (one App per cluster keeps
 * synthesis linear) and returns what it synthesizes. Every object carries an explicit
 * metadata.name, and name hashes are off, so cdk8s adds no generated names. `addConstructs`
 * adds higher-level constructs (cdk8s-plus workloads) to the same chart.
 */
export function synthesizeCluster(clusterName: string, objects: readonly KubeObject[], addConstructs?: (scope: Construct) => void): KubeObject[] {
  const { ApiObject, App, Chart } = loadCdk8s();
  const app = new App({ outdir: 'cdk8s.out', recordConstructMetadata: false });
  const chart = new Chart(app, clusterName, { disableResourceNameHashes: true });
  for (const object of objects) {
    // the file name is unique per object (duplicates are rejected before this), so it is a valid construct id
    new ApiObject(chart, manifestFileName(resIdOf(object)), object);
  }
  addConstructs?.(chart);
  return chart.toJson() as KubeObject[];
}
