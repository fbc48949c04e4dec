import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { listFiles, objectId, preparedCases, readYamlDocs, run, runTool, yamlDocs } from './lib.js';

// `kustomize build` (the pinned sigs.k8s.io/kustomize/kustomize/v5) of every kustomization.yaml
// meshgen writes: each cluster's, and argocd/'s. It must build, and yield exactly the objects
// of the files it lists (nothing lost, nothing added or renamed).

const { cases, work } = preparedCases();
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

function kustomizations(out: string): string[] {
  return listFiles(out).filter((p) => p === 'kustomization.yaml' || p.endsWith('/kustomization.yaml'));
}

/** Problems of one `kustomize build`: its exit, and its objects against the listed files'. */
function kustomizeProblems(dir: string): string[] {
  const r = runTool('kustomize', ['build', dir]);
  if (r.status !== 0) return [`kustomize build ${dir} exited ${r.status}: ${r.stderr.trim()}`];
  const built = yamlDocs(r.stdout).map(objectId).sort();
  const listed: string[] = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).resources ?? [];
  const expected = listed.flatMap((file) => readYamlDocs(join(dir, file))).map(objectId).sort();
  const problems: string[] = [];
  if (r.stderr.trim()) problems.push(`kustomize printed: ${r.stderr.trim()}`);
  if (listed.length === 0) problems.push('the kustomization lists no resources');
  for (const id of expected) if (!built.includes(id)) problems.push(`${id} is in a listed file but not in the build`);
  for (const id of built) if (!expected.includes(id)) problems.push(`${id} is in the build but in no listed file`);
  return problems;
}

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
  it('builds with meshgen', () => {
    expect(c.buildStatus, c.buildStderr).toBe(0);
  });

  const dirs = kustomizations(c.out).map((p) => dirname(join(c.out, p)));

  it('has a kustomization.yaml per cluster (and one for argocd/ with Argo CD, and flux/<primary>/ where Flux applies cacerts)', () => {
    const expected = c.clusters.map((cl) => `${cl.name}/kustomization.yaml`);
    if (c.gitops.argocd) expected.push('argocd/kustomization.yaml');
    // the root Kustomization's own files, so that Flux leaves flux/<cluster>/control-plane/ to istio-control-plane
    const spec = parse(readFileSync(c.meshFile, 'utf8')).spec;
    const cacertsFromGit = spec.pki?.provider === 'cert-manager' || ['sops', 'sealed-secrets', 'external-secrets'].includes(spec.secrets?.mode);
    if (c.gitops.flux && cacertsFromGit) expected.push(...c.clusters.filter((cl) => cl.role === 'primary').map((cl) => `flux/${cl.name}/kustomization.yaml`));
    expect(kustomizations(c.out).sort()).toEqual(expected.sort());
  });

  it.each(dirs.map((d) => [d.slice(c.out.length + 1), d]))('kustomize build %s', (_, dir) => {
    expect(kustomizeProblems(dir)).toEqual([]);
  });

  // kubectl's built-in kustomize, where the machine has kubectl: a second reference
  it.skipIf(!KUBECTL)(`kubectl kustomize gives the same output as the pinned kustomize${KUBECTL ? '' : ' (skipped: no kubectl on this machine)'}`, () => {
    for (const dir of dirs) {
      const reference = run(KUBECTL!, ['kustomize', dir]);
      expect(reference.status, reference.stderr).toBe(0);
      expect(runTool('kustomize', ['build', dir]).stdout, dir).toBe(reference.stdout);
    }
  });
});

describe('negative controls: the same check fails on broken output', () => {
  const source = cases.find((c) => c.buildStatus === 0 && c.clusters.length > 0)!;
  const copy = (name: string) => {
    const dir = mkdtempSync(join(work, `kustomize-control-${name}-`));
    cpSync(join(source.out, source.clusters[0].name), dir, { recursive: true });
    return dir;
  };

  it('a kustomization listing a file that does not exist', () => {
    const dir = copy('missing');
    writeFileSync(join(dir, 'kustomization.yaml'), `${readFileSync(join(dir, 'kustomization.yaml'), 'utf8')}  - manifests/no-such-file.yaml\n`);
    expect(kustomizeProblems(dir).join('\n')).toMatch(/exited 1/);
  });

  it('two files holding the same object', () => {
    const dir = copy('duplicate');
    const first = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).resources[0];
    cpSync(join(dir, first), join(dir, 'manifests/duplicate.yaml'));
    writeFileSync(join(dir, 'kustomization.yaml'), `${readFileSync(join(dir, 'kustomization.yaml'), 'utf8')}  - manifests/duplicate.yaml\n`);
    expect(kustomizeProblems(dir).join('\n')).toMatch(/exited 1/);
  });

  it('a kustomization that leaves an object out of the build (a namePrefix renames it)', () => {
    const dir = copy('renamed');
    writeFileSync(join(dir, 'kustomization.yaml'), `${readFileSync(join(dir, 'kustomization.yaml'), 'utf8')}namePrefix: x-\n`);
    expect(kustomizeProblems(dir).join('\n')).toMatch(/in a listed file but not in the build/);
  });
});
