import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { objectId, preparedCases, readYamlDocs, runTool, listFiles, yamlDocs, type Case } from './lib.js';

// `flux build kustomization --dry-run` (the pinned fluxcd/flux2), which needs no cluster: each
// Flux Kustomization meshgen writes (the root `istio-mesh-<cluster>` and the cluster's
// `istio-manifests`), built from the directory its spec.path names in the GitOps repository,
// must build and yield exactly the objects of that directory, as kustomize-controller would
// apply them.

const { cases, work } = preparedCases();
const withFlux = cases.filter((c) => c.gitops.flux);

interface FluxKustomization {
  file: string;
  name: string;
  /** the directory in out/ that spec.path names */
  dir: string;
}

/**
 * An ambient cluster's Gateway API CRDs come from another repository (a GitRepository of its own
 * at a release tag), which this offline tier cannot fetch: their Kustomizations are checked
 * for shape below, not built.
 */
const fromGatewayApi = (k: any) => k.spec.sourceRef?.kind === 'GitRepository' && k.spec.sourceRef?.name === 'gateway-api';

/** The Flux Kustomizations of a case that apply out/, each with the out/ directory its path names. */
function fluxKustomizations(c: Case): FluxKustomization[] {
  const prefix = String(c.gitops.flux.path ?? '.').replace(/^\.\//, '').replace(/\/$/, '');
  return listFiles(join(c.out, 'flux'))
    .filter((p) => /kustomize\.toolkit\.fluxcd\.io_Kustomization_/.test(p))
    .filter((p) => !fromGatewayApi(readYamlDocs(join(c.out, 'flux', p))[0]))
    .map((p) => {
      const file = join(c.out, 'flux', p);
      const k = readYamlDocs(file)[0];
      const path = String(k.spec.path).replace(/^\.\//, '');
      if (prefix && !path.startsWith(`${prefix}/`)) throw new Error(`${p}: spec.path ${k.spec.path} is not under ${c.gitops.flux.path}`);
      return { file, name: k.metadata.name, dir: join(c.out, prefix ? path.slice(prefix.length + 1) : path) };
    });
}

/** Problems of one `flux build kustomization`: its exit, and its objects against the directory's. */
function fluxBuildProblems(k: FluxKustomization): string[] {
  const r = runTool('flux', ['build', 'kustomization', k.name, '--path', k.dir, '--kustomization-file', k.file, '--dry-run'], { env: { KUBECONFIG: '/dev/null' } });
  if (r.status !== 0) return [`flux build kustomization ${k.name} exited ${r.status}: ${r.stderr.trim()}`];
  const built = yamlDocs(r.stdout).map(objectId).sort();
  // kustomize-controller applies the directory's kustomization.yaml, or generates one of every manifest in it
  const files = listFiles(k.dir).filter((p) => p.endsWith('.yaml') && !p.endsWith('kustomization.yaml') && !p.includes('/helm/') && !p.includes('secrets/'));
  const kustomization = listFiles(k.dir).includes('kustomization.yaml') ? readYamlDocs(join(k.dir, 'kustomization.yaml'))[0] : undefined;
  const listed: string[] = kustomization ? kustomization.resources : files;
  const expected = listed.flatMap((f) => readYamlDocs(join(k.dir, f))).map(objectId).sort();
  const problems: string[] = [];
  if (r.stderr.trim()) problems.push(`flux printed: ${r.stderr.trim()}`);
  for (const id of expected) if (!built.includes(id)) problems.push(`${id} is in ${k.dir} but not in the build`);
  for (const id of built) if (!expected.includes(id)) problems.push(`${id} is in the build but not in ${k.dir}`);
  return problems;
}

describe.each(withFlux.map((c) => [c.name, c] as const))('%s', (_, c) => {
  const kustomizations = fluxKustomizations(c);

  const spec = parse(readFileSync(c.meshFile, 'utf8')).spec;
  /** cacerts applied by Flux itself (not by hand before it): istiod must wait for it */
  const cacertsFromGit = spec.pki?.provider === 'cert-manager' || ['sops', 'sealed-secrets', 'external-secrets'].includes(spec.secrets?.mode);

  it('has a root Kustomization and an istio-manifests Kustomization per cluster (istio-secrets per primary with secrets.mode sops, istio-control-plane per primary with cacerts from git)', () => {
    const primaries = c.clusters.filter((x) => x.role === 'primary');
    const secrets = spec.secrets?.mode === 'sops' ? primaries.map(() => 'istio-secrets') : [];
    const controlPlanes = cacertsFromGit ? primaries.map(() => 'istio-control-plane') : [];
    expect(kustomizations.map((k) => k.name).sort()).toEqual([...c.clusters.map((x) => `istio-mesh-${x.name}`), ...c.clusters.map(() => 'istio-manifests'), ...secrets, ...controlPlanes].sort());
  });

  // only where Flux applies cacerts (elsewhere it is made by hand before Flux): not a skip, no test
  if (cacertsFromGit) it('istiod cannot start before cacerts: the Kustomization whose build holds istiod depends on one that waits for Secret cacerts', () => {
    for (const cluster of c.clusters.filter((x) => x.role === 'primary')) {
      // the cluster's root (flux/istio-mesh-<cluster>.yaml) and the Kustomizations it applies
      const own = kustomizations.filter((k) => k.name === `istio-mesh-${cluster.name}` || k.file.includes(`/flux/${cluster.name}/`));
      expect(istiodOrderProblems(own), cluster.name).toEqual([]);
    }
  });

  it.each(kustomizations.map((k) => [`${k.name} (${k.file.slice(c.out.length + 1)})`, k] as const))('flux build kustomization %s --dry-run', (_, k) => {
    expect(fluxBuildProblems(k)).toEqual([]);
  });
});

/**
 * What keeps one primary's istiod from starting before `cacerts` exists, from `flux build`'s
 * output rather than from the files: the one Kustomization whose build holds HelmRelease istiod
 * must list in `dependsOn` a Kustomization that is Ready only once Secret istio-system/cacerts
 * exists: one that builds that Secret and has `wait: true`, or one with a health check on it
 * (kustomize.toolkit.fluxcd.io/v1: spec.dependsOn, spec.wait, spec.healthChecks).
 */
function istiodOrderProblems(own: FluxKustomization[]): string[] {
  const builds = new Map(own.map((k) => {
    const r = runTool('flux', ['build', 'kustomization', k.name, '--path', k.dir, '--kustomization-file', k.file, '--dry-run'], { env: { KUBECONFIG: '/dev/null' } });
    return [k.name, { k, spec: readYamlDocs(k.file)[0].spec, objects: r.status === 0 ? yamlDocs(r.stdout) : [] }] as const;
  }));
  const holders = [...builds.values()].filter((b) => b.objects.some((o: any) => o.kind === 'HelmRelease' && /^istiod(-|$)/.test(o.metadata.name)));
  if (holders.length !== 1) return [`istiod's HelmRelease is built by ${holders.length} Kustomizations (${holders.map((h) => h.k.name).join(', ')}), not one`];
  const problems: string[] = [];
  const gates = (holders[0].spec.dependsOn ?? []).map((d: any) => builds.get(d.name)).filter(Boolean);
  const waitsForCacerts = gates.some((g: any) =>
    (g.spec.wait === true && g.objects.some((o: any) => o.kind === 'Secret' && o.metadata.name === 'cacerts' && o.metadata.namespace === 'istio-system')) ||
    (g.spec.healthChecks ?? []).some((h: any) => h.kind === 'Secret' && h.name === 'cacerts' && h.namespace === 'istio-system' && (h.apiVersion ?? 'v1') === 'v1'));
  if (!waitsForCacerts) problems.push(`${holders[0].k.name} builds istiod but depends on no Kustomization that waits for Secret istio-system/cacerts`);
  return problems;
}

describe.skipIf(!withFlux.some((c) => c.name === 'sops-flux'))('negative controls: the istiod-after-cacerts check fails on broken output', () => {
  const c = withFlux.find((x) => x.name === 'sops-flux')!;
  const own = () => fluxKustomizations(c).filter((k) => k.name === 'istio-mesh-cluster1' || k.file.includes('/flux/cluster1/'));

  it('passes on the output as it is (the control of the controls)', () => {
    expect(istiodOrderProblems(own())).toEqual([]);
  });

  it('without flux/<cluster>/kustomization.yaml, Flux\'s generated kustomization takes in control-plane/: istiod is built twice', () => {
    const copy = mkdtempSync(join(work, 'flux-control-order-'));
    const rootK = own().find((k) => k.name.startsWith('istio-mesh-'))!;
    cpSync(rootK.dir, copy, { recursive: true });
    rmSync(join(copy, 'kustomization.yaml'));
    const broken = own().map((k) => (k.name === rootK.name ? { ...k, dir: copy } : k));
    expect(istiodOrderProblems(broken).join('\n')).toMatch(/built by 2 Kustomizations/);
  });

  it('a control-plane Kustomization without dependsOn', () => {
    const broken = own().map((k) => {
      if (k.name !== 'istio-control-plane') return k;
      const file = join(work, 'flux-control-order-dependson.yaml');
      writeFileSync(file, readFileSync(k.file, 'utf8').replace(/ {2}dependsOn:\n {4}- name: istio-secrets\n/, ''));
      return { ...k, file };
    });
    expect(istiodOrderProblems(broken).join('\n')).toMatch(/depends on no Kustomization that waits/);
  });

  it('a secrets Kustomization without wait', () => {
    const broken = own().map((k) => {
      if (k.name !== 'istio-secrets') return k;
      const file = join(work, 'flux-control-order-wait.yaml');
      writeFileSync(file, readFileSync(k.file, 'utf8').replace(/ {2}wait: true\n/, ''));
      return { ...k, file };
    });
    expect(istiodOrderProblems(broken).join('\n')).toMatch(/depends on no Kustomization that waits/);
  });
});


it('an ambient cluster\'s Gateway API CRDs Kustomization applies the standard CRDs of a GitRepository at a release tag beside it, never pruned', () => {
  const outside = withFlux.flatMap((c) =>
    listFiles(join(c.out, 'flux'))
      .filter((p) => /Kustomization_flux-system_gateway-api-crds\.yaml$/.test(p))
      .map((p) => ({ c, dir: p.split('/').slice(0, -1).join('/'), k: readYamlDocs(join(c.out, 'flux', p))[0] })),
  );
  expect(outside.length).toBeGreaterThan(0);
  for (const { c, dir, k } of outside) {
    expect(fromGatewayApi(k)).toBe(true);
    expect(k.spec).toMatchObject({ path: './config/crd/standard', prune: false });
    const source = readYamlDocs(join(c.out, 'flux', dir, 'source.toolkit.fluxcd.io_GitRepository_flux-system_gateway-api.yaml'))[0];
    expect(source.spec.url).toBe('https://github.com/kubernetes-sigs/gateway-api.git');
    expect(source.spec.ref.tag).toMatch(/^v\d+\.\d+\.\d+$/);
  }
});

it('some example renders Flux wrappers', () => {
  expect(withFlux.length).toBeGreaterThan(0);
});

describe('negative controls: the same check fails on broken output', () => {
  const c = withFlux[0];
  const root = fluxKustomizations(c).find((k) => k.name.startsWith('istio-mesh-'))!;
  const copy = (name: string) => {
    const dir = mkdtempSync(join(work, `flux-control-${name}-`));
    cpSync(root.dir, dir, { recursive: true });
    return dir;
  };

  it('a directory with a manifest that is not YAML', () => {
    const dir = copy('yaml');
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: [name: x\n');
    expect(fluxBuildProblems({ ...root, dir }).join('\n')).toMatch(/exited 1/);
  });

  it('a Kustomization file that names another Kustomization', () => {
    const file = join(work, 'flux-control-name.yaml');
    writeFileSync(file, readFileSync(root.file, 'utf8').replace(/name: istio-mesh-/, 'name: renamed-'));
    expect(fluxBuildProblems({ ...root, file }).join('\n')).toMatch(/exited 1/);
  });

  it('a path that does not exist', () => {
    expect(fluxBuildProblems({ ...root, dir: join(work, 'no-such-directory') }).join('\n')).toMatch(/exited 1/);
  });

  it('a Kustomization that moves every object to another namespace', () => {
    const file = join(work, 'flux-control-namespace.yaml');
    writeFileSync(file, readFileSync(root.file, 'utf8').replace(/^spec:\n/m, 'spec:\n  targetNamespace: elsewhere\n'));
    expect(fluxBuildProblems({ ...root, file }).join('\n')).toMatch(/but not in the build/);
  });
});
