import { describe, expect, it } from 'vitest';
import { build } from '../src/pipeline.js';
import { MEMORY_REPO, quietCredentials, quietFixtureHost } from './helpers/memory.js';
import { meshText, renderText } from './helpers/render.js';

// Argo CD and Flux prune what leaves the Git repository. A Namespace holds the users'
// workloads, so dropping one from mesh.yaml must never delete it, and everything in it, from
// a cluster: every Namespace meshgen renders carries both tools' "never prune" annotations
// when they sync it, and a build that drops one says that it stays.

const withGitops = (gitops: string) =>
  meshText(`istio: { version: "1.30.3" }
${gitops}
namespaces: [{ name: shop }, { name: batch, injection: disabled }]
clusters:
  - { name: east, network: net-1, ${quietCredentials('https://192.0.2.1:6443')} }
  - { name: west, network: net-2, ${quietCredentials('https://192.0.2.2:6443')} }`);

const MESH = `${MEMORY_REPO}/test/fixtures/mesh.yaml`;
const OUT = `${MEMORY_REPO}/test/fixtures/out`;
const BOTH = 'gitops:\n  argocd: { repoURL: "https://git.example.com/mesh.git" }\n  flux: { sourceRef: { kind: GitRepository, name: mesh } }';

describe('Namespaces under GitOps', () => {
  it.each(['shop', 'batch', 'istio-system'])('%s carries Argo CD Prune=false and Flux prune: disabled when both sync it', (namespace) => {
    const { yaml } = renderText(withGitops(BOTH));
    for (const cluster of ['east', 'west']) {
      expect(yaml(`${cluster}/manifests/core_Namespace__${namespace}.yaml`).metadata.annotations).toMatchObject({
        'argocd.argoproj.io/sync-options': 'Prune=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
    }
  });

  it('carries only the annotation of the tool that syncs it', () => {
    const { yaml } = renderText(withGitops('gitops:\n  flux: { sourceRef: { kind: GitRepository, name: mesh } }'));
    expect(yaml('east/manifests/core_Namespace__shop.yaml').metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  it('carries no annotation without GitOps wrappers (kubectl apply -k never prunes)', () => {
    const { yaml } = renderText(withGitops(''));
    expect(yaml('east/manifests/core_Namespace__shop.yaml').metadata.annotations).toBeUndefined();
  });
});

describe('a build that drops a Namespace from out/', () => {
  /** A mesh dir in memory with the suite's fake CA (so no key is generated), built once. */
  async function builtOnce(mesh: string) {
    const host = quietFixtureHost(['east', 'west']);
    host.writeFile(MESH, mesh, { mode: 0o644 });
    expect((await build({ meshFile: MESH, outDir: OUT }, host)).ok).toBe(true);
    return host;
  }

  async function rebuiltWithout(from: string, to: string) {
    const host = await builtOnce(withGitops(BOTH));
    const changed = withGitops(BOTH).replace(from, to);
    expect(changed).not.toBe(withGitops(BOTH));
    host.writeFile(MESH, changed, { mode: 0o644 });
    return { host, result: await build({ meshFile: MESH, outDir: OUT }, host) };
  }

  it('removes its file and warns, per cluster, that the namespace stays in the cluster (W4103)', async () => {
    const { host, result } = await rebuiltWithout('namespaces: [{ name: shop }, { name: batch, injection: disabled }]', 'namespaces: [{ name: batch, injection: disabled }]');
    expect(result.ok).toBe(true);
    const warnings = result.diagnostics.filter((d) => d.code === 'W4103');
    expect(warnings.map((d) => d.message)).toEqual([
      'namespace "shop" is no longer rendered for cluster "east": it leaves out/, but stays in the cluster with everything in it',
      'namespace "shop" is no longer rendered for cluster "west": it leaves out/, but stays in the cluster with everything in it',
    ]);
    expect(warnings[0].hint).toContain('kubectl --context <east> delete namespace shop');
    expect(host.stat(`${OUT}/east/manifests/core_Namespace__shop.yaml`)).toBeUndefined();
  });

  it('does not warn when what leaves out/ is not a Namespace', async () => {
    // the Flux wrappers leave out/
    const { result } = await rebuiltWithout('\n    flux: { sourceRef: { kind: GitRepository, name: mesh } }', '');
    expect(result.ok).toBe(true);
    expect(result.diff?.changes.filter((c) => c.kind === 'removed').length).toBeGreaterThan(0);
    expect(result.diagnostics.filter((d) => d.code === 'W4103')).toEqual([]);
  });

  it('fails a --strict build: dropping a namespace is a decision to look at', async () => {
    const host = await builtOnce(withGitops(BOTH));
    host.writeFile(MESH, withGitops(BOTH).replace('{ name: shop }, ', ''), { mode: 0o644 });
    const strict = await build({ meshFile: MESH, outDir: OUT, strict: true }, host);
    expect(strict.ok).toBe(false);
    // W4103 is what fails it: nothing else is reported
    expect(new Set(strict.diagnostics.map((d) => `${d.severity} ${d.code}`))).toEqual(new Set(['error W4103']));
    expect(host.stat(`${OUT}/east/manifests/core_Namespace__shop.yaml`)?.kind).toBe('file');
  });
});
