import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadStage } from '../src/pipeline.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { BAD_CORPUS_DIR } from './helpers/corpus.js';
import { runCli } from './helpers/fixtures.js';

// URLs meshgen copies into public files: one line, no credentials, and a password in one is
// never printed back (test/corpus/bad/52-* hold the positions).

const MESH = (spec: string) => `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  secrets: { mode: omit }
  clusters:
    - { name: east, network: net-1, apiServer: { url: "https://192.0.2.1:6443" } }
${spec}`;

function codes(text: string): string[] {
  const host = new MemoryHost({ files: { '/m/mesh.yaml': text } });
  return loadStage(host, '/m/mesh.yaml').diagnostics.map((d) => `${d.code} ${d.position?.line}:${d.position?.col}`);
}

describe('URLs', () => {
  it('a password in apiServer.url is never printed', () => {
    const run = runCli(['validate', join(BAD_CORPUS_DIR, '52-apiserver-url-with-password.yaml')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error MG2007');
    // the code frame shows the line, but never past the window; the message and hint never
    const [header, , , , hint] = run.stderr.split('\n');
    expect(header + hint).not.toContain('s3cr3t');
    expect(header + hint).not.toContain('admin');
  });

  it('a git repoURL with a user name (ssh://git@...) is accepted', () => {
    expect(codes(MESH('  gitops: { argocd: { repoURL: "ssh://git@git.example.com/mesh.git" } }\n'))).toEqual([]);
  });

  it('a repoURL with a token as password is MG2007', () => {
    expect(codes(MESH('  gitops: { argocd: { repoURL: "https://x-token:ghp_abc@git.example.com/mesh.git" } }\n'))).toEqual(['MG2007 9:32']);
  });

  it('a chartRepository with a tab in it is MG1105', () => {
    expect(codes(MESH('').replace('istio: { version: "1.30.3" }', 'istio: { version: "1.30.3", chartRepository: "https://charts.example.com/\\tistio" }'))).toEqual(['MG1105 5:48']);
  });
});
