import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import npmTestConfig from '../../vitest.config.js';
import { REPO, run, tool } from './lib.js';

// The tier's own configuration: each binary runs and is the version tools.json pins (and its
// go.mod requires: scripts/ecosystem/tools.mjs refuses a mismatch), `npm test` leaves this tier
// out, and CI runs it after the ecosystem tier.

const E2E_TOOLS: { name: 'etcd' | 'kube-apiserver' | 'pilot-discovery' | 'xds-probe'; module: string; package: string; localPackage?: string; version: string; goModule: string; versionArgs: string[] }[] =
  JSON.parse(readFileSync(join(REPO, 'tools/ecosystem/tools.json'), 'utf8')).e2eTools;

/** What each binary prints for its version (written here, not derived from tools.json). */
const REPORTED: Record<string, string> = {
  etcd: 'etcd Version: 3.6.8',
  'kube-apiserver': 'Kubernetes v1.35.3',
  'pilot-discovery': 'client version: 1.30-9739e10eb9d7',
  'xds-probe': 'github.com/envoyproxy/go-control-plane/envoy v1.38.0',
};

describe.each(E2E_TOOLS.map((t) => [t.name, t] as const))('%s', (name, t) => {
  it(`runs and reports the pinned version (${REPORTED[name]})`, () => {
    const r = run(tool(name), t.versionArgs);
    expect(r.status, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(REPORTED[name]);
  });

  it('is pinned in its own Go module, with a go.sum', () => {
    const goMod = readFileSync(join(REPO, 'tools/ecosystem', t.goModule, 'go.mod'), 'utf8');
    expect(goMod).toMatch(new RegExp(`^\\s*(require\\s+)?${t.module.replaceAll('.', '\\.')} ${t.version}( // indirect)?$`, 'm'));
    if (t.localPackage) expect(readFileSync(join(REPO, 'tools/ecosystem', t.goModule, t.localPackage, 'main.go'), 'utf8')).toContain('package main');
    else expect(goMod).toContain(`tool ${t.package}`);
    expect(readFileSync(join(REPO, 'tools/ecosystem', t.goModule, 'go.sum'), 'utf8')).toContain(`${t.module} ${t.version} h1:`);
  });
});

it('kube-apiserver is built with every k8s.io staging module at the release of its k8s.io/kubernetes (v0.35.3 for v1.35.3)', () => {
  const goMod = readFileSync(join(REPO, 'tools/ecosystem/kube-apiserver/go.mod'), 'utf8');
  const replaced = [...goMod.matchAll(/^\t(k8s\.io\/\S+) => (\S+) (v\S+)$/gm)];
  expect(replaced.length).toBeGreaterThanOrEqual(29);
  for (const [, from, to, version] of replaced) {
    expect(to).toBe(from);
    expect(version).toBe('v0.35.3');
  }
});

it('npm test leaves this tier out, it has its own script, and CI runs it after the ecosystem tier', () => {
  // every project of npm test's config excludes the tier
  const projects = (npmTestConfig as { test: { projects: { test: { exclude: string[] } }[] } }).test.projects;
  expect(projects.length).toBeGreaterThan(0);
  for (const project of projects) expect(project.test.exclude).toContain('test/e2e/**');
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  expect(pkg.scripts['test:e2e']).toBe('node scripts/e2e/run.mjs');
  expect(readFileSync(join(REPO, '.ci/run'), 'utf8')).toMatch(/npm run test:ecosystem[\s\S]*npm run test:e2e/);
});
