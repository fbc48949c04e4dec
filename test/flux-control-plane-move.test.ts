import { describe, expect, it } from 'vitest';
import { build } from '../src/pipeline.js';
import { MEMORY_REPO, quietCredentials, quietFixtureHost } from './helpers/memory.js';

// With cacerts from git, istiod moves from a cluster's root Flux Kustomization into
// istio-control-plane. Flux does not see a move: the root prunes what it no longer applies
// (kustomize-controller deletes only objects still carrying its owner labels), and deleting a
// HelmRelease uninstalls it. A build that makes that move says so, with the hand migration.

const MESH = `${MEMORY_REPO}/test/fixtures/mesh.yaml`;
const OUT = `${MEMORY_REPO}/test/fixtures/out`;
const AGE = 'age1myk9xafszn2hn3sd72yrckut5ysxp3yphht55c9fvy85kca9eupsvk5enm';
const mesh = (secrets: string) => `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata:
  name: demo
spec:
  istio: { version: "1.30.3" }
  secrets: ${secrets}
  gitops:
    flux: { sourceRef: { kind: GitRepository, name: mesh } }
  clusters:
    - { name: east, network: net-1, ${quietCredentials('https://192.0.2.1:6443')} }
    - { name: west, network: net-2, ${quietCredentials('https://192.0.2.2:6443')} }
`;
const BY_HAND = '{ mode: plain }'; // cacerts made by hand before Flux: istiod stays with the root
const FROM_GIT = `{ mode: sops, sops: { age: [${AGE}] } }`; // cacerts from git: istiod in istio-control-plane

/** A mesh dir in memory with the suite's fake CA (no key is generated), built with `first`, then with `second`. */
async function rebuilt(first: string, second: string, options: { check?: boolean; strict?: boolean } = {}) {
  const host = quietFixtureHost(['east', 'west']);
  host.writeFile(MESH, mesh(first), { mode: 0o644 });
  expect((await build({ meshFile: MESH, outDir: OUT }, host)).ok).toBe(true);
  host.writeFile(MESH, mesh(second), { mode: 0o644 });
  return { host, result: await build({ meshFile: MESH, outDir: OUT, ...options }, host) };
}

const moves = (result: Awaited<ReturnType<typeof build>>) => result.diagnostics.filter((d) => d.code === 'W4104');

describe('a build that moves istiod into istio-control-plane', () => {
  it('warns for each release that moves (W4104), naming the Kustomization that would prune it', async () => {
    const { result } = await rebuilt(BY_HAND, FROM_GIT);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.filter((d) => d.code !== 'W4104')).toEqual([]);
    const moved = (release: string, cluster: string) =>
      `HelmRelease ${release} of cluster "${cluster}" moves from Flux Kustomization istio-mesh-${cluster} into istio-control-plane: on its next sync istio-mesh-${cluster} prunes it, which uninstalls ${release}, before istio-control-plane installs it again`;
    // istiod and the east-west gateway after it; istio-base stays with the root
    expect(moves(result).map((d) => d.message)).toEqual([moved('istio-eastwestgateway', 'east'), moved('istio-eastwestgateway', 'west'), moved('istiod', 'east'), moved('istiod', 'west')]);
  });

  it('gives the hand migration: suspend the root, apply istio-control-plane, resume', async () => {
    const { result } = await rebuilt(BY_HAND, FROM_GIT);
    expect(moves(result).find((d) => d.message.startsWith('HelmRelease istiod of cluster "east"'))?.hint).toBe(
      'before this build reaches the repository, suspend the root (flux suspend kustomization istio-mesh-east -n flux-system); once Flux has the commit, apply flux/east/kustomize.toolkit.fluxcd.io_Kustomization_flux-system_istio-control-plane.yaml by hand and wait until it is Ready (it takes the releases over), then resume istio-mesh-east',
    );
  });

  it('moves the file: the control-plane one is written, the root one removed', async () => {
    const { host } = await rebuilt(BY_HAND, FROM_GIT);
    expect(host.stat(`${OUT}/flux/east/helm.toolkit.fluxcd.io_HelmRelease_flux-system_istiod.yaml`)).toBeUndefined();
    expect(host.stat(`${OUT}/flux/east/control-plane/helm.toolkit.fluxcd.io_HelmRelease_flux-system_istiod.yaml`)?.kind).toBe('file');
    expect(host.stat(`${OUT}/flux/east/kustomize.toolkit.fluxcd.io_Kustomization_flux-system_istio-control-plane.yaml`)?.kind).toBe('file');
  });

  it('is said by --check too, which writes nothing', async () => {
    const { host, result } = await rebuilt(BY_HAND, FROM_GIT, { check: true });
    expect(moves(result)).toHaveLength(4);
    expect(host.stat(`${OUT}/flux/east/helm.toolkit.fluxcd.io_HelmRelease_flux-system_istiod.yaml`)?.kind).toBe('file');
    expect(host.stat(`${OUT}/flux/east/control-plane/helm.toolkit.fluxcd.io_HelmRelease_flux-system_istiod.yaml`)).toBeUndefined();
  });

  it('fails a --strict build, and writes nothing', async () => {
    const { host, result } = await rebuilt(BY_HAND, FROM_GIT, { strict: true });
    expect(result.ok).toBe(false);
    expect(moves(result)).toHaveLength(4);
    expect(host.stat(`${OUT}/flux/east/helm.toolkit.fluxcd.io_HelmRelease_flux-system_istiod.yaml`)?.kind).toBe('file');
  });
});

describe('no W4104', () => {
  it('on a rebuild once the move is built', async () => {
    const { result } = await rebuilt(FROM_GIT, FROM_GIT);
    expect(result.ok).toBe(true);
    expect(moves(result)).toEqual([]);
  });

  it('on the way back: the root applies istiod before it prunes istio-control-plane, so the release stays', async () => {
    const { host, result } = await rebuilt(FROM_GIT, BY_HAND);
    expect(result.ok).toBe(true);
    expect(host.stat(`${OUT}/flux/east/helm.toolkit.fluxcd.io_HelmRelease_flux-system_istiod.yaml`)?.kind).toBe('file');
    expect(moves(result)).toEqual([]);
  });
});
