import { describe, expect, it } from 'vitest';
import { loadStage } from '../src/pipeline.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { chartKeys, mergeValues } from '../src/rules/helm-overlays.js';
import { NEWEST_SUPPORTED_MINOR, OLDEST_SUPPORTED_MINOR } from '../src/rules/istio-versions.js';
import { meshText, renderText } from './helpers/render.js';

// Helm values overlays: spec.helm.<release> and clusters[].helm.<release>, merged over
// meshgen's values; every key checked against the chart of istio.version.

function diagnosticsOf(text: string) {
  const loaded = loadStage(new MemoryHost({ files: { '/mesh.yaml': text } }), '/mesh.yaml');
  return loaded.diagnostics.map((d) => ({ code: d.code, line: d.position?.line, col: d.position?.col, message: d.message, hint: d.hint }));
}

function errorsOf(text: string) {
  return diagnosticsOf(text).filter((d) => d.code.startsWith('MG'));
}

const TWO_NETWORKS = (version: string, extra = '', eastExtra = '') =>
  meshText(`istio: { version: "${version}" }
${extra}clusters:
  - name: east
    network: net-1
${eastExtra}  - name: west
    network: net-2`);

describe('merging', () => {
  it('a cluster overlay adds its keys to meshgen\'s istiod values and keeps meshgen\'s', () => {
    const { yaml } = renderText(TWO_NETWORKS('1.30.3', '', '    helm:\n      istiod: { pilot: { resources: { requests: { cpu: 500m } } } }\n'));
    const values = yaml('east/helm/istiod.values.yaml');
    expect(values.pilot).toEqual({ resources: { requests: { cpu: '500m' } } });
    expect(values.global).toMatchObject({ meshID: 'demo', multiCluster: { clusterName: 'east' }, network: 'net-1' });
  });

  it('helm.istiod overlays a revisioned istiod, whose release is istiod-<revision>', () => {
    const { yaml, files } = renderText(TWO_NETWORKS('1.30.3', '', '    helm:\n      istiod: { pilot: { resources: { requests: { cpu: 500m } } } }\n').replace('version: "1.30.3" }', 'version: "1.30.3", revision: "1-30" }'));
    expect(files.has('east/helm/istiod.values.yaml')).toBe(false);
    expect(yaml('east/helm/istiod-1-30.values.yaml').pilot).toEqual({ resources: { requests: { cpu: '500m' } } });
  });

  it('a mesh-wide overlay applies to every cluster that installs the release', () => {
    const { yaml } = renderText(TWO_NETWORKS('1.30.3', 'helm:\n  istio-eastwestgateway: { replicaCount: 2 }\n'));
    expect(yaml('east/helm/istio-eastwestgateway.values.yaml').replicaCount).toBe(2);
    expect(yaml('west/helm/istio-eastwestgateway.values.yaml').replicaCount).toBe(2);
  });

  it("a cluster's overlay wins over the mesh-wide one, key by key", () => {
    const { yaml } = renderText(
      TWO_NETWORKS('1.30.3', 'helm:\n  istiod: { pilot: { replicaCount: 2, autoscaleEnabled: false } }\n', '    helm:\n      istiod: { pilot: { replicaCount: 3 } }\n'),
    );
    expect(yaml('east/helm/istiod.values.yaml').pilot).toEqual({ replicaCount: 3, autoscaleEnabled: false });
    expect(yaml('west/helm/istiod.values.yaml').pilot).toEqual({ replicaCount: 2, autoscaleEnabled: false });
  });

  it('an overlay merges into a mapping meshgen sets (service annotations) instead of replacing it', () => {
    const { yaml } = renderText(
      TWO_NETWORKS(
        '1.30.3',
        '',
        '    eastWestGateway: { annotations: { a: "1" } }\n    helm:\n      istio-eastwestgateway: { service: { annotations: { b: "2" } } }\n',
      ),
    );
    expect(yaml('east/helm/istio-eastwestgateway.values.yaml').service).toEqual({ type: 'LoadBalancer', annotations: { a: '1', b: '2' } });
  });

  it('a list replaces the list below it, and null is kept for Helm to drop the chart default', () => {
    expect(mergeValues({ a: [1, 2], b: { c: 1 } }, { a: [3], b: null })).toEqual({ a: [3], b: null });
  });

  it('the Flux HelmRelease carries the merged values too', () => {
    const text = TWO_NETWORKS('1.30.3', 'gitops: { flux: { sourceRef: { kind: GitRepository, name: platform } } }\n', '    helm:\n      istiod: { pilot: { replicaCount: 3 } }\n');
    const { files } = renderText(text);
    const release = [...files].find(([p, c]) => p.startsWith('flux/') && c.includes('name: istiod') && c.includes('replicaCount'));
    expect(release?.[1]).toContain('replicaCount: 3');
  });
});

describe('refusals', () => {
  it('a misspelled key is MG2701 on the key, with a did-you-mean of the chart key', () => {
    const text = TWO_NETWORKS('1.30.3', 'helm:\n  istiod:\n    pilot:\n      replicaCont: 2\n');
    const problems = diagnosticsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'MG2701', line: 11, col: 9 });
    expect(problems[0].hint).toContain('did you mean "pilot.replicaCount"?');
  });

  it("a key the version's chart lacks is refused there and accepted on a release that has it", () => {
    // top-level istiod values (resources, ...) arrived with 1.24's flattening of pilot.*
    const overlay = 'helm:\n  istiod:\n    resources: { requests: { cpu: 500m } }\n';
    expect(errorsOf(TWO_NETWORKS('1.23.6', overlay)).map((d) => [d.code, d.line, d.col])).toEqual([['MG2701', 10, 7]]);
    expect(errorsOf(TWO_NETWORKS('1.24.6', overlay))).toEqual([]);
  });

  it('gateway keys are checked against that minor\'s gateway chart (kind arrived after 1.13)', () => {
    const overlay = 'helm:\n  istio-eastwestgateway: { kind: DaemonSet }\n';
    expect(errorsOf(TWO_NETWORKS('1.13.9', overlay)).map((d) => d.code)).toEqual(['MG2701']);
    expect(diagnosticsOf(TWO_NETWORKS('1.30.3', overlay))).toEqual([]);
  });

  it.each([
    ['istiod', 'global: { meshID: other }', 'global.meshID', 'spec.meshID'],
    ['istiod', 'global: { multiCluster: { clusterName: other } }', 'global.multiCluster.clusterName', 'clusters[].name'],
    ['istiod', 'global: { network: other }', 'global.network', 'clusters[].network'],
    ['istiod', 'revision: canary', 'revision', 'spec.istio.revision'],
    ['istio-eastwestgateway', 'networkGateway: other', 'networkGateway', 'clusters[].network'],
  ])('overriding %s %s is MG2702, naming %s and the field to change', (release, body, key, field) => {
    const problems = diagnosticsOf(TWO_NETWORKS('1.30.3', `helm:\n  ${release}: { ${body} }\n`));
    expect(problems.map((d) => d.code)).toEqual(['MG2702']);
    expect(problems[0].message).toContain(key);
    expect(problems[0].hint).toContain(`change ${field} instead`);
  });

  it('an owned key is positioned on the key itself', () => {
    const problems = diagnosticsOf(TWO_NETWORKS('1.30.3', 'helm:\n  istiod:\n    global:\n      meshID: other\n'));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2702', 11, 9]]);
  });

  it("values below an open mapping (env, resources, meshConfig) are the user's and not checked", () => {
    expect(diagnosticsOf(TWO_NETWORKS('1.30.3', 'helm:\n  istiod: { env: { ANY_NAME: "1" }, meshConfig: { accessLogFile: /dev/stdout } }\n'))).toEqual([]);
  });

  it("a cluster's overlay for a release it does not install is MG2703", () => {
    const problems = diagnosticsOf(TWO_NETWORKS('1.30.3', '', '    helm:\n      istio-ingressgateway: { replicaCount: 2 }\n'));
    expect(problems.map((d) => [d.code, d.line, d.col])).toEqual([['MG2703', 12, 9]]);
    expect(problems[0].hint).toContain('ingressGateway.enabled: true');
  });

  it('an overlay with the istioctl installer is MG2703', () => {
    const text = TWO_NETWORKS('1.30.3', 'helm:\n  istiod: { pilot: { replicaCount: 2 } }\n').replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3", installer: istioctl }');
    expect(diagnosticsOf(text).map((d) => d.code)).toEqual(['MG2703']);
  });

  it('a misspelled release name is a schema error with a did-you-mean', () => {
    const problems = diagnosticsOf(TWO_NETWORKS('1.30.3', 'helm:\n  isitod: { pilot: { replicaCount: 2 } }\n'));
    expect(problems.map((d) => d.code)).toEqual(['MG1101']);
    expect(problems[0].hint).toContain('did you mean "istiod"?');
  });
});

describe('value types', () => {
  const codes = (text: string) => diagnosticsOf(text).map((d) => [d.code, d.line, d.col]);
  const overlay = (release: string, body: string) => TWO_NETWORKS('1.30.3', `helm:\n  ${release}:\n${body}`);

  it('a scalar where the chart takes a mapping is MG2770 on the value', () => {
    expect(codes(overlay('istiod', '    global:\n      proxy: enabled\n'))).toEqual([['MG2770', 11, 16]]);
  });

  it('a mapping where the chart takes a scalar is MG2770', () => {
    expect(codes(overlay('istiod', '    pilot: { replicaCount: { min: 2 } }\n')).map((c) => c[0])).toEqual(['MG2770']);
  });

  it('null is accepted anywhere: it drops the chart default', () => {
    expect(diagnosticsOf(overlay('istiod', '    global: { proxy: null, hub: null }\n    pilot: { replicaCount: null }\n'))).toEqual([]);
  });

  it('the gateway schema types the CPU limit a string: a number is MG2771, a quoted one is accepted', () => {
    expect(codes(overlay('istio-eastwestgateway', '    resources: { limits: { cpu: 2 } }\n')).map((c) => c[0])).toEqual(['MG2771']);
    expect(diagnosticsOf(overlay('istio-eastwestgateway', '    resources: { limits: { cpu: "2", memory: 1Gi } }\n'))).toEqual([]);
  });

  it('the gateway schema takes an integer replicaCount: 1.5 and "2" are MG2771', () => {
    expect(codes(overlay('istio-eastwestgateway', '    replicaCount: 1.5\n')).map((c) => c[0])).toEqual(['MG2771']);
    expect(codes(overlay('istio-eastwestgateway', '    replicaCount: "2"\n')).map((c) => c[0])).toEqual(['MG2771']);
    expect(diagnosticsOf(overlay('istio-eastwestgateway', '    replicaCount: 2\n'))).toEqual([]);
  });

  it('resource names the gateway schema does not list (extended resources) are accepted below resources.limits', () => {
    expect(diagnosticsOf(overlay('istio-eastwestgateway', '    resources: { limits: { ephemeral-storage: 1Gi, example.com/dongle: 1 } }\n'))).toEqual([]);
  });

  it('gateway annotations take strings and integers (additionalProperties of the schema): a boolean is MG2771', () => {
    expect(diagnosticsOf(overlay('istio-eastwestgateway', '    annotations: { a: x, b: 1 }\n'))).toEqual([]);
    expect(codes(overlay('istio-eastwestgateway', '    annotations: { a: true }\n')).map((c) => c[0])).toEqual(['MG2771']);
  });

  it('a key whose chart default is {} (an unset integer) takes a number', () => {
    expect(diagnosticsOf(overlay('istio-eastwestgateway', '    autoscaling: { targetMemoryUtilizationPercentage: 80 }\n'))).toEqual([]);
  });

  it('istiod quantities take a number or a string: no warning for cpu: 1', () => {
    expect(diagnosticsOf(overlay('istiod', '    global: { defaultResources: { requests: { cpu: 1 } } }\n    pilot: { rollingMaxSurge: 1 }\n'))).toEqual([]);
  });

  it('a scalar of another type than an istiod default (no schema) is only a warning, W2770', () => {
    const problems = diagnosticsOf(overlay('istiod', '    pilot: { replicaCount: "2" }\n'));
    expect(problems.map((d) => d.code)).toEqual(['W2770']);
    expect(problems[0].hint).toContain('unquote the number');
  });
});

describe('the key index', () => {
  it('holds every chart of every minor meshgen renders with Helm', () => {
    for (let minor = OLDEST_SUPPORTED_MINOR; minor <= NEWEST_SUPPORTED_MINOR; minor++) {
      for (const chart of ['base', 'istiod', 'gateway'] as const) expect(chartKeys(minor, chart), `1.${minor} ${chart}`).toBeDefined();
    }
  });

  it('knows the identity keys meshgen writes, in every minor', () => {
    for (let minor = OLDEST_SUPPORTED_MINOR; minor <= NEWEST_SUPPORTED_MINOR; minor++) {
      const istiod = chartKeys(minor, 'istiod')!;
      expect(Object.keys(istiod.global as object), `1.${minor}`).toEqual(expect.arrayContaining(['meshID', 'network', 'multiCluster', 'remotePilotAddress', 'externalIstiod', 'configCluster']));
      expect(Object.keys(chartKeys(minor, 'gateway')!), `1.${minor}`).toEqual(expect.arrayContaining(['name', 'networkGateway', 'revision', 'service']));
    }
  });

  it('holds the types of the values: inferred from istiod defaults, strict from the gateway schema', () => {
    const istiod = chartKeys(30, 'istiod')!;
    const gateway = chartKeys(30, 'gateway')!;
    expect((istiod.pilot as Record<string, unknown>).replicaCount).toBe('n');
    expect((istiod.global as Record<string, unknown>).logAsJson).toBe('b');
    expect(gateway.replicaCount).toBe('!i');
    expect(gateway.unprivilegedPort).toBe('!b|s');
  });
});
