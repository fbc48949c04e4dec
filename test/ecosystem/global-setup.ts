import { existsSync, mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import type { TestProject } from 'vitest/node';
import { EXAMPLES, PHASE_EXAMPLES } from '../helpers/fixtures.js';
import { CHARTS, KUBE_VERSION, REPO, helmEnv, listFiles, type Case, type ClusterInfo, type HelmRender, type Prepared } from './lib.js';

// Prepares the tier's inputs once: every example and every `meshgen init` topology built by
// the real CLI (dist/), and every Helm release of out/README.md's install commands rendered by
// the pinned helm with the real Istio 1.30.3 chart. Failures are recorded, not thrown: the
// tests report them.

/** `meshgen init` topologies, each with this many clusters (3: a primary-remote mesh gets two remotes). */
export const INIT_CLUSTERS = 3;

async function initTopologies(): Promise<readonly string[]> {
  // the list the CLI itself accepts, so a new topology is covered without editing this file
  const template = await import(pathToFileURL(join(REPO, 'dist/init/mesh-template.js')).href);
  return template.INIT_TOPOLOGIES;
}

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [join(REPO, 'dist/cli.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
}

/** The chart directory for a chart name as the README installs it. */
export const CHART_DIRS: Record<string, string> = { base: join(CHARTS, 'base'), istiod: join(CHARTS, 'istiod'), gateway: join(CHARTS, 'gateway'), cni: join(CHARTS, 'cni'), ztunnel: join(CHARTS, 'ztunnel') };

/** `helm upgrade --install RELEASE CHART ... -n NS -f VALUES` lines of out/README.md. */
export function helmCommands(readme: string): { release: string; chart: string; namespace: string; values: string; command: string }[] {
  const commands = [];
  for (const line of readme.split('\n')) {
    const m = line.match(/^\s*helm upgrade --install (\S+) (\S+) (.*)$/);
    if (!m) continue;
    const namespace = m[3].match(/(?:^|\s)(?:-n|--namespace) (\S+)/)?.[1];
    const values = m[3].match(/(?:^|\s)(?:-f|--values) (\S+)/)?.[1];
    if (!namespace || !values) throw new Error(`a helm command without -n or -f in out/README.md: ${line}`);
    // a phase section (a canary upgrade) repeats install commands: each release is rendered once
    if (commands.some((c) => c.command === line.trim())) continue;
    commands.push({ release: m[1], chart: m[2], namespace, values, command: line.trim() });
  }
  return commands;
}

function clustersOf(spec: any): ClusterInfo[] {
  return spec.clusters.map((c: any) => ({ name: c.name, role: c.role ?? 'primary', network: c.network, controlPlane: c.controlPlane }));
}

function prepareCase(work: string, name: string, kind: 'example' | 'init', meshFile: string, helmBinary: string | undefined): Case {
  const out = join(work, 'cases', name, 'out');
  const build = cli(['build', meshFile, '--out', out, '--quiet'], REPO);
  const spec = parse(readFileSync(meshFile, 'utf8')).spec;
  const c: Case = {
    name,
    kind,
    meshFile,
    out,
    buildStatus: build.status,
    buildStderr: build.stderr,
    clusters: clustersOf(spec),
    istioVersion: String(spec.istio?.version ?? ''),
    legacyGlobal: spec.legacy?.global?.enabled === true,
    gitops: spec.gitops ?? {},
    helm: [],
    unmappedValues: [],
  };
  if (build.status !== 0 || !existsSync(join(out, 'README.md'))) return c;
  const commands = helmCommands(readFileSync(join(out, 'README.md'), 'utf8'));
  const valuesFiles = listFiles(out).filter((p) => /^[^/]+\/helm\/[^/]+\.values\.yaml$/.test(p));
  c.unmappedValues = valuesFiles.filter((v) => !commands.some((cmd) => cmd.values === v));
  for (const cmd of commands) {
    const cluster = cmd.values.split('/')[0];
    const rendered = join(work, 'cases', name, 'rendered', cluster, `${cmd.release}.yaml`);
    const render: HelmRender = { cluster, ...cmd, rendered, status: null, stderr: '' };
    c.helm.push(render);
    const chartDir = CHART_DIRS[cmd.chart];
    if (!helmBinary) {
      render.stderr = 'helm is not built';
      continue;
    }
    if (!chartDir) {
      render.stderr = `no upstream chart for "${cmd.chart}"`;
      continue;
    }
    const r = helmTemplate(helmBinary, work, cmd.release, chartDir, cmd.namespace, join(out, cmd.values));
    render.status = r.status;
    render.stderr = r.stderr;
    if (r.status === 0) {
      mkdirSync(join(rendered, '..'), { recursive: true });
      writeFileSync(rendered, r.stdout);
    }
  }
  return c;
}

/** `helm template` of one release, as the tier runs it everywhere (also for the negative controls). */
export function helmTemplate(helm: string, work: string, release: string, chartDir: string, namespace: string, valuesFile: string) {
  return spawnSync(helm, ['template', release, chartDir, '--namespace', namespace, '--values', valuesFile, '--kube-version', KUBE_VERSION], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...helmEnv(work) },
  });
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const work = process.env.MESHGEN_ECO_WORK ?? mkdtempSync(join(tmpdir(), 'meshgen-ecosystem-'));
  mkdirSync(work, { recursive: true });
  if (process.env.MESHGEN_ECO_REUSE === '1' && existsSync(join(work, 'prepared.json'))) {
    // while writing a check: reuse the cases a previous run prepared in this work directory
    console.log(`ecosystem tier: reusing the cases prepared in ${work} (MESHGEN_ECO_REUSE=1)`);
    project.provide('ecosystemWork', work);
    return;
  }
  for (const dir of ['cases', 'sources', 'controls']) rmSync(join(work, dir), { recursive: true, force: true });
  const tools: Record<string, string> = JSON.parse(process.env.MESHGEN_ECO_TOOLS ?? '{}');
  const cases: Case[] = [];
  for (const example of [...EXAMPLES, ...PHASE_EXAMPLES]) {
    // a copy, so that nothing the build might create lands in the repository's examples/
    const dir = join(work, 'sources', example);
    cpSync(join(REPO, 'examples', example), dir, { recursive: true });
    cases.push(prepareCase(work, example, 'example', join(dir, 'mesh.yaml'), tools.helm));
  }
  for (const topology of await initTopologies()) {
    const name = `init-${topology}-${INIT_CLUSTERS}`;
    const dir = join(work, 'sources', name);
    const init = cli(['init', dir, '--topology', topology, '--clusters', String(INIT_CLUSTERS)], REPO);
    if (init.status !== 0) throw new Error(`meshgen init --topology ${topology} failed: ${init.stderr}`);
    cases.push(prepareCase(work, name, 'init', join(dir, 'mesh.yaml'), tools.helm));
  }
  const prepared: Prepared = { work, cases, tools, kubernetesOpenAPI: process.env.MESHGEN_ECO_K8S_OPENAPI ?? '', chromium: process.env.MESHGEN_CHROMIUM || undefined, chromiumMissing: process.env.MESHGEN_CHROMIUM_MISSING || undefined };
  writeFileSync(join(work, 'prepared.json'), `${JSON.stringify(prepared, null, 2)}\n`);
  project.provide('ecosystemWork', work);
  const renders = cases.reduce((n, c) => n + c.helm.length, 0);
  console.log(`ecosystem tier: ${cases.length} cases built and ${renders} Helm releases rendered in ${((Date.now() - started) / 1000).toFixed(1)}s (${work})`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    ecosystemWork: string;
  }
}
