import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { seedPki, tempDir } from './fixtures.js';

// A workspace on disk: mesh.yaml, the suite's fake CA in pki/, and out/ once built. The mesh
// has two primaries with plain secrets and both GitOps wrappers, so out/ holds every kind of
// file and directory meshgen writes.

export const GITOPS_MESH = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  gitops:
    argocd: { repoURL: https://git.example.com/mesh.git, targetRevision: main, path: out }
    flux: { sourceRef: { kind: GitRepository, name: flux-system }, path: ./out }
  clusters:
    - { name: east, network: net-1, apiServer: { url: "https://192.0.2.1:6443" } }
    - { name: west, network: net-2, apiServer: { url: "https://192.0.2.2:6443" } }
`;

export interface Workspace {
  dir: string;
  mesh: string;
  out: string;
  pki: string;
}

export function workspace(mesh = GITOPS_MESH, options: { pki?: boolean } = {}): Workspace {
  const dir = tempDir();
  if (options.pki !== false) seedPki(dir);
  writeFileSync(join(dir, 'mesh.yaml'), mesh);
  return { dir, mesh: join(dir, 'mesh.yaml'), out: join(dir, 'out'), pki: join(dir, 'pki') };
}

/** A copy of a workspace in a new directory (links are copied as links). */
export function copyWorkspace(from: Workspace): Workspace {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  cpSync(from.dir, dir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return { dir, mesh: join(dir, 'mesh.yaml'), out: join(dir, 'out'), pki: join(dir, 'pki') };
}

/** The CLI, in this process: exit code and everything it printed. */
export async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string; output: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await main(args, (s) => stdout.push(s), (s) => stderr.push(s));
  return { status, stdout: stdout.join('\n'), stderr: stderr.join('\n'), output: [...stdout, ...stderr].join('\n') };
}
