import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { build, type BuildResult } from '../src/pipeline.js';
import { EXAMPLES, examplePath, readTree, tempDir, yamlObjects } from './helpers/fixtures.js';
import { gitopsCrdsAvailable, gitopsObjectProblems } from './helpers/gitops-crds.js';

// The Argo CD and Flux objects of every example that asks for them: each validates against its
// CRD's shape, and every path it references (values files, manifests directories, the
// wrappers' own directories) is a file or directory meshgen rendered, under the path mesh.yaml
// says out/ has in the GitOps repository.

function gitopsOf(example: string): { argocd?: any; flux?: any } {
  return parse(readFileSync(examplePath(example), 'utf8')).spec.gitops ?? {};
}

/** A path inside out/ for a repository path, given where out/ is in the repository. */
function underOut(repoPath: string, outPath: string): string {
  const clean = (p: string) => p.split('/').filter((s) => s !== '' && s !== '.').join('/');
  const prefix = clean(outPath);
  const path = clean(repoPath);
  expect(prefix === '' || path === prefix || path.startsWith(`${prefix}/`), `${repoPath} is under ${outPath}`).toBe(true);
  return prefix === '' ? path : path.slice(prefix.length + 1);
}

const WITH_GITOPS = EXAMPLES.filter((e) => Object.keys(gitopsOf(e)).length > 0);

describe('examples with spec.gitops', () => {
  it('there are some, with Argo CD and with Flux', () => {
    expect(WITH_GITOPS.some((e) => gitopsOf(e).argocd)).toBe(true);
    expect(WITH_GITOPS.some((e) => gitopsOf(e).flux)).toBe(true);
  });
});

// `meshgen build` of each, in this process (the CLI runs the same build)
const BUILDS = new Map<string, { result: BuildResult; out: string }>();
for (const example of WITH_GITOPS) {
  const out = tempDir();
  BUILDS.set(example, { result: await build({ meshFile: examplePath(example), outDir: out }), out });
}

describe.each(WITH_GITOPS)('example %s', (example) => {
  const { result, out } = BUILDS.get(example)!;
  const tree = readTree(out);
  const gitops = gitopsOf(example);
  const isFile = (path: string) => tree.has(path);
  const isDirectory = (path: string) => [...tree.keys()].some((p) => p.startsWith(`${path}/`));
  const objects = yamlObjects(tree, (p) => p.startsWith('argocd/') || p.startsWith('flux/')).filter((o) => o.value.kind !== 'Kustomization' || o.value.apiVersion !== 'kustomize.config.k8s.io/v1beta1');
  const clusters: string[] = parse(readFileSync(examplePath(example), 'utf8')).spec.clusters.map((c: any) => c.name);

  it('builds', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.skipIf(!gitopsCrdsAvailable)(`every Argo CD and Flux object validates against its real CRD${gitopsCrdsAvailable ? '' : ' (skipped: ../shared/upstream is absent)'}`, () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const { path, value } of objects) expect(gitopsObjectProblems(value), `${path}: ${value.apiVersion} ${value.kind}`).toEqual([]);
  });

  describe.skipIf(!gitops.argocd)('Argo CD', () => {
    const applications = objects.filter((o) => o.value.kind === 'Application');
    const roots = applications.filter((o) => o.path.split('/').length === 2);
    const children = applications.filter((o) => o.path.split('/').length === 3);

    it('has one root Application per cluster, listed by argocd/kustomization.yaml, whose path holds that cluster\'s Applications', () => {
      expect(roots).toHaveLength(clusters.length);
      const listed = parse(tree.get('argocd/kustomization.yaml')!.toString()).resources;
      expect([...listed].sort()).toEqual(roots.map((r) => r.path.slice('argocd/'.length)).sort());
      for (const { value } of roots) {
        const dir = underOut(value.spec.source.path, gitops.argocd.path);
        expect(isDirectory(dir), dir).toBe(true);
        expect([...tree.keys()].filter((p) => p.startsWith(`${dir}/`)).every((p) => children.some((c) => c.path === p)), dir).toBe(true);
      }
    });

    it('every values file and manifests directory an Application references exists', () => {
      for (const { path, value } of children) {
        const sources = value.spec.sources ?? [value.spec.source];
        for (const source of sources) {
          for (const file of source.helm?.valueFiles ?? []) {
            expect(file.startsWith('$values/'), `${path}: ${file}`).toBe(true);
            expect(isFile(underOut(file.slice('$values/'.length), gitops.argocd.path)), `${path}: ${file}`).toBe(true);
          }
          if (source.path !== undefined && source.repoURL !== gitops.argocd.repoURL) {
            // the one outside source: an ambient cluster's Gateway API CRDs, from their own repository at a release tag
            expect(source, path).toMatchObject({ repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git', path: 'config/crd/standard', targetRevision: expect.stringMatching(/^v\d+\.\d+\.\d+$/) });
          } else if (source.path !== undefined) {
            const dir = underOut(source.path, gitops.argocd.path);
            expect(isDirectory(dir), `${path}: ${source.path}`).toBe(true);
            // Argo CD's directory globs: `{a,b}` for either, `*` within a name; each alternative must match a rendered file
            for (const glob of [source.directory?.include, source.directory?.exclude].filter(Boolean)) {
              const alternatives: string[] = /^\{.*\}$/.test(glob) ? glob.slice(1, -1).split(',') : [glob];
              for (const alternative of alternatives) {
                const pattern = new RegExp(`^${dir.replace(/[.]/g, '\\.')}/${alternative.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
                expect([...tree.keys()].some((p) => pattern.test(p)), `${path}: ${alternative}`).toBe(true);
              }
            }
          }
          if (source.ref !== undefined) expect(source.repoURL, path).toBe(gitops.argocd.repoURL);
        }
      }
    });

    it('every value file is read from the `ref: values` source of its own Application', () => {
      for (const { path, value } of children.filter((c) => c.value.spec.sources)) {
        const refs = value.spec.sources.filter((s: any) => s.ref).map((s: any) => s.ref);
        for (const source of value.spec.sources) for (const file of source.helm?.valueFiles ?? []) expect(refs, path).toContain(file.split('/')[0].slice(1));
      }
    });
  });

  describe.skipIf(!gitops.flux)('Flux', () => {
    const fluxObjects = objects.filter((o) => o.path.startsWith('flux/'));

    it('every Kustomization path is a rendered directory', () => {
      const all = fluxObjects.filter((o) => o.value.kind === 'Kustomization');
      // an ambient cluster's Gateway API CRDs come from a GitRepository of their own, beside it
      const outside = all.filter((o) => o.value.spec.sourceRef.name === 'gateway-api');
      for (const { path, value } of outside) {
        const dir = path.split('/').slice(0, -1).join('/');
        expect(value.spec, path).toMatchObject({ path: './config/crd/standard', prune: false, sourceRef: { kind: 'GitRepository', name: 'gateway-api' } });
        expect(fluxObjects.some((o) => o.path.startsWith(`${dir}/`) && o.value.kind === 'GitRepository' && o.value.metadata.name === 'gateway-api'), path).toBe(true);
      }
      const kustomizations = all.filter((o) => !outside.includes(o));
      // the root and the manifests per cluster, and with secrets.mode sops the secrets of each primary
      const sops = parse(readFileSync(examplePath(example), 'utf8')).spec.secrets?.mode === 'sops';
      const primaries = parse(readFileSync(examplePath(example), 'utf8')).spec.clusters.filter((c: any) => (c.role ?? 'primary') === 'primary').length;
      // with cacerts from git (every mode but plain and omit), each primary's control plane has a Kustomization of its own
      const spec = parse(readFileSync(examplePath(example), 'utf8')).spec;
      const cacertsFromGit = spec.pki?.provider === 'cert-manager' || ['sops', 'sealed-secrets', 'external-secrets'].includes(spec.secrets?.mode);
      expect(kustomizations.length).toBe(2 * clusters.length + (sops ? primaries : 0) + (cacertsFromGit ? primaries : 0));
      for (const { path, value } of kustomizations) {
        expect(value.spec.path.startsWith('./'), path).toBe(true);
        expect(isDirectory(underOut(value.spec.path, gitops.flux.path)), `${path}: ${value.spec.path}`).toBe(true);
        expect(value.spec.sourceRef, path).toEqual(gitops.flux.sourceRef);
      }
    });

    it('every HelmRelease names a HelmRepository and HelmReleases that exist beside it', () => {
      for (const { path, value } of fluxObjects.filter((o) => o.value.kind === 'HelmRelease')) {
        // the cluster's whole flux/<cluster>/ tree: control-plane/ releases depend on istio-base beside it
        const dir = path.split('/').slice(0, 2).join('/');
        const beside = fluxObjects.filter((o) => o.path.startsWith(`${dir}/`)).map((o) => `${o.value.kind}/${o.value.metadata.name}`);
        expect(beside, path).toContain(`HelmRepository/${value.spec.chart.spec.sourceRef.name}`);
        for (const dependency of value.spec.dependsOn ?? []) expect(beside, path).toContain(`HelmRelease/${dependency.name}`);
      }
    });
  });
});

describe.skipIf(!gitopsCrdsAvailable)(`the CRD checks themselves${gitopsCrdsAvailable ? '' : ' (skipped: ../shared/upstream is absent)'}`, () => {
  const application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'demo-east-istiod', namespace: 'argocd' },
    spec: { project: 'default', destination: { server: 'https://203.0.113.1:6443' }, source: { repoURL: 'https://charts.example.com', chart: 'istiod', targetRevision: '1.30.3' } },
  };

  it('accept a minimal Application', () => {
    expect(gitopsObjectProblems(application)).toEqual([]);
  });

  it.each([
    ['an Application without a destination', { ...application, spec: { ...application.spec, destination: undefined } }],
    ['an Application whose destination names no cluster', { ...application, spec: { ...application.spec, destination: { namespace: 'istio-system' } } }],
    ['a misspelled syncPolicy field', { ...application, spec: { ...application.spec, syncPolicy: { automatic: { prune: true } } } }],
    ['a sync wave that is not a number', { ...application, metadata: { ...application.metadata, annotations: { 'argocd.argoproj.io/sync-wave': 'first' } } }],
    ['a HelmRelease without an interval', { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'istiod', namespace: 'flux-system' }, spec: { chart: { spec: { chart: 'istiod', sourceRef: { kind: 'HelmRepository', name: 'istio' } } } } }],
    ['a Kustomization without prune', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'm', namespace: 'flux-system' }, spec: { interval: '10m', sourceRef: { kind: 'GitRepository', name: 'flux-system' } } }],
    ['a HelmRepository URL without a scheme', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'istio', namespace: 'flux-system' }, spec: { url: 'charts.example.com' } }],
  ])('reject %s', (_, object) => {
    expect(gitopsObjectProblems(object)?.length).toBeGreaterThan(0);
  });
});
