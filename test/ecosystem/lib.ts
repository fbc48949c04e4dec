import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { inject } from 'vitest';
import { parseAllDocuments } from 'yaml';

// Shared by the ecosystem tier's tests: where the prepared cases are (global-setup.ts builds
// every example and every `meshgen init` topology once, and renders each Helm release with the
// real chart), the pinned tools' binaries, and small helpers to run them.

export const REPO = resolve(import.meta.dirname, '../..');
export const UPSTREAM = resolve(REPO, '../shared/upstream');
export const ISTIO_UPSTREAM = join(UPSTREAM, 'istio-1.30.3');
export const CHARTS = join(ISTIO_UPSTREAM, 'charts');

export interface ToolsConfig {
  kubernetesVersion: string;
  kubernetesOpenAPI: { module: string; version: string; sum: string; dir: string; checks: string };
  crds: { sources: string[]; checks: string };
  npm: { package: string; with?: string; checks: string }[];
  tools: { name: string; version: string; displayVersion?: string; module: string; package: string; goModule: string; localPackage?: string; versionArgs: string[]; checks: string }[];
}

export const TOOLS_CONFIG: ToolsConfig = JSON.parse(readFileSync(join(REPO, 'tools/ecosystem/tools.json'), 'utf8'));
export const KUBE_VERSION = TOOLS_CONFIG.kubernetesVersion;

export interface ClusterInfo {
  name: string;
  role: 'primary' | 'remote';
  network?: string;
  controlPlane?: string;
}

export interface HelmRender {
  cluster: string;
  release: string;
  /** chart name as out/README.md installs it: base, istiod, gateway */
  chart: string;
  namespace: string;
  /** values file, relative to out/ */
  values: string;
  /** the rendered objects (a file), when helm succeeded */
  rendered: string;
  status: number | null;
  stderr: string;
  /** the README line the release was read from */
  command: string;
}

export interface Case {
  name: string;
  kind: 'example' | 'init';
  meshFile: string;
  out: string;
  buildStatus: number | null;
  buildStderr: string;
  clusters: ClusterInfo[];
  istioVersion: string;
  legacyGlobal: boolean;
  gitops: { argocd?: any; flux?: any };
  helm: HelmRender[];
  /** values files under out/ that no README helm command installs */
  unmappedValues: string[];
}

export interface Prepared {
  work: string;
  cases: Case[];
  tools: Record<string, string>;
  /** folder of the pinned Kubernetes OpenAPI v3 documents */
  kubernetesOpenAPI: string;
  chromium?: string;
  chromiumMissing?: string;
}

let prepared: Prepared | undefined;

/** What global-setup.ts prepared (provided to every test file). */
export function preparedCases(): Prepared {
  if (!prepared) prepared = JSON.parse(readFileSync(join(inject('ecosystemWork'), 'prepared.json'), 'utf8')) as Prepared;
  return prepared;
}

export function toolPath(name: string): string {
  const path = preparedCases().tools[name];
  if (!path || !existsSync(path)) throw new Error(`${name} is not built; run the tier through npm run test:ecosystem`);
  return path;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, HOME: process.env.HOME, ...options.env },
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeout ?? 300_000,
  });
  if (r.error) throw r.error;
  return r;
}

export function runTool(name: string, args: string[], options: Parameters<typeof run>[2] = {}): SpawnSyncReturns<string> {
  return run(toolPath(name), args, options);
}

/** Helm with its own empty home, so no user's repositories or plugins take part. */
export function helmEnv(work: string): NodeJS.ProcessEnv {
  const home = join(work, 'helm-home');
  return { HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
}

/** Every file under dir, relative paths, sorted. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(relative(dir, full).split('\\').join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files.sort();
}

/** The YAML documents of a file (or of a string), empty documents left out. */
export function yamlDocs(text: string): any[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('; '));
      return d.toJS();
    })
    .filter((v) => v !== null && v !== undefined);
}

export function readYamlDocs(path: string): any[] {
  return yamlDocs(readFileSync(path, 'utf8'));
}

export function writeFileMkdir(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Every object of one cluster that meshgen writes as Kubernetes YAML: manifests/ and secrets/. */
export function clusterObjectFiles(c: Case, cluster: string): string[] {
  return listFiles(join(c.out, cluster))
    .filter((p) => (p.startsWith('manifests/') || p.startsWith('secrets/')) && p.endsWith('.yaml'))
    .map((p) => join(c.out, cluster, p));
}

/** Every YAML object file meshgen writes in out/ (not values files, not kustomization.yaml). */
export function allObjectFiles(c: Case): string[] {
  return listFiles(c.out)
    .filter((p) => p.endsWith('.yaml') && !p.endsWith('kustomization.yaml') && !p.includes('/helm/'))
    .map((p) => join(c.out, p));
}

export const isIstioGroup = (apiVersion: string) => /^[a-z.]*istio\.io\//.test(apiVersion);

export function objectId(o: any): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/**
 * A SOPS file (secrets.mode sops) as Flux applies it: decrypted by the pinned sops with every
 * TEST-ONLY age identity committed beside the case's mesh file (age/*.agekey).
 */
export function sopsDecrypted(c: Case, file: string): any {
  const ageDir = join(dirname(c.meshFile), 'age');
  const identities = join(mkdtempSync(join(tmpdir(), 'sops-ids-')), 'keys.txt');
  writeFileSync(identities, readdirSync(ageDir).filter((f) => f.endsWith('.agekey')).map((f) => readFileSync(join(ageDir, f), 'utf8')).join('\n'));
  const r = runTool('sops', ['--decrypt', '--disable-version-check', file], { env: { SOPS_AGE_KEY_FILE: identities, SOPS_AGE_KEY: '' } });
  if (r.status !== 0) throw new Error(`sops --decrypt ${file}: ${r.stderr}`);
  return yamlDocs(r.stdout)[0];
}
