import { posix } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// A stand-in for kubectl, helm and istioctl that replays the shell commands of out/README.md's
// "Install order" against clusters it simulates, and refuses a command whose preconditions do
// not hold, as the real tools (or the cluster behind them) would:
//   - an object goes into a namespace that exists (helm needs -n's namespace: no --create-namespace);
//   - Istio resources need the CRDs of the base chart;
//   - the reader token Secret needs its service account (from the base chart);
//   - a pod to be injected (a gateway, a workload in an injected namespace) needs an injector that
//     is ready: on a primary its own istiod installed with --wait; on a remote its primary's
//     istiod, which must already hold the remote's remote secret;
//   - a file named by a command exists in out/;
//   - ambient (issue #17): a Gateway API object needs the Gateway API CRDs (applied from their
//     release URL), istio-cni and ztunnel need a ready istiod (ztunnel after istio-cni, Istio's
//     order), and a workload in an ambient namespace needs both.
// Secrets by reference (External Secrets, cert-manager), with the controllers and the store
// assumed installed (and each primary's CA uploaded once, where cacerts comes from the store):
//   - a PushSecret pushes its key only from a reader token Secret already applied in its cluster;
//   - an ExternalSecret that makes a remote secret waits (ESO retries it) until its key is pushed;
//   - `kubectl wait` waits only for an object that was applied.

export interface ReplayCluster {
  name: string;
  contextVariable: string;
  /** the primary whose istiod serves this remote */
  controlPlane?: string;
}

interface ClusterState {
  namespaces: Set<string>;
  injectedNamespaces: Set<string>;
  crds: boolean;
  readerAccount: boolean;
  istiodReady: boolean;
  /** clusters whose remote secret this cluster holds */
  remoteSecrets: Set<string>;
  kustomizationApplied: boolean;
  gatewayApiCrds: boolean;
  cni: boolean;
  ztunnel: boolean;
  ambientNamespaces: Set<string>;
  /** objects applied, as `kubectl wait` names them: <kind>.<group>/<name> (lower-case kind) */
  applied: Set<string>;
}

export interface ReplayResult {
  /** the first command that failed, and why */
  failure?: { command: string; reason: string };
  clusters: Map<string, ClusterState>;
  commands: number;
}

/** The lines of the ```sh blocks between "## Install order" and the next "## " heading. */
export function installCommands(readme: string): string[] {
  const start = readme.indexOf('\n## Install order');
  if (start < 0) throw new Error('README has no "## Install order" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

/** `readFile` reads a path relative to out/ (where the commands run); undefined when there is no such file. */
export function replayInstall(commands: readonly string[], clusters: readonly ReplayCluster[], readFile: (path: string) => string | undefined): ReplayResult {
  const state = new Map<string, ClusterState>(
    clusters.map((c) => [c.name, { namespaces: new Set(['default', 'kube-system']), injectedNamespaces: new Set(), crds: false, readerAccount: false, istiodReady: false, remoteSecrets: new Set(), kustomizationApplied: false, gatewayApiCrds: false, cni: false, ztunnel: false, ambientNamespaces: new Set<string>(), applied: new Set<string>() }]),
  );
  /** the External Secrets store, shared by every cluster: the keys pushed to it */
  const store = new Set<string>();
  /** ExternalSecrets waiting for their key: ESO retries them until it is in the store */
  const waiting: { cluster: string; key: string; read: string }[] = [];
  const byVariable = new Map(clusters.map((c) => [c.contextVariable, c]));
  let count = 0;

  const clusterOf = (context: string): ReplayCluster => {
    const variable = /^"?\$\{?(\w+)\}?"?$/.exec(context)?.[1];
    const cluster = variable ? byVariable.get(variable) : undefined;
    if (!cluster) throw new Refusal(`unknown kube context ${context}`);
    return cluster;
  };
  const read = (path: string): string => {
    const text = readFile(posix.normalize(path));
    if (text === undefined) throw new Refusal(`${path}: no such file in out/`);
    return text;
  };
  const injectorReady = (cluster: ReplayCluster): string | undefined => {
    if (cluster.controlPlane) {
      const primary = state.get(cluster.controlPlane)!;
      if (!primary.istiodReady) return `the istiod of ${cluster.controlPlane}, which injects ${cluster.name}'s pods, is not ready`;
      if (!primary.remoteSecrets.has(cluster.name)) return `${cluster.controlPlane} does not hold ${cluster.name}'s remote secret yet, so its istiod cannot inject ${cluster.name}'s pods`;
      return undefined;
    }
    return state.get(cluster.name)!.istiodReady ? undefined : `istiod in ${cluster.name} is not ready (installed without --wait, or not yet)`;
  };
  const applyObject = (cluster: ReplayCluster, object: Record<string, any>, namespaceOverride?: string) => {
    const s = state.get(cluster.name)!;
    const kind = String(object.kind);
    const group = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/')[0] : '';
    const namespace = namespaceOverride ?? object.metadata?.namespace;
    if (kind === 'Namespace') {
      s.namespaces.add(object.metadata.name);
      const labels = object.metadata.labels ?? {};
      if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev']) s.injectedNamespaces.add(object.metadata.name);
      if (labels['istio.io/dataplane-mode'] === 'ambient') s.ambientNamespaces.add(object.metadata.name);
      return;
    }
    if (group === 'gateway.networking.k8s.io' && !s.gatewayApiCrds) throw new Refusal(`no matches for kind "${kind}" in group "${group}" in ${cluster.name}: the Gateway API CRDs are not installed`);
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Pod'].includes(kind) && namespace && s.ambientNamespaces.has(namespace) && !(s.cni && s.ztunnel)) {
      throw new Refusal(`${kind} ${namespace}/${object.metadata.name} in ${cluster.name}: an ambient namespace, but istio-cni and ztunnel are not installed`);
    }
    if (namespace && !s.namespaces.has(namespace)) throw new Refusal(`namespaces "${namespace}" not found in ${cluster.name}`);
    if (group.endsWith('istio.io') && !s.crds) throw new Refusal(`no matches for kind "${kind}" in group "${group}" in ${cluster.name}: the base chart's CRDs are not installed`);
    if (kind === 'Secret' && object.type === 'kubernetes.io/service-account-token' && !s.readerAccount) {
      throw new Refusal(`service account ${object.metadata.annotations?.['kubernetes.io/service-account.name']} does not exist in ${cluster.name}: the token controller deletes the Secret`);
    }
    if (kind === 'Secret' && object.metadata?.labels?.['istio/multiCluster'] === 'true') s.remoteSecrets.add(object.metadata.annotations['networking.istio.io/cluster']);
    if (kind === 'PushSecret') {
      const source = object.spec.selector.secret.name;
      if (!s.applied.has(`secret./${source}`)) throw new Refusal(`PushSecret ${object.metadata.name} in ${cluster.name}: its Secret ${source} does not exist`);
      for (const d of object.spec.data) store.add(d.match.remoteRef.remoteKey);
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i]!;
        if (!store.has(w.key)) continue;
        state.get(w.cluster)!.remoteSecrets.add(w.read);
        waiting.splice(i, 1);
      }
    }
    if (kind === 'ExternalSecret' && object.spec.target?.template?.metadata?.labels?.['istio/multiCluster'] === 'true') {
      const read = object.spec.target.template.metadata.annotations['networking.istio.io/cluster'];
      const key = object.spec.data[0].remoteRef.key;
      if (store.has(key)) s.remoteSecrets.add(read);
      else waiting.push({ cluster: cluster.name, key, read });
    }
    s.applied.add(`${kind.toLowerCase()}.${group}/${object.metadata.name}`);
    // the sealed-secrets controller (installed beforehand, as out/README.md says) makes the Secret of a SealedSecret's template
    if (kind === 'SealedSecret' && object.spec?.template?.metadata?.labels?.['istio/multiCluster'] === 'true') s.remoteSecrets.add(object.spec.template.metadata.annotations['networking.istio.io/cluster']);
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Pod'].includes(kind) && namespace && s.injectedNamespaces.has(namespace)) {
      const why = injectorReady(cluster);
      if (why) throw new Refusal(`${kind} ${namespace}/${object.metadata.name} in ${cluster.name}: ${why}`);
    }
  };

  for (const command of commands) {
    count++;
    try {
      run(command);
    } catch (e) {
      if (e instanceof Refusal) return { failure: { command, reason: e.message }, clusters: state, commands: count };
      throw e;
    }
  }
  return { clusters: state, commands: count };

  function run(command: string): void {
    const words = command.match(/"[^"]*"|\S+/g) ?? [];
    const option = (name: string) => {
      const i = words.indexOf(name);
      return i < 0 ? undefined : words[i + 1];
    };
    if (words[0] === 'export') return;
    // secrets.mode sops: `sops --decrypt FILE | kubectl --context C apply -f -` applies the Secret; its
    // plain fields (kind, metadata) are all this replay reads
    if (words[0] === 'sops' && words[1] === '--decrypt') {
      const pipe = command.split('|')[1]?.trim() ?? '';
      const target = clusterOf(/--context (\S+)/.exec(pipe)?.[1] ?? '');
      if (!/ apply -f -$/.test(pipe)) throw new Refusal(`sops --decrypt output not applied: ${command}`);
      const object = parse(read(words[2])) as Record<string, any>;
      if (!object.sops) throw new Refusal(`${words[2]} is not a SOPS file`);
      delete object.sops;
      applyObject(target, object);
      return;
    }
    if (words[0] === 'istioctl' && words[1] === 'create-remote-secret') {
      const source = clusterOf(option('--context')!);
      const pipe = command.split('|')[1]?.trim() ?? '';
      const target = clusterOf(/--context (\S+)/.exec(pipe)?.[1] ?? '');
      if (!state.get(source.name)!.readerAccount) throw new Refusal(`istioctl create-remote-secret: no istio-reader-service-account in ${source.name}`);
      if (!state.get(target.name)!.namespaces.has('istio-system')) throw new Refusal(`namespaces "istio-system" not found in ${target.name}`);
      state.get(target.name)!.remoteSecrets.add(option('--name')!);
      return;
    }
    // `istioctl install`, or on Istio 1.5 `istioctl manifest apply`
    if (words[0] === 'istioctl' && (words[1] === 'install' || (words[1] === 'manifest' && words[2] === 'apply'))) {
      const cluster = clusterOf(option('--context')!);
      read(option('-f')!);
      const s = state.get(cluster.name)!;
      s.namespaces.add('istio-system');
      Object.assign(s, { crds: true, readerAccount: true, istiodReady: true });
      return;
    }
    if (words[0] === 'helm') {
      const cluster = clusterOf(option('--kube-context')!);
      const s = state.get(cluster.name)!;
      const namespace = option('-n')!;
      if (!s.namespaces.has(namespace) && !words.includes('--create-namespace')) throw new Refusal(`helm: namespaces "${namespace}" not found in ${cluster.name}`);
      const chart = /^oci:/.test(words[4]) ? words[4].split('/').pop()! : words[4];
      const values = parse(read(option('-f')!)) ?? {};
      if (chart === 'base') Object.assign(s, { crds: true, readerAccount: true });
      else if (chart === 'istiod') {
        if (!s.crds) throw new Refusal(`helm: istiod before the base chart in ${cluster.name}`);
        s.istiodReady = words.includes('--wait') || values.profile === 'remote';
      } else if (chart === 'cni' || chart === 'ztunnel') {
        if (!s.istiodReady) throw new Refusal(`helm: ${chart} in ${cluster.name} before a ready istiod`);
        if (chart === 'ztunnel' && !s.cni) throw new Refusal(`helm: ztunnel in ${cluster.name} before istio-cni`);
        s[chart] = true;
      } else if (chart === 'gateway') {
        const why = injectorReady(cluster);
        if (why) throw new Refusal(`helm: gateway ${words[3]} in ${cluster.name}: its pods cannot be injected: ${why}`);
      }
      return;
    }
    if (words[0] === 'kubectl') {
      const cluster = clusterOf(option('--context')!);
      const file = option('-f');
      const dir = option('-k');
      if (file === '-') return; // the istioctl pipe, handled above
      if (file && /^https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v[\d.]+\/standard-install\.yaml$/.test(file)) {
        if (!words.includes('--server-side')) throw new Refusal(`${file}: the Gateway API CRDs are too large for a client-side apply`);
        state.get(cluster.name)!.gatewayApiCrds = true;
        return;
      }
      if (words.includes('wait')) {
        const target = words[words.indexOf('wait') + 2]!;
        if (!state.get(cluster.name)!.applied.has(target)) throw new Refusal(`kubectl wait: ${target} was never applied in ${cluster.name}`);
        return;
      }
      if (words[words.indexOf('--context') + 2] === '-n' && words.slice(5, 8).join(' ') === 'create secret generic') {
        const namespace = option('-n')!;
        if (!state.get(cluster.name)!.namespaces.has(namespace)) throw new Refusal(`namespaces "${namespace}" not found in ${cluster.name}`);
        for (const from of words.filter((w) => w.startsWith('--from-file='))) read(from.slice('--from-file='.length));
        return;
      }
      if (file) {
        for (const doc of parseAllDocuments(read(file))) applyObject(cluster, doc.toJS(), option('-n'));
        return;
      }
      if (dir) {
        const kustomization = parse(read(posix.join(dir, 'kustomization.yaml'))) as { resources: string[] };
        const objects = kustomization.resources.map((r) => parse(read(posix.join(dir, r))) as Record<string, any>);
        // kubectl apply -k sends Namespaces first, then the rest
        for (const object of [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')]) applyObject(cluster, object);
        state.get(cluster.name)!.kustomizationApplied = true;
        return;
      }
    }
    throw new Refusal(`not a command this replay knows: ${command}`);
  }
}

class Refusal extends Error {}

