import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { build } from '../src/pipeline.js';
import { isPrivatePath } from '../src/resource/out-layout.js';
import { cli, workspace } from './helpers/workspace.js';

// Issue #12, item 17: a cluster named "secrets" has public GitOps wrappers in argocd/secrets/
// and flux/secrets/. They are neither git-ignored nor treated as private; every cluster's own
// secrets/ directory still is.

const MESH = (clusters: string[]) => `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  gitops:
    argocd: { repoURL: https://git.example.com/mesh.git, targetRevision: main, path: out }
    flux: { sourceRef: { kind: GitRepository, name: flux-system }, path: ./out }
  clusters:
${clusters.map((c, i) => `    - { name: ${c}, network: net-${i}, apiServer: { url: "https://192.0.2.${i + 1}:6443" } }`).join('\n')}
`;

function gitIgnored(dir: string, paths: string[]): string[] {
  expect(spawnSync('git', ['init', '-q', dir]).status).toBe(0);
  const run = spawnSync('git', ['-C', dir, 'check-ignore', '--no-index', ...paths], { encoding: 'utf8' });
  return run.stdout.split('\n').filter(Boolean);
}

describe('a cluster named "secrets"', () => {
  it('out/.gitignore ignores every cluster\'s secrets/ and not argocd/secrets/ or flux/secrets/', async () => {
    const ws = workspace(MESH(['east', 'secrets']));
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    const paths = [
      'argocd/secrets/argoproj.io_Application_argocd_demo-secrets-istiod.yaml',
      'flux/secrets/helm.toolkit.fluxcd.io_HelmRelease_istio-system_istiod.yaml',
      'east/secrets/cacerts.yaml',
      'secrets/secrets/cacerts.yaml',
    ];
    expect(gitIgnored(ws.out, paths)).toEqual(['east/secrets/cacerts.yaml', 'secrets/secrets/cacerts.yaml']);
  });

  it('--check shows the diff of its removed Argo CD Applications: they are public', async () => {
    const ws = workspace(MESH(['east', 'secrets']));
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    writeFileSync(ws.mesh, MESH(['east', 'west']));
    const run = await cli(['build', ws.mesh, '--out', ws.out, '--check']);
    const path = `${ws.out}/argocd/secrets/argoproj.io_Application_argocd_demo-secrets-istiod.yaml`;
    const lines = run.stderr.split('\n');
    const at = lines.indexOf(`removed ${path}`);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe(`--- a/${path}`);
    expect(lines.slice(at + 1, at + 40)).toContain('-kind: Application');
    expect(run.output).not.toContain('PRIVATE KEY');
  });

  it.each([
    ['argocd/secrets/app.yaml', false],
    ['flux/secrets/release.yaml', false],
    ['secrets/secrets/cacerts.yaml', true],
    ['east/secrets/cacerts.yaml', true],
    ['east/secrets', false],
    ['secrets/helm/istiod.values.yaml', false],
  ])('isPrivatePath(%s) is %s', (path, expected) => {
    expect(isPrivatePath(path)).toBe(expected);
  });
});
