import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { build } from '../src/pipeline.js';
import { EXAMPLES, examplePath, tempDir } from './helpers/fixtures.js';
import { meshText, renderExample, renderText } from './helpers/render.js';

// out/README.md lets a reviewer understand the mesh without reading the rest of out/: the
// diagram shows every cluster in its network, who reads whom and how remotes reach istiod;
// every command names files that exist.

interface Diagram {
  /** network → node ids in its subgraph */
  subgraphs: Map<string, string[]>;
  /** node id → label */
  nodes: Map<string, string>;
  edges: { from: string; to: string; both: boolean; label: string }[];
}

/** Reads the flowchart: `subgraph id["network N"]`, `id["label"]`, `a <arrow> b` with an optional quoted label. */
function parseDiagram(readme: string): Diagram {
  const block = /```mermaid\n([\s\S]*?)```/.exec(readme);
  expect(block, 'a mermaid block').not.toBeNull();
  const lines = block![1].split('\n').map((l) => l.trim()).filter(Boolean);
  expect(lines[0]).toMatch(/^flowchart /);
  const diagram: Diagram = { subgraphs: new Map(), nodes: new Map(), edges: [] };
  let network: string | undefined;
  for (const line of lines.slice(1)) {
    const subgraph = /^subgraph (\w+)\["network ([^"]+)"\]$/.exec(line);
    const node = /^(\w+)\["([^"]+)"\]$/.exec(line);
    const edge = /^(\w+) (<?)[-.=]+.*?(\w+)$/.exec(line);
    if (subgraph) {
      network = subgraph[2];
      diagram.subgraphs.set(network, []);
    } else if (line === 'end') {
      network = undefined;
    } else if (node) {
      diagram.nodes.set(node[1], node[2]);
      if (network) diagram.subgraphs.get(network)!.push(node[1]);
    } else if (edge) {
      const label = /"([^"]*)"/.exec(line)?.[1] ?? '';
      diagram.edges.push({ from: edge[1], to: edge[3], both: edge[2] === '<', label });
    } else {
      throw new Error(`unexpected diagram line: ${line}`);
    }
  }
  return diagram;
}

describe.each(EXAMPLES)('the topology diagram of %s', (example) => {
  const text = readFileSync(examplePath(example), 'utf8');
  const spec = parse(text).spec;
  const clusters: { name: string; network: string; role?: string; controlPlane?: string }[] = spec.clusters;
  const diagram = parseDiagram(renderExample(example).files.get('README.md')!);
  const idOf = (cluster: string) => {
    const ids = [...diagram.nodes].filter(([, label]) => label.startsWith(`${cluster} (`)).map(([id]) => id);
    expect(ids, `one node for ${cluster}`).toHaveLength(1);
    return ids[0];
  };

  it('has a node for every cluster, labelled with its role, in the subgraph of its network', () => {
    for (const c of clusters) {
      expect(diagram.nodes.get(idOf(c.name))).toContain(`${c.name} (${c.role ?? 'primary'})`);
      expect(diagram.subgraphs.get(c.network), c.network).toContain(idOf(c.name));
    }
    expect([...diagram.subgraphs.keys()].sort()).toEqual([...new Set(clusters.map((c) => c.network))].sort());
  });

  it('has an edge for every remote secret: every primary reads every other cluster (none in a legacy .global mesh)', () => {
    const reads = (reader: string, read: string) =>
      diagram.edges.some((e) => /read/.test(e.label) && ((e.from === idOf(reader) && e.to === idOf(read)) || (e.both && e.from === idOf(read) && e.to === idOf(reader))));
    // replicated control planes read no other cluster: there are no remote secrets
    const primaries = spec.legacy?.global?.enabled ? [] : clusters.filter((c) => (c.role ?? 'primary') === 'primary');
    let expected = 0;
    for (const reader of primaries) {
      for (const read of clusters.filter((c) => c.name !== reader.name)) {
        expect(reads(reader.name, read.name), `${reader.name} reads ${read.name}`).toBe(true);
        expected++;
      }
    }
    // and no read edge beyond those (a double arrow counts twice)
    expect(diagram.edges.filter((e) => /read/.test(e.label)).reduce((n, e) => n + (e.both ? 2 : 1), 0)).toBe(expected);
  });

  it('links every remote to the primary whose istiod it uses', () => {
    for (const remote of clusters.filter((c) => c.role === 'remote')) {
      expect(diagram.edges.some((e) => e.from === idOf(remote.name) && e.to === idOf(remote.controlPlane!) && /istiod/.test(e.label)), remote.name).toBe(true);
    }
  });
});

describe('the install commands', () => {
  const TWO = meshText(`istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1 }
  - { name: west, network: net-2 }`);

  it('name only files and directories that are rendered', async () => {
    for (const example of EXAMPLES) {
      // a check run renders everything, private files included, and writes nothing
      const { files } = (await build({ meshFile: examplePath(example), outDir: tempDir(), check: true })) as { files: Map<string, { content?: string }> };
      const readme = files.get('README.md')!.content!;
      // a URL (the Gateway API CRDs of an ambient cluster) is not a file of out/
      const referenced = [...readme.matchAll(/ (?:-f|-k) ([\w./:-]+)/g)].map((m) => m[1]).filter((p) => p !== '-' && !p.includes('://'));
      expect(referenced.length, example).toBeGreaterThan(0);
      for (const path of referenced) expect(files.has(path) || [...files.keys()].some((p) => p.startsWith(`${path}/`)), `${example}: ${path}`).toBe(true);
    }
  });

  it('set CTX_<CLUSTER> for every cluster, in one block before the first command that uses it', () => {
    const readme = renderText(TWO).files.get('README.md')!;
    const exports = '```sh\nexport CTX_EAST=<kubectl context of east>\nexport CTX_WEST=<kubectl context of west>\n```\n';
    expect(readme).toContain(exports);
    expect(readme.indexOf(exports)).toBeLessThan(readme.indexOf('"$CTX_'));
  });

  it('run every command of a cluster against that cluster\'s context', () => {
    const readme = renderText(TWO).files.get('README.md')!;
    const helm = (release: string, chart: string, wait = '') =>
      `helm upgrade --install ${release} ${chart} --repo https://istio-release.storage.googleapis.com/charts --version 1.30.3 --kube-context "$CTX_EAST" -n istio-system -f east/helm/${release}.values.yaml${wait}`;
    for (const line of [
      'kubectl --context "$CTX_EAST" apply -f east/manifests/core_Namespace__istio-system.yaml',
      'kubectl --context "$CTX_EAST" -n istio-system create secret generic cacerts --from-file=../pki/east/ca-cert.pem --from-file=../pki/east/ca-key.pem --from-file=../pki/east/root-cert.pem --from-file=../pki/east/cert-chain.pem',
      helm('istio-base', 'base'),
      helm('istiod', 'istiod', ' --wait'),
      helm('istio-eastwestgateway', 'gateway'),
      'kubectl --context "$CTX_EAST" apply -k east',
      // east's reader credentials, read from east, applied in west
      'istioctl create-remote-secret --context "$CTX_EAST" --name east | kubectl --context "$CTX_WEST" apply -n istio-system -f -',
      'kubectl --context "$CTX_WEST" apply -k west',
    ]) {
      expect(readme.split('\n'), line).toContain(line);
    }
  });

  it('use no context variable they do not set', () => {
    const readme = renderText(TWO).files.get('README.md')!;
    expect([...new Set(readme.match(/\$CTX_\w+/g))].sort()).toEqual(['$CTX_EAST', '$CTX_WEST']);
  });

  it('name a context variable after its cluster: upper case, dashes as underscores', () => {
    const readme = renderText(TWO.replace('name: east', 'name: us-east-1').replace('name: west', 'name: eu-west')).files.get('README.md')!;
    expect(readme).toContain('export CTX_US_EAST_1=<kubectl context of us-east-1>\n');
    expect(readme).toContain('export CTX_EU_WEST=<kubectl context of eu-west>\n');
    expect(readme).toContain('kubectl --context "$CTX_US_EAST_1" apply -k us-east-1\n');
  });

  it('with Argo CD, set CTX_ARGOCD before applying the root Applications with it', () => {
    const argo = meshText(`gitops: { argocd: { repoURL: "https://git.example.com/mesh.git", path: out } }
istio: { version: "1.30.3" }
clusters:
  - { name: east, network: net-1, apiServer: { url: "https://east.example.com:6443" } }
  - { name: west, network: net-2, apiServer: { url: "https://west.example.com:6443" } }`);
    const readme = renderText(argo).files.get('README.md')!;
    const apply = '```sh\nexport CTX_ARGOCD=<kubectl context of the cluster that runs Argo CD>\nkubectl --context "$CTX_ARGOCD" apply -k argocd\n```\n';
    expect(readme).toContain(apply);
    // the first use of the variable is the one right after its export
    expect(readme.indexOf('"$CTX_ARGOCD"')).toBe(readme.indexOf(apply) + apply.indexOf('"$CTX_ARGOCD"'));
  });

  it('install charts from an OCI registry by their oci:// reference', () => {
    const readme = renderText(TWO.replace('version: "1.30.3"', 'version: "1.30.3", chartRepository: "oci://registry.istio.io/release/charts"')).files.get('README.md')!;
    expect(readme).toContain('helm upgrade --install istiod oci://registry.istio.io/release/charts/istiod --version 1.30.3');
    expect(readme).not.toContain('--repo oci://');
  });

  it('with secrets.mode omit, create cacerts from spec.pki.dir as seen from out/', () => {
    // renderText names the mesh file "mesh.yaml", beside out/
    const readme = renderText(TWO).files.get('README.md')!;
    expect(readme).toContain('create secret generic cacerts --from-file=../pki/east/ca-cert.pem');
  });

  it('explain, when GitOps is on, how the private material reaches each cluster', () => {
    const readme = renderText(TWO.replace('istio:', 'gitops: { flux: { sourceRef: { kind: GitRepository, name: flux-system } } }\n  istio:')).files.get('README.md')!;
    const section = readme.slice(readme.indexOf('## GitOps: what cannot come from git'));
    expect(section).toContain('create secret generic cacerts');
    expect(section).toContain('kubectl --context "$CTX_WEST" apply -f west/manifests/core_Namespace__istio-system.yaml');
  });
});
