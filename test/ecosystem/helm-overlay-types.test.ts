import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument, stringify } from 'yaml';
import { CHART_DIRS, helmTemplate } from './global-setup.js';
import { preparedCases, toolPath, writeFileMkdir, yamlDocs } from './lib.js';
import { loadStage } from '../../src/pipeline.js';
import { MemoryHost } from '../../src/host/memory-host.js';
import { mergeValues } from '../../src/rules/helm-overlays.js';

// The types meshgen checks in a Helm values overlay (MG2770, MG2771, W2770), against the real
// Istio 1.30.3 charts: a value meshgen accepts renders with `helm template` as meant, and the
// value of the wrong type, which meshgen refuses or warns about, makes helm fail or renders
// something else than meant. The overlay goes into cluster hub-a of primary-remote-multi-network
// (mesh.yaml for meshgen's verdict, the merged values file for helm).

const { cases, work } = preparedCases();
const c = cases.find((x) => x.name === 'primary-remote-multi-network')!;
const helm = toolPath('helm');

/** meshgen's diagnostic codes for the example with `overlay` as hub-a's helm.<release>. */
function meshgenCodes(release: string, overlay: Record<string, unknown>): string[] {
  const doc = parseDocument(readFileSync(c.meshFile, 'utf8'));
  const clusters = doc.toJS().spec.clusters as { name: string }[];
  doc.setIn(['spec', 'clusters', clusters.findIndex((x) => x.name === 'hub-a'), 'helm'], doc.createNode({ [release]: overlay }));
  const loaded = loadStage(new MemoryHost({ files: { '/mesh.yaml': doc.toString() } }), '/mesh.yaml');
  return loaded.diagnostics.map((d) => d.code);
}

/** `helm template` of hub-a's release with meshgen's values and `overlay` merged over them, as meshgen merges. */
function templateWith(release: string, overlay: Record<string, unknown>, tag: string) {
  // helm.<release> names the release meshgen installs, except that a revisioned istiod's release is istiod-<revision>
  const h = c.helm.find((x) => x.cluster === 'hub-a' && (x.release === release || (release === 'istiod' && x.chart === 'istiod')))!;
  const values = mergeValues(parse(readFileSync(join(c.out, h.values), 'utf8')) ?? {}, overlay);
  const file = join(work, 'controls', 'helm-overlay-types', `${release}-${tag}.values.yaml`);
  writeFileMkdir(file, stringify(values));
  return helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file);
}

const containerOf = (stdout: string, name: string) => yamlDocs(stdout).find((o: any) => o?.kind === 'Deployment')?.spec.template.spec.containers.find((x: any) => x.name === name);

describe('gateway resources.limits.cpu (typed string by the chart\'s values.schema.json)', () => {
  it('a quoted CPU limit is accepted by meshgen and rendered by helm', () => {
    const overlay = { resources: { limits: { cpu: '2' } } };
    expect(meshgenCodes('istio-eastwestgateway', overlay)).toEqual([]);
    const r = templateWith('istio-eastwestgateway', overlay, 'cpu-string');
    expect(r.status, r.stderr).toBe(0);
    // the chart's toYaml prints the string unquoted: a quantity of 2 CPUs for Kubernetes
    expect(String(containerOf(r.stdout, 'istio-proxy').resources.limits.cpu)).toBe('2');
  });

  it('negative control: a number there is MG2771 in meshgen, and helm refuses it by the schema', () => {
    const overlay = { resources: { limits: { cpu: 2 } } };
    expect(meshgenCodes('istio-eastwestgateway', overlay)).toEqual(['MG2771']);
    const r = templateWith('istio-eastwestgateway', overlay, 'cpu-number');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/resources\/limits\/cpu/);
  });
});

describe('istiod env (a mapping in the chart)', () => {
  it('a mapping is accepted by meshgen and rendered by helm as the variable', () => {
    const overlay = { env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' } };
    expect(meshgenCodes('istiod', overlay)).toEqual([]);
    const r = templateWith('istiod', overlay, 'env-map');
    expect(r.status, r.stderr).toBe(0);
    expect(containerOf(r.stdout, 'discovery').env).toContainEqual({ name: 'PILOT_ENABLE_ALPHA_GATEWAY_API', value: 'true' });
  });

  it('negative control: a Kubernetes-style env list is MG2770 in meshgen, and helm fails on it', () => {
    const overlay = { env: [{ name: 'PILOT_ENABLE_ALPHA_GATEWAY_API', value: 'true' }] };
    expect(meshgenCodes('istiod', overlay)).toEqual(['MG2770']);
    const r = templateWith('istiod', overlay, 'env-list');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/can't evaluate field/);
  });
});

describe('istiod autoscaleEnabled (a boolean default, no schema)', () => {
  const hpas = (stdout: string) => yamlDocs(stdout).filter((o: any) => o?.kind === 'HorizontalPodAutoscaler').length;

  it('false is accepted by meshgen, and helm renders no HorizontalPodAutoscaler', () => {
    expect(meshgenCodes('istiod', { autoscaleEnabled: false })).toEqual([]);
    const r = templateWith('istiod', { autoscaleEnabled: false }, 'autoscale-false');
    expect(r.status, r.stderr).toBe(0);
    expect(hpas(r.stdout)).toBe(0);
  });

  it('negative control: "false" is W2770 in meshgen, and helm renders the HorizontalPodAutoscaler it was meant to turn off', () => {
    expect(meshgenCodes('istiod', { autoscaleEnabled: 'false' })).toEqual(['W2770']);
    const r = templateWith('istiod', { autoscaleEnabled: 'false' }, 'autoscale-string');
    expect(r.status, r.stderr).toBe(0);
    expect(hpas(r.stdout)).toBe(1);
  });
});
