import { chmodSync, cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { parseAllDocuments, stringify } from 'yaml';

// The end-to-end tier's harness (npm run test:e2e → scripts/e2e/run.mjs, which builds or reuses
// the pinned binaries first and passes their paths in MESHGEN_E2E_TOOLS). A "cluster" here is a
// real etcd and a real kube-apiserver on a loopback address: no kubelet, no controller-manager,
// no pods. istiod is a real `pilot-discovery discovery` process run against its API server.
// Every process is started by this file and stopped by its pid.

export const REPO = resolve(import.meta.dirname, '../..');
export const CHARTS = resolve(REPO, '../shared/upstream/istio-1.30.3/charts');
const CHART_DIRS: Record<string, string> = { base: join(CHARTS, 'base'), istiod: join(CHARTS, 'istiod'), gateway: join(CHARTS, 'gateway') };
/** The Kubernetes version helm renders for: the kube-apiserver the tier builds. */
export const KUBE_VERSION = JSON.parse(readFileSync(join(REPO, 'tools/ecosystem/tools.json'), 'utf8')).e2eTools.find((t: any) => t.name === 'kube-apiserver').version.slice(1);

/** The path of a pinned binary (scripts/e2e/run.mjs passes them in MESHGEN_E2E_TOOLS). */
export function tool(name: 'etcd' | 'kube-apiserver' | 'pilot-discovery' | 'xds-probe' | 'helm'): string {
  const path = JSON.parse(process.env.MESHGEN_E2E_TOOLS ?? '{}')[name];
  if (!path || !existsSync(path)) throw new Error(`${name} is not built: run the tier through npm run test:e2e`);
  return path;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, input: options.input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: options.timeout ?? 180_000 });
  if (r.error) throw r.error;
  return r;
}

/** Runs and throws with the command's output on a non-zero exit. */
export function must(command: string, args: string[], options: Parameters<typeof run>[2] = {}): string {
  const r = run(command, args, options);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns a value that is not undefined; throws the last failure after `ms`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    await sleep(500);
  }
}

/** A free TCP port on the address (bound and released at once). */
export function freePort(host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => ok(port));
    });
  });
}

export function yamlDocs(text: string): any[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('; '));
      return d.toJS();
    })
    .filter((v) => v !== null && v !== undefined);
}

/** Processes this run started, stopped (SIGTERM, then SIGKILL) by their pids. */
export class Processes {
  private readonly children: { name: string; child: ChildProcess; log: string }[] = [];

  start(name: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; log: string }): ChildProcess {
    const out = createWriteStream(options.log, { flags: 'a' });
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    this.children.push({ name, child, log: options.log });
    return child;
  }

  /** The log of a process so far (its last `lines` lines). */
  tail(name: string, lines = 40): string {
    const p = this.children.find((c) => c.name === name);
    if (!p || !existsSync(p.log)) return '';
    return readFileSync(p.log, 'utf8').split('\n').slice(-lines).join('\n');
  }

  exited(name: string): boolean {
    const p = this.children.find((c) => c.name === name);
    return !p || p.child.exitCode !== null || p.child.signalCode !== null;
  }

  async stop(name: string): Promise<void> {
    const i = this.children.findIndex((c) => c.name === name);
    if (i < 0) return;
    const [{ child }] = this.children.splice(i, 1);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    for (const { name } of [...this.children].reverse()) await this.stop(name);
  }
}

// ---------------------------------------------------------------------------------------------
// A cluster: etcd + kube-apiserver on one loopback address

export interface Cluster {
  name: string;
  host: string;
  url: string;
  /** the CA that signed the API server's serving certificate (PEM file) */
  caFile: string;
  /** an admin kubeconfig (static token in group system:masters) */
  kubeconfig: string;
  dir: string;
}

/** A self-signed ECDSA CA and a serving certificate for `host`, with openssl. */
function servingCerts(dir: string, host: string): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const key = join(dir, 'serving.key');
  const csr = join(dir, 'serving.csr');
  const cert = join(dir, 'serving.crt');
  must('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', `/CN=e2e-${host}-ca`]);
  must('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=kube-apiserver']);
  const ext = join(dir, 'serving.ext');
  writeFileSync(ext, `subjectAltName=IP:${host},DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n`);
  must('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  for (const f of [caKey, key]) chmodSync(f, 0o600);
  return { ca, cert, key };
}

export async function startCluster(procs: Processes, work: string, name: string, host: string): Promise<Cluster> {
  const dir = join(work, 'clusters', name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const [clientPort, peerPort, apiPort] = [await freePort(host), await freePort(host), await freePort(host)];
  procs.start(`etcd-${name}`, tool('etcd'), [
    '--name', name, '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', `http://${host}:${clientPort}`, '--advertise-client-urls', `http://${host}:${clientPort}`,
    '--listen-peer-urls', `http://${host}:${peerPort}`, '--initial-advertise-peer-urls', `http://${host}:${peerPort}`,
    '--initial-cluster', `${name}=http://${host}:${peerPort}`,
    // a throwaway store: no fsync
    '--unsafe-no-fsync',
  ], { cwd: dir, log: join(dir, 'etcd.log') });

  const certs = servingCerts(dir, host);
  const saKey = join(dir, 'sa.key');
  must('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', saKey]);
  chmodSync(saKey, 0o600);
  const saPub = join(dir, 'sa.pub');
  must('openssl', ['ec', '-in', saKey, '-pubout', '-out', saPub]);
  // the admin credential: a static token in group system:masters (the simplest the API server accepts)
  const adminToken = `e2e-admin-${name}-${process.pid}-${Date.now()}`;
  const tokens = join(dir, 'tokens.csv');
  writeFileSync(tokens, `${adminToken},e2e-admin,e2e-admin,"system:masters"\n`, { mode: 0o600 });
  procs.start(`kube-apiserver-${name}`, tool('kube-apiserver'), [
    `--etcd-servers=http://${host}:${clientPort}`,
    `--bind-address=${host}`, `--secure-port=${apiPort}`, `--advertise-address=${host}`,
    `--tls-cert-file=${certs.cert}`, `--tls-private-key-file=${certs.key}`, `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--token-auth-file=${tokens}`,
    // RBAC, so that the reader's ClusterRole the charts render is what lets istiod read
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${saPub}`, `--service-account-signing-key-file=${saKey}`,
    '--api-audiences=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.96.0.0/16',
    // no nodes, no controller-manager: nothing reconciles the `kubernetes` Service's endpoints
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
  ], { cwd: dir, log: join(dir, 'kube-apiserver.log') });

  const url = `https://${host}:${apiPort}`;
  const kubeconfig = join(dir, 'admin.kubeconfig');
  writeFileSync(kubeconfig, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': name,
    clusters: [{ name, cluster: { server: url, 'certificate-authority': certs.ca } }],
    users: [{ name: `${name}-admin`, user: { token: adminToken } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
  }), { mode: 0o600 });
  const cluster = { name, host, url, caFile: certs.ca, kubeconfig, dir };
  await waitFor(`${name}'s API server to be ready`, () => {
    if (procs.exited(`kube-apiserver-${name}`)) throw new Error(`kube-apiserver exited:\n${procs.tail(`kube-apiserver-${name}`)}`);
    if (procs.exited(`etcd-${name}`)) throw new Error(`etcd exited:\n${procs.tail(`etcd-${name}`)}`);
    const r = run('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz'], { timeout: 20_000 });
    return r.status === 0 && r.stdout.trim() === 'ok' ? true : undefined;
  }, 180_000);
  return cluster;
}

export function kubectl(c: Cluster, args: string[], input?: string): string {
  return must('kubectl', ['--kubeconfig', c.kubeconfig, ...args], { input });
}

export function kubectlJson(c: Cluster, args: string[]): any {
  return JSON.parse(kubectl(c, [...args, '-o', 'json']));
}

/** One kubeconfig with a context per cluster (named after it), as the README's $CTX_* expect. */
export function mergedKubeconfig(clusters: Cluster[], path: string): string {
  const configs = clusters.map((c) => yamlDocs(readFileSync(c.kubeconfig, 'utf8'))[0]);
  writeFileSync(path, stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: configs.flatMap((k) => k.clusters), users: configs.flatMap((k) => k.users), contexts: configs.flatMap((k) => k.contexts),
  }), { mode: 0o600 });
  return path;
}

// ---------------------------------------------------------------------------------------------
// meshgen

export function meshgen(args: string[], cwd: string): string {
  return must(process.execPath, [join(REPO, 'dist/cli.js'), ...args], { cwd, env: { TZ: 'UTC' } });
}

/** A mesh directory from an example: its mesh.yaml (edited by `edit`) and its committed test-only pki/. */
export function meshDir(work: string, example: string, edit: (mesh: any) => void): string {
  const dir = join(work, 'mesh');
  mkdirSync(join(dir, 'credentials'), { recursive: true, mode: 0o700 });
  cpSync(join(REPO, 'examples', example, 'pki'), join(dir, 'pki'), { recursive: true });
  const mesh = yamlDocs(readFileSync(join(REPO, 'examples', example, 'mesh.yaml'), 'utf8'))[0];
  edit(mesh);
  writeFileSync(join(dir, 'mesh.yaml'), stringify(mesh));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// out/README.md, executed

export interface Step {
  /** the README's line */
  line: string;
  kind: 'apply' | 'helm' | 'save-credential';
  context?: string;
}

/** The shell commands of out/README.md's "Install order" and "Remote secrets" sections, in order. */
export function readmeSteps(readme: string): Step[] {
  const steps: Step[] = [];
  let section = '';
  let inSh = false;
  for (const line of readme.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    if (line.trim() === '```sh') { inSh = true; continue; }
    if (line.trim() === '```') { inSh = false; continue; }
    if (!inSh || !['Install order', 'Remote secrets'].includes(section)) continue;
    const l = line.trim();
    if (!l || l.startsWith('export CTX_')) continue;
    const context = l.match(/--(?:kube-)?context "\$CTX_([A-Z0-9_]+)"/)?.[1];
    if (l.startsWith('helm upgrade --install ')) steps.push({ line: l, kind: 'helm', context });
    else if (/^kubectl .* apply /.test(l)) steps.push({ line: l, kind: 'apply', context });
    else if (/^kubectl .* get secret .*> \S+$/.test(l)) steps.push({ line: l, kind: 'save-credential', context });
    else throw new Error(`a command in out/README.md this harness does not know how to run: ${l}`);
  }
  return steps;
}

/** `CTX_EAST` → the cluster named east (the README upper-cases names, `-` → `_`). */
function contextName(clusters: Cluster[], ctx: string): string {
  const c = clusters.find((x) => x.name.toUpperCase().replace(/[^A-Z0-9]/g, '_') === ctx);
  if (!c) throw new Error(`no cluster for $CTX_${ctx}`);
  return c.name;
}

export interface Installer {
  out: string;
  meshDir: string;
  clusters: Cluster[];
  kubeconfig: string;
  work: string;
  /** what ran, for the test's report */
  log: string[];
  /** warnings kubectl printed (from the API server) while applying */
  warnings: string[];
}

function ctxEnv(inst: Installer): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { KUBECONFIG: inst.kubeconfig };
  for (const c of inst.clusters) env[`CTX_${c.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = c.name;
  return env;
}

/**
 * `helm upgrade --install RELEASE CHART --repo ... -n NS -f VALUES` → the objects
 * `helm template` renders with the real chart from ../shared/upstream (no network), in files:
 * the CustomResourceDefinitions apart, so they are applied (and established) first.
 */
export function helmRender(inst: Installer, step: Step): { crds?: string; objects: string; release: string; cluster: string } {
  const m = step.line.match(/^helm upgrade --install (\S+) (\S+) .*?(?:-n|--namespace) (\S+).*?(?:-f|--values) (\S+)/);
  if (!m) throw new Error(`cannot read helm command: ${step.line}`);
  const [, release, chart, namespace, values] = m;
  if (!CHART_DIRS[chart]) throw new Error(`unknown chart ${chart}`);
  const cluster = contextName(inst.clusters, step.context!);
  const rendered = must(tool('helm'), ['template', release, CHART_DIRS[chart], '-n', namespace, '-f', join(inst.out, values), '--kube-version', KUBE_VERSION], {
    env: { HELM_CACHE_HOME: join(inst.work, 'helm/cache'), HELM_CONFIG_HOME: join(inst.work, 'helm/config'), HELM_DATA_HOME: join(inst.work, 'helm/data') },
  });
  const docs = yamlDocs(rendered);
  const dir = join(inst.work, 'rendered', cluster);
  mkdirSync(dir, { recursive: true });
  const crds = docs.filter((d) => d.kind === 'CustomResourceDefinition');
  const rest = docs.filter((d) => d.kind !== 'CustomResourceDefinition');
  const write = (name: string, list: any[]) => {
    const path = join(dir, name);
    writeFileSync(path, list.map((d) => `---\n${stringify(d)}`).join(''));
    return path;
  };
  return { crds: crds.length ? write(`${release}.crds.yaml`, crds) : undefined, objects: write(`${release}.yaml`, rest), release, cluster };
}

/** The README's kubectl line with `--server-side` (and `--dry-run=server`) after `apply`. */
function serverSide(line: string, dryRun: boolean): string {
  return line.replace(/ apply /, ` apply --server-side --field-manager=meshgen-e2e${dryRun ? ' --dry-run=server' : ''} `);
}

function bash(inst: Installer, line: string, cwd: string): string {
  inst.log.push(line);
  const r = run('bash', ['-euo', 'pipefail', '-c', line], { cwd, env: ctxEnv(inst) });
  if (r.status !== 0) throw new Error(`${line} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  // what the API server warned about (deprecated fields, unknown fields, ...)
  for (const w of r.stderr.split('\n').filter((l) => /warning/i.test(l))) inst.warnings.push(`${line}: ${w}`);
  return r.stdout;
}

/** Does the README's apply line name files that exist (a remote secret does not before its token)? */
function applyTargetExists(inst: Installer, line: string): boolean {
  const target = line.match(/ -[fk] (\S+)/)?.[1];
  return !!target && existsSync(join(inst.out, target));
}

/**
 * Runs the README's install steps against the API servers: every apply server-side; helm
 * releases as `helm template` renders them, CRDs first. A step whose files are not there yet
 * (a remote secret before its cluster's token is saved) is left out and returned.
 * With dryRun, every apply is a server-side dry run, except CustomResourceDefinitions and
 * Namespaces, which are created for real: the objects that use them cannot be checked without.
 */
export function install(inst: Installer, { dryRun, only }: { dryRun: boolean; only?: (s: Step) => boolean }): Step[] {
  const skipped: Step[] = [];
  for (const step of readmeSteps(readFileSync(join(inst.out, 'README.md'), 'utf8'))) {
    if (only && !only(step)) continue;
    if (step.kind === 'save-credential') continue;
    if (step.kind === 'helm') {
      const r = helmRender(inst, step);
      if (r.crds) {
        bash(inst, `kubectl --context "$CTX_${step.context}" apply --server-side --field-manager=meshgen-e2e -f ${r.crds}`, inst.out);
        bash(inst, `kubectl --context "$CTX_${step.context}" wait --for=condition=Established --timeout=60s -f ${r.crds}`, inst.out);
      }
      bash(inst, `kubectl --context "$CTX_${step.context}" apply --server-side --field-manager=meshgen-e2e${dryRun ? ' --dry-run=server' : ''} -f ${r.objects}`, inst.out);
      continue;
    }
    if (!applyTargetExists(inst, step.line)) {
      skipped.push(step);
      continue;
    }
    const isNamespace = /core_Namespace_/.test(step.line);
    // a kustomization's own Namespaces (a remote's gateway namespace in its primary, application
    // namespaces): created for real before its dry run, which checks the objects in them
    const kustomization = step.line.match(/ apply -k (\S+)/)?.[1];
    if (dryRun && kustomization && existsSync(join(inst.out, kustomization, 'manifests'))) {
      for (const f of readdirSync(join(inst.out, kustomization, 'manifests')).filter((x) => x.startsWith('core_Namespace_')).sort()) {
        bash(inst, `kubectl --context "$CTX_${step.context}" apply --server-side --field-manager=meshgen-e2e -f ${kustomization}/manifests/${f}`, inst.out);
      }
    }
    bash(inst, serverSide(step.line, dryRun && !isNamespace), inst.out);
  }
  return skipped;
}

/** The README's "save its token and CA where mesh.yaml points" commands, run from the mesh file's directory. */
export function saveCredentials(inst: Installer): string[] {
  const ran: string[] = [];
  for (const step of readmeSteps(readFileSync(join(inst.out, 'README.md'), 'utf8')).filter((s) => s.kind === 'save-credential')) {
    bash(inst, step.line, inst.meshDir);
    ran.push(step.line);
  }
  return ran;
}

/**
 * What kube-controller-manager's token controller would do for the reader token Secret meshgen
 * renders (a `kubernetes.io/service-account-token` Secret), done with the API instead: a
 * TokenRequest for its ServiceAccount, bound to the Secret (valid while it exists), and the
 * cluster's CA, written into the Secret's `token` and `ca.crt`.
 */
export function fillReaderTokenSecret(c: Cluster, namespace: string, secretName: string): void {
  const secret = kubectlJson(c, ['-n', namespace, 'get', 'secret', secretName]);
  const sa = secret.metadata.annotations?.['kubernetes.io/service-account.name'];
  if (secret.type !== 'kubernetes.io/service-account-token' || !sa) throw new Error(`${secretName} is not a service-account token Secret`);
  const token = kubectl(c, ['-n', namespace, 'create', 'token', sa, '--bound-object-kind=Secret', `--bound-object-name=${secretName}`, '--duration=24h']).trim();
  const patch = { data: { token: Buffer.from(token).toString('base64'), 'ca.crt': readFileSync(c.caFile).toString('base64'), namespace: Buffer.from(namespace).toString('base64') } };
  kubectl(c, ['-n', namespace, 'patch', 'secret', secretName, '--type=merge', '-p', JSON.stringify(patch)]);
}

// ---------------------------------------------------------------------------------------------
// istiod

export interface Istiod {
  name: string;
  cluster: Cluster;
  dir: string;
  http: number;
  /** the plaintext xDS port (--grpcAddr) */
  grpc: number;
  monitoring: number;
}

/**
 * `pilot-discovery discovery` as the istiod chart's Deployment runs it, as a process against
 * the cluster's API server:
 * - env: the Deployment's, as the kubelet would set it (values as they are; fieldRefs: POD_NAME,
 *   POD_NAMESPACE, SERVICE_ACCOUNT; the resourceFieldRefs GOMAXPROCS and GOMEMLIMIT are left
 *   out: no container limits here). Nothing added.
 * - files: every ConfigMap and Secret volume it mounts (the `istio` ConfigMap at
 *   /etc/istio/config, the `cacerts` Secret at /etc/cacerts), read from the cluster and written
 *   at the same path under the process's working directory: istiod reads both at paths relative
 *   to it (./etc/istio/config/mesh, ./etc/cacerts; the container's is /), so no flag or env
 *   has to point there.
 * - args: the Deployment's, plus `--kubeconfig` (no in-cluster service account; the chart's
 *   KUBECONFIG env names an optional Secret that a primary does not have) and the listen
 *   addresses `--httpAddr --httpsAddr --grpcAddr --secureGRPCAddr --monitoringAddr` (several
 *   istiods share the loopback interface, each on ports of its own; the Deployment's
 *   --monitoringAddr=:15014 is replaced).
 */
export async function startIstiod(procs: Processes, work: string, c: Cluster, renderedIstiod: string): Promise<Istiod> {
  const deployment = yamlDocs(readFileSync(renderedIstiod, 'utf8')).find((d) => d.kind === 'Deployment' && d.metadata.name === 'istiod');
  if (!deployment) throw new Error(`no istiod Deployment in ${renderedIstiod}`);
  const container = deployment.spec.template.spec.containers.find((x: any) => x.name === 'discovery');
  const namespace = deployment.metadata.namespace;
  const dir = join(work, 'istiod', c.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  // the volumes the Deployment mounts, from the cluster as the kubelet would read them
  const mounts: Record<string, string> = {};
  for (const m of container.volumeMounts ?? []) mounts[m.name] = m.mountPath;
  const volumes = deployment.spec.template.spec.volumes ?? [];
  for (const v of volumes) {
    const at = mounts[v.name];
    if (!at) continue;
    const source = v.configMap ? { kind: 'configmap', name: v.configMap.name, optional: v.configMap.optional } : v.secret ? { kind: 'secret', name: v.secret.secretName, optional: v.secret.optional } : undefined;
    if (!source) continue;
    const r = run('kubectl', ['--kubeconfig', c.kubeconfig, '-n', namespace, 'get', source.kind, source.name, '-o', 'json']);
    if (r.status !== 0) {
      if (source.optional) continue;
      throw new Error(`${source.kind} ${source.name} (mounted at ${at}) is not in ${c.name}: ${r.stderr}`);
    }
    const obj = JSON.parse(r.stdout);
    const target = join(dir, at);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    for (const [k, value] of Object.entries<string>(obj.data ?? {})) {
      writeFileSync(join(target, k), source.kind === 'secret' ? Buffer.from(value, 'base64') : value, { mode: 0o600 });
    }
  }

  const env: NodeJS.ProcessEnv = {};
  const fieldRefs: Record<string, string> = { 'metadata.name': `istiod-e2e-${c.name}`, 'metadata.namespace': namespace, 'spec.serviceAccountName': deployment.spec.template.spec.serviceAccountName, 'status.podIP': c.host };
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldRefs[e.valueFrom.fieldRef.fieldPath] ?? '';
    // resourceFieldRef (GOMAXPROCS, GOMEMLIMIT from the container's limits): no container here
  }
  const [http, https, grpc, secureGrpc, monitoring] = [await freePort(c.host), await freePort(c.host), await freePort(c.host), await freePort(c.host), await freePort(c.host)];
  // the chart's args, with the monitoring address moved, and the flags a process beside others needs
  const args = (container.args as string[]).filter((a) => !a.startsWith('--monitoringAddr'));
  args.push(
    `--monitoringAddr=${c.host}:${monitoring}`,
    `--httpAddr=${c.host}:${http}`, `--httpsAddr=${c.host}:${https}`, `--grpcAddr=${c.host}:${grpc}`, `--secureGRPCAddr=${c.host}:${secureGrpc}`,
    `--kubeconfig=${c.kubeconfig}`,
  );
  const name = `istiod-${c.name}`;
  procs.start(name, tool('pilot-discovery'), args, { cwd: dir, env, log: join(dir, 'istiod.log') });
  const istiod = { name, cluster: c, dir, http, grpc, monitoring };
  await waitFor(`${name} to be ready`, async () => {
    if (procs.exited(name)) throw new Error(`istiod exited:\n${procs.tail(name)}`);
    const r = await fetch(`http://${c.host}:${http}/ready`).catch(() => undefined);
    return r?.ok ? true : undefined;
  }, 180_000);
  return istiod;
}

/** GET an istiod debug endpoint (as JSON). */
export async function debug(i: Istiod, path: string): Promise<any> {
  const r = await fetch(`http://${i.cluster.host}:${i.http}/debug/${path}`);
  if (!r.ok) throw new Error(`/debug/${path}: HTTP ${r.status}: ${await r.text()}`);
  return r.json();
}

/**
 * The endpoints istiod gives a sidecar (on `clusterId`, `network`, in `namespace`) for one Envoy
 * cluster, over xDS (tools/ecosystem/pilot-discovery/xds-probe).
 */
export function edsFor(i: Istiod, proxy: { clusterId: string; network: string; namespace: string }, resource: string): { address: string; port: number; weight: number }[] {
  const out = must(tool('xds-probe'), ['--addr', `${i.cluster.host}:${i.grpc}`, '--cluster-id', proxy.clusterId, '--network', proxy.network, '--namespace', proxy.namespace, '--resource', resource], { timeout: 60_000 });
  return JSON.parse(out);
}

/**
 * The virtual hosts (domains, and the Envoy clusters their routes lead to) of one route
 * configuration that istiod gives a gateway (node type router) with `labels` on `clusterId`,
 * over xDS (xds-probe --rds); [] when istiod has no such route for that proxy.
 */
export function rdsFor(i: Istiod, proxy: { clusterId: string; network: string; namespace: string; labels: Record<string, string> }, resource: string): { domains: string[]; clusters: string[] }[] {
  const labels = Object.entries(proxy.labels).map(([k, v]) => `${k}=${v}`).join(',');
  const out = must(tool('xds-probe'), ['--rds', '--labels', labels, '--addr', `${i.cluster.host}:${i.grpc}`, '--cluster-id', proxy.clusterId, '--network', proxy.network, '--namespace', proxy.namespace, '--resource', resource], { timeout: 60_000 });
  return JSON.parse(out);
}
