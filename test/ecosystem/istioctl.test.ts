import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALLOWED, allowedFor, type Finding } from './allow-list.js';
import { clusterObjectFiles, isIstioGroup, preparedCases, readYamlDocs, runTool, writeFileMkdir, type Case } from './lib.js';

// istioctl (istio.io/istio, release-1.30): `istioctl validate` of every Istio object meshgen
// writes, and `istioctl analyze --use-kube=false` of each cluster's whole rendered set (its
// manifests and secrets, and the objects helm renders from its values with the real charts).
// No error may remain; every warning is fixed, or listed in allow-list.ts with its reason.

const { cases, work } = preparedCases();

/** Files of one cluster that hold Istio objects (IstioOperator aside: see below). */
function istioFiles(c: Case, cluster: string): string[] {
  return clusterObjectFiles(c, cluster).filter((f) => readYamlDocs(f).some((o) => isIstioGroup(o.apiVersion)));
}

/** `istioctl validate` of files: the exit, and its output. */
function validate(files: string[]) {
  const r = runTool('istioctl', ['validate', '--referential', ...files.flatMap((f) => ['-f', f])], { env: { KUBECONFIG: '/dev/null' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `istioctl analyze --use-kube=false` of files: the messages, or a failure to run. */
export function analyze(files: string[]): { status: number | null; findings: Finding[]; output: string } {
  const r = runTool('istioctl', ['analyze', '--use-kube=false', '--all-namespaces', '--output', 'json', '--output-threshold', 'Info', '--failure-threshold', 'Error', ...files], { env: { KUBECONFIG: '/dev/null' } });
  let findings: Finding[] = [];
  try {
    findings = (JSON.parse(r.stdout || '[]') as any[]).map((m) => ({ code: m.code, level: m.level, message: m.message, origin: m.origin ?? '' }));
  } catch {
    return { status: r.status, findings, output: `${r.stdout}${r.stderr}` };
  }
  return { status: r.status, findings, output: r.stderr };
}

/** What fails the analyze check: istioctl not running, any error, any warning not in the allow-list. */
function analyzeProblems(where: { case: string; cluster: string }, r: ReturnType<typeof analyze>): string[] {
  if (r.status !== 0 && r.status !== 79) return [`istioctl analyze exited ${r.status}: ${r.output}`];
  const show = (f: Finding) => `${f.level} [${f.code}] (${f.origin}) ${f.message}`;
  return r.findings
    .filter((f) => f.level === 'Error' || (f.level !== 'Info' && !allowedFor(where, f)))
    .map((f) => (f.level === 'Error' ? `${show(f)} (errors cannot be allow-listed)` : show(f)));
}

/** Every file of a cluster's rendered set: manifests/, secrets/ and each helm release's objects. */
function renderedSet(c: Case, cluster: string): string[] {
  const helm = c.helm.filter((h) => h.cluster === cluster && h.status === 0).map((h) => h.rendered);
  return [...clusterObjectFiles(c, cluster), ...helm];
}

const onCurrentIstio = (c: Case) => !/^1\.[67]\./.test(c.istioVersion);

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
  describe.each(c.clusters.map((x) => [x.name] as const))('cluster %s', (cluster) => {
    const files = istioFiles(c, cluster);

    it.skipIf(files.length === 0)(files.length ? `istioctl validate of its ${files.length} Istio object files` : 'istioctl validate (skipped: meshgen writes no Istio object in this cluster)', () => {
      const r = validate(files);
      expect(r.status, r.output).toBe(0);
      expect(r.output).not.toMatch(/error/i);
    });

    if (existsSync(join(c.out, cluster, 'istioctl/istio-operator.yaml'))) {
      // meshgen writes an IstioOperator only for Istio 1.6/1.7 (legacy .global)
      it.skip('istioctl validate of its IstioOperator (skipped: it is the Istio 1.7 shape, which istioctl 1.30 rejects as "unknown field addonComponents"; npm test checks it with @kubernetes-models/istio)', () => {});
    }

    it(`istioctl analyze --use-kube=false of its whole rendered set${onCurrentIstio(c) ? '' : ' (manifests only: installed by istioctl 1.6/1.7, no charts to render)'}`, () => {
      if (onCurrentIstio(c)) expect(c.helm.filter((h) => h.cluster === cluster).every((h) => h.status === 0)).toBe(true);
      const r = analyze(renderedSet(c, cluster));
      writeFileMkdir(join(work, 'istioctl', `${c.name}-${cluster}.json`), JSON.stringify(r.findings, null, 2));
      expect(analyzeProblems({ case: c.name, cluster }, r)).toEqual([]);
    });
  });
});

describe('the allow-list', () => {
  it('every entry has a reason and still matches a finding (stale entries are removed)', () => {
    const files = cases.flatMap((c) => c.clusters.map((x) => ({ where: { case: c.name, cluster: x.name }, file: join(work, 'istioctl', `${c.name}-${x.name}.json`) })));
    expect(files.every((f) => existsSync(f.file)), 'run with the analyze tests, which record their findings').toBe(true);
    const all = files.flatMap(({ where, file }) => (JSON.parse(readFileSync(file, 'utf8')) as Finding[]).map((f) => ({ where, f })));
    for (const entry of ALLOWED) {
      expect(entry.reason.length, entry.code).toBeGreaterThan(20);
      expect(all.some(({ where, f }) => allowedFor(where, f, [entry])), `allow-list entry ${entry.code} ${entry.message} matches no finding`).toBe(true);
    }
  });
});

describe('negative controls: the same checks fail on broken output', () => {
  const c = cases.find((x) => x.name === 'services')!;
  const east = { case: c.name, cluster: 'east' };
  const gatewayFile = clusterObjectFiles(c, 'east').find((f) => f.includes('_Gateway_'))!;
  const vsFile = clusterObjectFiles(c, 'east').find((f) => f.includes('_VirtualService_'))!;
  const broken = (name: string, object: unknown) => {
    const file = join(work, 'controls', 'istioctl', name);
    writeFileMkdir(file, JSON.stringify(object));
    return file;
  };
  const virtualService = (spec: unknown) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'control', namespace: 'istio-system' }, spec });

  it('istioctl validate rejects a Gateway server without a port', () => {
    const gateway = readYamlDocs(gatewayFile)[0];
    delete gateway.spec.servers[0].port;
    const r = validate([broken('gateway-no-port.yaml', gateway)]);
    expect(r.status, r.output).not.toBe(0);
  });

  it('istioctl validate rejects a negative route weight', () => {
    const vs = readYamlDocs(vsFile)[0];
    vs.spec.http[0].route[0].weight = -5;
    const r = validate([broken('vs-weight.yaml', vs)]);
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toMatch(/weight -5 < 0/);
  });

  it('istioctl validate rejects a wildcard host on the mesh gateway', () => {
    const r = validate([broken('vs-wildcard.yaml', virtualService({ hosts: ['*'], gateways: ['mesh'], http: [{ route: [{ destination: { host: 'x' } }] }] }))]);
    expect(r.status, r.output).not.toBe(0);
  });

  it('istioctl analyze reports an error for a VirtualService bound to a Gateway that does not exist', () => {
    const vs = virtualService({ hosts: ['x.example.com'], gateways: ['istio-system/no-such-gateway'], http: [{ route: [{ destination: { host: 'x.example.com' } }] }] });
    const problems = analyzeProblems(east, analyze([...renderedSet(c, 'east'), broken('vs-gateway.yaml', vs)]));
    expect(problems.join('\n')).toMatch(/Error \[IST0101\].*Referenced gateway not found/);
  });

  it('istioctl analyze reports an error for a route to a subset no DestinationRule defines', () => {
    const vs = readYamlDocs(vsFile)[0];
    vs.spec.http[0].route[0].destination.subset = 'no-such-subset';
    const files = renderedSet(c, 'east').filter((f) => f !== vsFile);
    const problems = analyzeProblems(east, analyze([...files, broken('vs-subset.yaml', vs)]));
    expect(problems.join('\n')).toMatch(/Error \[IST0101\].*no-such-subset/);
  });

  it('a warning that is not in the allow-list fails the analyze check (a host the bound Gateway does not serve)', () => {
    const gateway = readYamlDocs(gatewayFile)[0];
    const vs = virtualService({ hosts: ['x.example.com'], gateways: [`${gateway.metadata.namespace}/${gateway.metadata.name}`], tls: [{ match: [{ port: 15443, sniHosts: ['x.example.com'] }], route: [{ destination: { host: 'x.example.com' } }] }] });
    const problems = analyzeProblems(east, analyze([...renderedSet(c, 'east'), broken('vs-host.yaml', vs)]));
    expect(problems.join('\n')).toMatch(/Warning \[IST0132\]/);
  });

  it('an allow-list entry never hides an error', () => {
    const error = { code: 'IST0101', level: 'Error', message: 'Referenced gateway not found', origin: 'VirtualService istio-system/x' };
    const r = { status: 0, findings: [error], output: '' };
    expect(allowedFor(east, error, [{ code: 'IST0101', message: /.*/, reason: 'a control: an entry that would match everything' }])).toBe(true);
    expect(analyzeProblems(east, r)).toHaveLength(1);
  });
});

it('the Istio object files validated are the ones meshgen wrote', () => {
  const total = cases.reduce((n, c) => n + c.clusters.reduce((m, x) => m + istioFiles(c, x.name).length, 0), 0);
  expect(total).toBeGreaterThan(0);
  writeFileSync(join(work, 'istioctl-validated'), `${total}\n`);
  expect(relative(work, join(work, 'istioctl'))).toBe('istioctl');
});
