import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CHART_DIRS, helmTemplate } from './global-setup.js';
import { preparedCases, readYamlDocs, toolPath, writeFileMkdir, yamlDocs, type Case, type ClusterInfo, type HelmRender } from './lib.js';

// `helm template --kube-version` (the pinned helm.sh/helm/v3) of every release that
// out/README.md installs, with the real Istio 1.30.3 chart of that release, then assertions
// on the RENDERED objects against what mesh.yaml says (not against meshgen's values files).

const { cases, work } = preparedCases();

interface Expectation {
  cluster: ClusterInfo;
  meshID: string;
  /** a remote's primary's east-west address (its istiod, for the remote's Service) */
  primaryAddress?: string;
  /** ambient namespaces in this cluster (from mesh.yaml), and whether one of them is also in a cluster on another network */
  ambient?: { namespaces: string[]; acrossNetworks: boolean };
  /** eastWestGateway.nodePort: the node port behind 15443 */
  eastWestNodePort?: number;
  /** the ingress gateway as mesh.yaml describes it */
  ingress: { name: string; nodePorts: { http?: number; https?: number; status?: number } };
}

function expectationFor(c: Case, cluster: ClusterInfo): Expectation {
  const mesh = parse(readFileSync(c.meshFile, 'utf8'));
  const clusters: any[] = mesh.spec.clusters;
  const primary = cluster.controlPlane ? clusters.find((x) => x.name === cluster.controlPlane) : undefined;
  const networkOf = new Map(clusters.map((x) => [x.name, x.network]));
  const ambient = (mesh.spec.namespaces ?? []).filter((n: any) => n.injection === 'ambient').map((n: any) => ({ name: n.name, clusters: n.clusters ?? clusters.map((x) => x.name) }));
  const here = ambient.filter((n: any) => n.clusters.includes(cluster.name));
  const own = clusters.find((x) => x.name === cluster.name);
  return {
    cluster,
    meshID: mesh.spec.meshID ?? mesh.metadata.name,
    primaryAddress: primary?.eastWestGateway?.address,
    ...(here.length ? { ambient: { namespaces: here.map((n: any) => n.name), acrossNetworks: here.some((n: any) => n.clusters.some((o: string) => networkOf.get(o) !== cluster.network)) } } : {}),
    eastWestNodePort: own?.eastWestGateway?.nodePort,
    ingress: { name: own?.ingressGateway?.name ?? 'istio-ingressgateway', nodePorts: own?.ingressGateway?.nodePorts ?? {} },
  };
}

const env = (container: any, name: string) => container?.env?.find((e: any) => e.name === name)?.value;
const byKind = (objects: any[], kind: string) => objects.filter((o) => o?.kind === kind);

/** Problems of the istiod chart's rendered objects for one cluster. */
export function istiodProblems(objects: any[], x: Expectation): string[] {
  const problems: string[] = [];
  const deployments = byKind(objects, 'Deployment').filter((d) => d.metadata.name.startsWith('istiod'));
  const webhooks = byKind(objects, 'MutatingWebhookConfiguration').flatMap((m) => m.webhooks ?? []);
  if (webhooks.length === 0) problems.push('no sidecar injection webhook is rendered');
  if (x.cluster.role === 'primary') {
    if (deployments.length !== 1) return [...problems, `a primary renders ${deployments.length} istiod Deployments, not 1`];
    const discovery = deployments[0].spec.template.spec.containers.find((c: any) => c.name === 'discovery');
    if (env(discovery, 'CLUSTER_ID') !== x.cluster.name) problems.push(`istiod CLUSTER_ID is ${env(discovery, 'CLUSTER_ID')}, not ${x.cluster.name}`);
    const injector = byKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('istio-sidecar-injector'));
    if (!injector) return [...problems, 'no istio-sidecar-injector ConfigMap'];
    const values = JSON.parse(injector.data.values);
    if ((values.global.network ?? '') !== (x.cluster.network ?? '')) problems.push(`the injector's network is "${values.global.network}", not "${x.cluster.network ?? ''}"`);
    if (values.global.meshID !== x.meshID) problems.push(`the injector's mesh ID is "${values.global.meshID}", not "${x.meshID}"`);
    if (values.global.multiCluster?.clusterName !== x.cluster.name) problems.push(`the injector's cluster name is "${values.global.multiCluster?.clusterName}"`);
    const mesh = byKind(objects, 'ConfigMap').find((m) => /^istio(-.+)?$/.test(m.metadata.name) && m.data?.mesh);
    const meshId = mesh ? parse(mesh.data.mesh)?.defaultConfig?.meshId : undefined;
    if (meshId !== x.meshID) problems.push(`meshConfig.defaultConfig.meshId is "${meshId}", not "${x.meshID}"`);
    for (const w of webhooks) if (w.clientConfig?.service?.path !== '/inject') problems.push(`a primary's injection webhook ${w.name} has path ${w.clientConfig?.service?.path ?? w.clientConfig?.url}`);
  } else {
    if (deployments.length !== 0) problems.push(`a remote renders an istiod Deployment (${deployments.map((d) => d.metadata.name).join(', ')})`);
    const path = `/inject/cluster/${x.cluster.name}/net/${x.cluster.network}`;
    for (const w of webhooks) {
      const actual = w.clientConfig?.service?.path ?? w.clientConfig?.url;
      if (actual !== path) problems.push(`the remote's injection webhook ${w.name} calls ${actual}, not ${path}`);
    }
    const service = byKind(objects, 'Service').find((s) => s.metadata.name.startsWith('istiod'));
    if (!service) problems.push('a remote has no istiod Service (to its primary)');
    if (!x.primaryAddress) problems.push(`the remote's primary ${x.cluster.controlPlane} has no east-west address in mesh.yaml`);
    else if (/^[0-9.:a-fA-F]+$/.test(x.primaryAddress)) {
      const slices = byKind(objects, 'EndpointSlice').filter((e) => e.metadata.labels?.['kubernetes.io/service-name'] === service?.metadata.name);
      const addresses = slices.flatMap((e) => e.endpoints.flatMap((p: any) => p.addresses));
      if (addresses.join() !== x.primaryAddress) problems.push(`the istiod EndpointSlice points at [${addresses.join(', ')}], not the primary's ${x.primaryAddress}`);
      const ports = slices.flatMap((e) => e.ports.map((p: any) => p.port)).sort();
      if (ports.join() !== '15012,15017') problems.push(`the istiod EndpointSlice ports are ${ports.join()}`);
    } else if (service?.spec.type !== 'ExternalName' || service.spec.externalName !== x.primaryAddress) {
      problems.push(`the istiod Service is ${service?.spec.type} ${service?.spec.externalName ?? ''}, not an ExternalName to ${x.primaryAddress}`);
    }
  }
  return problems;
}

/**
 * Problems of istiod in an ambient cluster (issue #17): the ambient profile took effect
 * (PILOT_ENABLE_AMBIENT), AMBIENT_ENABLE_MULTI_NETWORK is on exactly where ambient namespaces
 * span networks, and the mesh config makes the ambient namespaces of several clusters global.
 */
export function ambientIstiodProblems(objects: any[], x: Expectation, globalNamespaces: string[]): string[] {
  const problems: string[] = [];
  const deployment = byKind(objects, 'Deployment').find((d) => d.metadata.name.startsWith('istiod'));
  const discovery = deployment?.spec.template.spec.containers.find((c: any) => c.name === 'discovery');
  if (env(discovery, 'PILOT_ENABLE_AMBIENT') !== 'true') problems.push(`istiod's PILOT_ENABLE_AMBIENT is ${env(discovery, 'PILOT_ENABLE_AMBIENT')}: the ambient profile is not in effect`);
  const multiNetwork = env(discovery, 'AMBIENT_ENABLE_MULTI_NETWORK');
  if ((multiNetwork === 'true') !== (x.ambient?.acrossNetworks ?? false)) problems.push(`istiod's AMBIENT_ENABLE_MULTI_NETWORK is ${multiNetwork}, where ambient namespaces ${x.ambient?.acrossNetworks ? 'span' : 'do not span'} networks`);
  if (env(discovery, 'AMBIENT_ENABLE_MULTI_NETWORK_INGRESS') !== undefined) problems.push('istiod sets AMBIENT_ENABLE_MULTI_NETWORK_INGRESS (istio/istio#60609)');
  const mesh = byKind(objects, 'ConfigMap').find((m) => /^istio(-.+)?$/.test(m.metadata.name) && m.data?.mesh);
  const scopes: any[] = (mesh ? parse(mesh.data.mesh)?.serviceScopeConfigs : undefined) ?? [];
  const selected = scopes.filter((s) => s.scope === 'GLOBAL').flatMap((s) => (s.namespaceSelector?.matchExpressions ?? []).filter((e: any) => e.key === 'kubernetes.io/metadata.name').flatMap((e: any) => e.values));
  for (const n of globalNamespaces) if (!selected.includes(n)) problems.push(`the mesh config does not make namespace ${n} global (serviceScopeConfigs)`);
  if (!scopes.some((s) => s.servicesSelector?.matchExpressions?.some((e: any) => e.key === 'istio.io/global'))) problems.push('the mesh config lost the ambient profile\'s istio.io/global opt-in');
  return problems;
}

/** Problems of the ztunnel chart's DaemonSet: the cluster name and network must be istiod's. */
export function ztunnelProblems(objects: any[], x: Expectation): string[] {
  const daemonSet = byKind(objects, 'DaemonSet').find((d) => d.metadata.name === 'ztunnel');
  if (!daemonSet) return ['the ztunnel chart renders no ztunnel DaemonSet'];
  const container = daemonSet.spec.template.spec.containers.find((c: any) => c.name === 'istio-proxy');
  const problems: string[] = [];
  if (env(container, 'ISTIO_META_CLUSTER_ID') !== x.cluster.name) problems.push(`ztunnel's ISTIO_META_CLUSTER_ID is ${env(container, 'ISTIO_META_CLUSTER_ID')}, not ${x.cluster.name}`);
  if (env(container, 'NETWORK') !== x.cluster.network) problems.push(`ztunnel's NETWORK is ${env(container, 'NETWORK')}, not ${x.cluster.network}`);
  return problems;
}

/** Problems of the cni chart: the node agent runs with ambient on (the ambient profile's cni.ambient.enabled). */
export function cniProblems(objects: any[]): string[] {
  const problems: string[] = [];
  if (!byKind(objects, 'DaemonSet').some((d) => d.metadata.name === 'istio-cni-node')) problems.push('the cni chart renders no istio-cni-node DaemonSet');
  const config = byKind(objects, 'ConfigMap').find((m) => m.metadata.name === 'istio-cni-config');
  if (config?.data?.AMBIENT_ENABLED !== 'true') problems.push(`the CNI node agent's AMBIENT_ENABLED is ${config?.data?.AMBIENT_ENABLED}, not true`);
  return problems;
}

/** Problems of the gateway chart's rendered east-west gateway. */
export function eastWestProblems(objects: any[], x: Expectation): string[] {
  const problems: string[] = [];
  const service = byKind(objects, 'Service')[0];
  const deployment = byKind(objects, 'Deployment')[0];
  if (!service || !deployment) return ['the east-west gateway renders no Service or no Deployment'];
  const podLabels = deployment.spec.template.metadata.labels ?? {};
  for (const [what, labels] of [['Service', service.metadata.labels ?? {}], ['pod', podLabels]] as const) {
    if (labels['topology.istio.io/network'] !== x.cluster.network) problems.push(`the gateway ${what}'s topology.istio.io/network is ${labels['topology.istio.io/network']}, not ${x.cluster.network}`);
  }
  if (podLabels.istio !== 'eastwestgateway') problems.push(`the gateway pods are labelled istio: ${podLabels.istio}, not eastwestgateway`);
  if (service.spec.selector?.istio !== 'eastwestgateway') problems.push(`the gateway Service selects istio: ${service.spec.selector?.istio}`);
  const ports = service.spec.ports.map((p: any) => p.port);
  for (const port of [15021, 15443, 15012, 15017]) if (!ports.includes(port)) problems.push(`the gateway Service has no port ${port}`);
  const proxy = deployment.spec.template.spec.containers.find((c: any) => c.name === 'istio-proxy');
  if (env(proxy, 'ISTIO_META_REQUESTED_NETWORK_VIEW') !== x.cluster.network) problems.push(`ISTIO_META_REQUESTED_NETWORK_VIEW is ${env(proxy, 'ISTIO_META_REQUESTED_NETWORK_VIEW')}, not ${x.cluster.network}`);
  const tls = service.spec.ports.find((p: any) => p.port === 15443);
  if (x.eastWestNodePort !== undefined && tls?.nodePort !== x.eastWestNodePort) problems.push(`the node port behind 15443 is ${tls?.nodePort}, not the pinned ${x.eastWestNodePort}`);
  return problems;
}

/** Problems of the gateway chart's rendered ingress gateway: the name, the pod label Gateways select, pinned node ports. */
export function ingressProblems(objects: any[], x: Expectation): string[] {
  const problems: string[] = [];
  const service = byKind(objects, 'Service')[0];
  const deployment = byKind(objects, 'Deployment')[0];
  if (!service || !deployment) return ['the ingress gateway renders no Service or no Deployment'];
  if (service.metadata.name !== x.ingress.name) problems.push(`the ingress gateway Service is ${service.metadata.name}, not ${x.ingress.name}`);
  const selector = x.ingress.name.replace(/^istio-/, '');
  if (deployment.spec.template.metadata.labels?.istio !== selector) problems.push(`the ingress gateway pods are labelled istio: ${deployment.spec.template.metadata.labels?.istio}, not ${selector}`);
  for (const [port, pinned] of [[15021, x.ingress.nodePorts.status], [80, x.ingress.nodePorts.http], [443, x.ingress.nodePorts.https]] as const) {
    const rendered = service.spec.ports.find((p: any) => p.port === port);
    if (!rendered) problems.push(`the ingress gateway Service has no port ${port}`);
    else if (pinned !== undefined && rendered.nodePort !== pinned) problems.push(`the node port behind ${port} is ${rendered.nodePort}, not the pinned ${pinned}`);
  }
  return problems;
}

/** Problems of the base chart: the CRDs meshgen's manifests need are installed by it. */
export function baseProblems(objects: any[]): string[] {
  const crds = byKind(objects, 'CustomResourceDefinition').map((c) => c.metadata.name);
  return ['gateways.networking.istio.io', 'virtualservices.networking.istio.io', 'destinationrules.networking.istio.io', 'serviceentries.networking.istio.io'].filter((n) => !crds.includes(n)).map((n) => `the base chart does not install ${n}`);
}

/** Ambient namespaces of more than one cluster, from mesh.yaml. */
function globalAmbientNamespaces(c: Case): string[] {
  const mesh = parse(readFileSync(c.meshFile, 'utf8'));
  const all = mesh.spec.clusters.length;
  return (mesh.spec.namespaces ?? []).filter((n: any) => n.injection === 'ambient' && (n.clusters?.length ?? all) > 1).map((n: any) => n.name);
}

function renderProblems(c: Case, h: HelmRender, objects: any[]): string[] {
  const cluster = c.clusters.find((x) => x.name === h.cluster)!;
  const x = expectationFor(c, cluster);
  if (h.chart === 'istiod') return [...istiodProblems(objects, x), ...(x.ambient ? ambientIstiodProblems(objects, x, globalAmbientNamespaces(c)) : [])];
  if (h.chart === 'ztunnel') return ztunnelProblems(objects, x);
  if (h.chart === 'cni') return cniProblems(objects);
  if (h.chart === 'base') return baseProblems(objects);
  if (h.release === 'istio-eastwestgateway') return eastWestProblems(objects, x);
  if (h.release === 'istio-ingressgateway') return ingressProblems(objects, x);
  return byKind(objects, 'Deployment').length === 1 ? [] : [`${h.release} renders ${byKind(objects, 'Deployment').length} Deployments`];
}

/** Cases installed with Helm: not legacy .global on Istio 1.6-1.7, nor spec.istio.installer: istioctl (istioctl.test.ts renders those with istioctl manifest generate). */
const installedByIstioctl = (c: Case) => c.clusters.some((x) => ['istio-operator.yaml', 'istio-control-plane.yaml'].some((f) => existsSync(join(c.out, x.name, 'istioctl', f))));
const withHelm = cases.filter((c) => !(c.legacyGlobal && /^1\.[67]\./.test(c.istioVersion)) && !installedByIstioctl(c));

describe.each(withHelm.map((c) => [c.name, c] as const))('%s', (_, c) => {
  it('out/README.md installs every values file meshgen wrote, each with a chart of Istio 1.30.3', () => {
    expect(c.buildStatus, c.buildStderr).toBe(0);
    expect(c.unmappedValues).toEqual([]);
    expect(c.helm.length).toBeGreaterThanOrEqual(2 * c.clusters.length);
    for (const h of c.helm) expect(Object.keys(CHART_DIRS), h.command).toContain(h.chart);
  });

  it('every cluster installs istio-base and istiod; a primary serving remotes, and each cluster of a multi-network mesh, an east-west gateway (with ambient: istio-cni, ztunnel, and the ambient Gateway where ambient spans networks)', () => {
    const networks = new Set(c.clusters.map((x) => x.network));
    for (const cluster of c.clusters) {
      const releases = c.helm.filter((h) => h.cluster === cluster.name).map((h) => h.release);
      // istiod by chart: after a canary upgrade's finalize the release is istiod-<revision>
      expect(c.helm.filter((h) => h.cluster === cluster.name).map((h) => h.chart), cluster.name).toEqual(expect.arrayContaining(['base', 'istiod']));
      expect(releases, cluster.name).toContain('istio-base');
      const servesRemotes = c.clusters.some((x) => x.controlPlane === cluster.name);
      const ambient = expectationFor(c, cluster).ambient;
      if (ambient) expect(releases, cluster.name).toEqual(expect.arrayContaining(['istio-cni', 'ztunnel']));
      else expect(releases, cluster.name).not.toEqual(expect.arrayContaining(['ztunnel']));
      const ambientGateway = existsSync(join(c.out, cluster.name, 'manifests', 'gateway.networking.k8s.io_Gateway_istio-system_istio-ambient-eastwestgateway.yaml'));
      expect(ambientGateway, cluster.name).toBe(ambient?.acrossNetworks ?? false);
      if (servesRemotes || (networks.size > 1 && !ambientGateway)) expect(releases, cluster.name).toContain('istio-eastwestgateway');
    }
  });

  it.each(c.helm.map((h) => [`${h.cluster}: helm template ${h.release} ${h.chart}`, h] as const))('%s', (_, h) => {
    expect(h.status, `${h.command}\n${h.stderr}`).toBe(0);
    expect(h.stderr.trim(), 'helm printed a warning').toBe('');
    expect(renderProblems(c, h, readYamlDocs(h.rendered))).toEqual([]);
  });
});

/** Leaf paths of a values object: an array of mappings (such as service.ports) by index, any other array as one leaf. */
function leaves(value: any, path: string[] = []): string[][] {
  if (Array.isArray(value) && value.length && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) return value.flatMap((v, i) => leaves(v, [...path, String(i)]));
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return path.length ? [path] : [];
}

/** The value at path changed to another of the same type. */
function changed(value: any): any {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}-changed`;
  if (Array.isArray(value)) return value.length ? value.slice(1) : ['changed'];
  return { changed: true };
}

/**
 * What the chart renders, without the copies of the values it is given: the values ConfigMap
 * (which echoes every value) and the injector's `values` (which passes `global` through to
 * the injection templates; a key they read is found in the chart's files/ instead).
 */
const renderedBody = (stdout: string) =>
  JSON.stringify(
    yamlDocs(stdout)
      .filter((o) => !(o.kind === 'ConfigMap' && /^values(-|$)/.test(o.metadata?.name)))
      .map((o) => (o.kind === 'ConfigMap' && o.data?.values ? { ...o, data: { ...o.data, values: undefined } } : o)),
  );

/** Whether the chart's injection templates (files/*.yaml, run by istiod at injection time) read a value. */
function readAtInjection(chart: string, path: string[]): boolean {
  const dir = join(CHART_DIRS[chart], 'files');
  if (!existsSync(dir)) return false;
  const reference = `.Values.${path.join('.')}`;
  return readdirSync(dir).some((f) => readFileSync(join(dir, f), 'utf8').split(reference).slice(1).some((rest) => !/^[A-Za-z0-9_]/.test(rest)));
}

/**
 * Whether the real chart uses the value at path: changing it changes what helm renders (or
 * makes it fail). A chart without a values schema (istiod, base) ignores a key it does not
 * know without a word.
 */
export function valueIsUsed(h: HelmRender, valuesFile: string, path: string[]): boolean {
  const values = parse(readFileSync(valuesFile, 'utf8'));
  const before = helmTemplate(toolPath('helm'), work, h.release, CHART_DIRS[h.chart], h.namespace, valuesFile);
  let node = values;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = changed(node[path.at(-1)!]);
  const file = join(work, 'controls', 'helm-used', `${h.chart}-${path.join('.')}.values.yaml`);
  writeFileMkdir(file, stringify(values));
  const after = helmTemplate(toolPath('helm'), work, h.release, CHART_DIRS[h.chart], h.namespace, file);
  return after.status !== 0 || renderedBody(after.stdout) !== renderedBody(before.stdout) || readAtInjection(h.chart, path);
}

describe('every value meshgen sets is used by the chart it is given to (none is silently ignored)', () => {
  // each distinct chart and key path once, from the first render that sets it
  const seen = new Map<string, { h: HelmRender; c: Case; path: string[] }>();
  for (const c of withHelm) {
    for (const h of c.helm.filter((x) => x.status === 0)) {
      for (const path of leaves(parse(readFileSync(join(c.out, h.values), 'utf8')) ?? {})) {
        const key = `${h.chart}: ${path.join('.')}`;
        if (!seen.has(key)) seen.set(key, { h, c, path });
      }
    }
  }
  it.each([...seen].map(([key, v]) => [key, v] as const))('%s', (_, { h, c, path }) => {
    expect(valueIsUsed(h, join(c.out, h.values), path), `${path.join('.')} in ${h.values} of ${c.name} changes nothing the chart renders`).toBe(true);
  });
});

describe('negative controls: the same checks fail on broken output', () => {
  const c = cases.find((x) => x.name === 'primary-remote-multi-network')!;
  // the example sets istio.revision 1-30, so its istiod is the Helm release istiod-1-30
  const render = (cluster: string, release: string) => c.helm.find((h) => h.cluster === cluster && h.release === (release === 'istiod' ? 'istiod-1-30' : release))!;
  const helm = toolPath('helm');

  function templateWith(h: HelmRender, edit: (values: any) => void) {
    const values = parse(readFileSync(join(c.out, h.values), 'utf8')) ?? {};
    edit(values);
    const file = join(work, 'controls', 'helm', `${h.cluster}-${h.release}.values.yaml`);
    writeFileMkdir(file, stringify(values));
    return helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file);
  }

  it('a key the istiod chart does not know is found to be unused (helm itself says nothing)', () => {
    const h = render('hub-a', 'istiod');
    const values = parse(readFileSync(join(c.out, h.values), 'utf8'));
    values.global.notAKey = 'x';
    const file = join(work, 'controls', 'helm', 'unused.values.yaml');
    writeFileMkdir(file, stringify(values));
    const r = helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(valueIsUsed(h, file, ['global', 'notAKey'])).toBe(false);
    expect(valueIsUsed(h, file, ['global', 'meshID'])).toBe(true);
  });

  it('a values key the gateway chart\'s schema rejects makes helm template fail', () => {
    const r = templateWith(render('hub-a', 'istio-eastwestgateway'), (v) => (v.networkGatway = v.networkGateway));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/networkGatway/);
  });

  it('a values type the istiod chart cannot render makes helm template fail', () => {
    const r = templateWith(render('hub-a', 'istiod'), (v) => (v.global.multiCluster = 'hub-a'));
    expect(r.status).not.toBe(0);
  });

  it('an istiod rendered for another cluster name fails the CLUSTER_ID check', () => {
    const h = render('hub-a', 'istiod');
    const r = templateWith(h, (v) => (v.global.multiCluster.clusterName = 'hub-b'));
    expect(r.status).toBe(0);
    expect(istiodProblems(yamlDocs(r.stdout), expectationFor(c, c.clusters.find((x) => x.name === 'hub-a')!)).join('\n')).toMatch(/CLUSTER_ID is hub-b/);
  });

  it('an injector on the wrong network, and with another mesh ID, fails', () => {
    const r = templateWith(render('hub-a', 'istiod'), (v) => {
      v.global.network = 'net-x';
      v.global.meshID = 'other';
    });
    const problems = istiodProblems(yamlDocs(r.stdout), expectationFor(c, c.clusters.find((x) => x.name === 'hub-a')!)).join('\n');
    expect(problems).toMatch(/injector's network is "net-x"/);
    expect(problems).toMatch(/injector's mesh ID is "other"/);
  });

  it('a remote rendered without the remote profile (an istiod Deployment, the plain /inject path) fails', () => {
    const r = templateWith(render('spoke-a', 'istiod'), (v) => {
      delete v.profile;
      delete v.istiodRemote;
    });
    const problems = istiodProblems(yamlDocs(r.stdout), expectationFor(c, c.clusters.find((x) => x.name === 'spoke-a')!)).join('\n');
    expect(problems).toMatch(/remote renders an istiod Deployment/);
    expect(problems).toMatch(/calls \/inject, not \/inject\/cluster\/spoke-a\/net\/net-b/);
  });

  it('a remote pointed at another address fails the EndpointSlice check', () => {
    const r = templateWith(render('spoke-a', 'istiod'), (v) => (v.global.remotePilotAddress = '203.0.113.99'));
    expect(istiodProblems(yamlDocs(r.stdout), expectationFor(c, c.clusters.find((x) => x.name === 'spoke-a')!)).join('\n')).toMatch(/points at \[203\.0\.113\.99\]/);
  });

  it('a remote whose primary is a hostname gets an ExternalName istiod Service, checked against that hostname', () => {
    const r = templateWith(render('spoke-a', 'istiod'), (v) => (v.global.remotePilotAddress = 'istiod.hub-a.example.com'));
    expect(r.status, r.stderr).toBe(0);
    const spokeA = expectationFor(c, c.clusters.find((x) => x.name === 'spoke-a')!);
    expect(istiodProblems(yamlDocs(r.stdout), { ...spokeA, primaryAddress: 'istiod.hub-a.example.com' })).toEqual([]);
    expect(istiodProblems(yamlDocs(r.stdout), { ...spokeA, primaryAddress: 'istiod.other.example.com' }).join('\n')).toMatch(/not an ExternalName to istiod\.other\.example\.com/);
  });

  it('an east-west gateway whose pinned node port is lost fails the node-port check', () => {
    const eks = cases.find((x) => x.name === 'eks-alb-nodeport')!;
    const h = eks.helm.find((x) => x.cluster === 'eks-east' && x.release === 'istio-eastwestgateway')!;
    const values = parse(readFileSync(join(eks.out, h.values), 'utf8'));
    const expectation = expectationFor(eks, eks.clusters.find((x) => x.name === 'eks-east')!);
    const file = join(work, 'controls', 'helm', 'eks-east-ew.values.yaml');
    writeFileMkdir(file, stringify(values));
    expect(eastWestProblems(yamlDocs(helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file).stdout), expectation)).toEqual([]);
    for (const port of values.service.ports) delete port.nodePort;
    writeFileMkdir(file, stringify(values));
    expect(eastWestProblems(yamlDocs(helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file).stdout), expectation).join('\n')).toMatch(/node port behind 15443 is undefined, not the pinned 31443/);
  });

  it('the chart\'s networkGateway path drops a nodePort given in networkGatewayPorts (why meshgen spells the ports out)', () => {
    const eks = cases.find((x) => x.name === 'eks-alb-nodeport')!;
    const h = eks.helm.find((x) => x.cluster === 'eks-east' && x.release === 'istio-eastwestgateway')!;
    const values = { name: 'istio-eastwestgateway', networkGateway: 'vpc-east', networkGatewayPorts: { 'status-port': { port: 15021 }, tls: { port: 15443, nodePort: 31443 }, 'tls-istiod': { port: 15012 }, 'tls-webhook': { port: 15017 } }, service: { type: 'NodePort' } };
    const file = join(work, 'controls', 'helm', 'eks-east-ew-networkgateway.values.yaml');
    writeFileMkdir(file, stringify(values));
    const r = helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file);
    expect(r.status, r.stderr).toBe(0);
    const tls = byKind(yamlDocs(r.stdout), 'Service')[0].spec.ports.find((p: any) => p.port === 15443);
    expect(tls.nodePort).toBeUndefined();
  });

  it('an ingress gateway with another name, or without its pinned node ports, fails the ingress checks', () => {
    const eks = cases.find((x) => x.name === 'eks-alb-nodeport')!;
    const h = eks.helm.find((x) => x.cluster === 'eks-east' && x.release === 'istio-ingressgateway')!;
    expect(h.namespace).toBe('istio-ingress');
    const values = parse(readFileSync(join(eks.out, h.values), 'utf8'));
    values.name = 'istio-other';
    for (const port of values.service.ports) delete port.nodePort;
    const file = join(work, 'controls', 'helm', 'eks-east-ingress.values.yaml');
    writeFileMkdir(file, stringify(values));
    const problems = ingressProblems(yamlDocs(helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file).stdout), expectationFor(eks, eks.clusters.find((x) => x.name === 'eks-east')!)).join('\n');
    expect(problems).toMatch(/Service is istio-other, not istio-ingressgateway/);
    expect(problems).toMatch(/pods are labelled istio: other, not ingressgateway/);
    expect(problems).toMatch(/node port behind 15021 is undefined, not the pinned 30621/);
  });

  it('a gateway that is not a network gateway fails the east-west checks', () => {
    const r = templateWith(render('hub-a', 'istio-eastwestgateway'), (v) => delete v.networkGateway);
    expect(r.status).toBe(0);
    const problems = eastWestProblems(yamlDocs(r.stdout), expectationFor(c, c.clusters.find((x) => x.name === 'hub-a')!)).join('\n');
    expect(problems).toMatch(/no port 15443/);
    expect(problems).toMatch(/ISTIO_META_REQUESTED_NETWORK_VIEW/);
    expect(problems).toMatch(/topology.istio.io\/network/);
  });

  const ambientCase = cases.find((x) => x.name === 'ambient-multi-network')!;
  function ambientTemplateWith(release: string, edit: (values: any) => void) {
    const h = ambientCase.helm.find((x) => x.cluster === 'east' && x.release === release)!;
    const values = parse(readFileSync(join(ambientCase.out, h.values), 'utf8')) ?? {};
    edit(values);
    const file = join(work, 'controls', 'helm', `ambient-${h.cluster}-${h.release}.values.yaml`);
    writeFileMkdir(file, stringify(values));
    return helmTemplate(helm, work, h.release, CHART_DIRS[h.chart], h.namespace, file);
  }
  const ambientEast = () => expectationFor(ambientCase, ambientCase.clusters.find((x) => x.name === 'east')!);

  it('a ztunnel rendered for another cluster, on another network, fails; without a cluster name it is "Kubernetes"', () => {
    const other = ambientTemplateWith('ztunnel', (v) => {
      v.global.network = 'net-x';
      v.multiCluster.clusterName = 'west';
    });
    expect(other.status, other.stderr).toBe(0);
    const problems = ztunnelProblems(yamlDocs(other.stdout), ambientEast()).join('\n');
    expect(problems).toMatch(/NETWORK is net-x/);
    expect(problems).toMatch(/ISTIO_META_CLUSTER_ID is west/);
    const unnamed = ambientTemplateWith('ztunnel', (v) => delete v.multiCluster);
    expect(ztunnelProblems(yamlDocs(unnamed.stdout), ambientEast()).join('\n')).toMatch(/ISTIO_META_CLUSTER_ID is Kubernetes/);
  });

  it('a cni without the ambient profile fails the CNI check', () => {
    const r = ambientTemplateWith('istio-cni', (v) => delete v.profile);
    expect(r.status, r.stderr).toBe(0);
    expect(cniProblems(yamlDocs(r.stdout)).join('\n')).toMatch(/AMBIENT_ENABLED is false/);
  });

  it('an istiod without the ambient profile, the multi-network flag and the scope fails the ambient checks', () => {
    const r = ambientTemplateWith('istiod', (v) => {
      delete v.profile;
      delete v.env;
      delete v.meshConfig.serviceScopeConfigs;
    });
    expect(r.status, r.stderr).toBe(0);
    const problems = ambientIstiodProblems(yamlDocs(r.stdout), ambientEast(), ['shop']).join('\n');
    expect(problems).toMatch(/PILOT_ENABLE_AMBIENT/);
    expect(problems).toMatch(/AMBIENT_ENABLE_MULTI_NETWORK is undefined/);
    expect(problems).toMatch(/namespace shop global/);
  });

  it("a base chart that leaves out a CRD meshgen's manifests use fails the base check", () => {
    const r = templateWith(render('hub-a', 'istio-base'), (v) => (v.base = { excludedCRDs: ['virtualservices.networking.istio.io'] }));
    expect(r.status).toBe(0);
    expect(baseProblems(yamlDocs(r.stdout))).toEqual(['the base chart does not install virtualservices.networking.istio.io']);
  });
});

it('the rendered objects are written where the istioctl checks read them', () => {
  const renders = cases.flatMap((c) => c.helm);
  expect(renders.length).toBeGreaterThan(0);
  for (const h of renders.filter((x) => x.status === 0)) expect(readFileSync(h.rendered, 'utf8').length, h.rendered).toBeGreaterThan(0);
  writeFileSync(join(work, 'helm-checked'), `${renders.length}\n`);
});

// --- day-2 phases (spec.pki.rotation, spec.istio.upgrade) in what the real charts render ---------

/** A root rotation: istiod runs with ISTIO_MULTIROOT_MESH, and the mesh config gives proxies PROXY_CONFIG_XDS_AGENT. */
export function multiRootProblems(objects: any[]): string[] {
  const problems: string[] = [];
  const deployment = byKind(objects, 'Deployment').find((d) => d.metadata.name.startsWith('istiod'));
  const discovery = deployment?.spec.template.spec.containers.find((c: any) => c.name === 'discovery');
  if (env(discovery, 'ISTIO_MULTIROOT_MESH') !== 'true') problems.push(`istiod's ISTIO_MULTIROOT_MESH is ${env(discovery, 'ISTIO_MULTIROOT_MESH')}, not "true"`);
  const mesh = byKind(objects, 'ConfigMap').find((m) => /^istio(-.+)?$/.test(m.metadata.name) && m.data?.mesh);
  const metadata = mesh ? parse(mesh.data.mesh)?.defaultConfig?.proxyMetadata : undefined;
  if (metadata?.PROXY_CONFIG_XDS_AGENT !== 'true') problems.push(`the mesh config's proxyMetadata.PROXY_CONFIG_XDS_AGENT is ${metadata?.PROXY_CONFIG_XDS_AGENT}, not "true"`);
  return problems;
}

/** A canary upgrade: each tag the release claims is a webhook of this revision's istiod (on a remote, through the injection path). */
export function revisionTagProblems(objects: any[], revision: string, tags: string[], injectionPath?: string): string[] {
  const problems: string[] = [];
  const webhooks = byKind(objects, 'MutatingWebhookConfiguration');
  const service = revision === 'default' ? 'istiod' : `istiod-${revision}`;
  for (const tag of tags) {
    const mwc = webhooks.find((m) => m.metadata.name.startsWith(`istio-revision-tag-${tag}`));
    if (!mwc) {
      problems.push(`no revision tag webhook for ${tag}`);
      continue;
    }
    if (mwc.metadata.labels?.['istio.io/rev'] !== revision) problems.push(`tag ${tag} belongs to revision ${mwc.metadata.labels?.['istio.io/rev']}, not ${revision}`);
    for (const w of mwc.webhooks ?? []) {
      if (w.clientConfig?.service?.name !== service) problems.push(`tag ${tag}'s webhook ${w.name} calls ${w.clientConfig?.service?.name ?? w.clientConfig?.url}, not ${service}`);
      if (injectionPath && w.clientConfig?.service?.path !== injectionPath) problems.push(`tag ${tag}'s webhook ${w.name} has path ${w.clientConfig?.service?.path}, not ${injectionPath}`);
    }
  }
  return problems;
}

describe('day-2 phases in the rendered charts', () => {
  const istiodRenders = (c: Case) => c.helm.filter((h) => h.chart === 'istiod' && h.status === 0);
  const values = (c: Case, h: HelmRender) => parse(readFileSync(join(c.out, h.values), 'utf8'));
  const rotating = withHelm.filter((c) => parse(readFileSync(c.meshFile, 'utf8')).spec.pki?.rotation);
  const upgrading = withHelm.filter((c) => parse(readFileSync(c.meshFile, 'utf8')).spec.istio?.upgrade);

  it('there are rotation and upgrade examples to check', () => {
    expect(rotating.length).toBeGreaterThanOrEqual(3);
    expect(upgrading.length).toBeGreaterThanOrEqual(3);
  });

  it.each(rotating.map((c) => [c.name, c] as const))('%s: every primary\'s istiod trusts several roots and tells its proxies', (_, c) => {
    const primaries = istiodRenders(c).filter((h) => c.clusters.find((x) => x.name === h.cluster)?.role === 'primary');
    expect(primaries.length).toBeGreaterThan(0);
    for (const h of primaries) expect(multiRootProblems(readYamlDocs(h.rendered)), h.command).toEqual([]);
  });

  it('negative control: an istiod outside a rotation has neither setting', () => {
    const plain = withHelm.find((c) => c.name.includes('multi-primary') && !rotating.includes(c))!;
    expect(multiRootProblems(readYamlDocs(istiodRenders(plain)[0].rendered))).toHaveLength(2);
  });

  it.each(upgrading.map((c) => [c.name, c] as const))('%s: each istiod release renders the revision tags it claims, calling its own revision', (_, c) => {
    for (const h of istiodRenders(c)) {
      const v = values(c, h);
      expect(revisionTagProblems(readYamlDocs(h.rendered), v.revision ?? 'default', v.revisionTags ?? [], v.istiodRemote?.injectionPath), h.command).toEqual([]);
    }
  });

  it('negative control: a tag a release does not render, or another revision, is reported', () => {
    const c = upgrading[0];
    const h = istiodRenders(c).find((x) => values(c, x).revisionTags?.length)!;
    const v = values(c, h);
    expect(revisionTagProblems(readYamlDocs(h.rendered), v.revision, ['not-a-tag'])).toEqual(['no revision tag webhook for not-a-tag']);
    expect(revisionTagProblems(readYamlDocs(h.rendered), 'other', v.revisionTags).length).toBeGreaterThan(0);
  });
});
