import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import npmTestConfig from '../../vitest.config.js';
import { REPO, runTool, TOOLS_CONFIG } from './lib.js';
// @ts-expect-error: a plain ES module of the repository's scripts
import { readmeWithTable } from '../../scripts/ecosystem/readme-table.mjs';

// The tier's own configuration: each tool runs and is the version tools.json pins (and its
// go.mod requires: scripts/ecosystem/tools.mjs refuses a mismatch), README.md's "Verified
// with" table is generated from it, and `npm test` leaves this tier out.

describe.each(TOOLS_CONFIG.tools.map((t) => [t.name, t] as const))('%s', (name, t) => {
  it(`runs and reports version ${t.version}`, () => {
    const r = runTool(name, t.versionArgs, { env: { KUBECONFIG: '/dev/null' } });
    expect(r.status, r.stderr).toBe(0);
    const expected = name === 'istioctl' ? t.version.slice(-12) : t.version.replace(/^v/, '');
    expect(`${r.stdout}${r.stderr}`).toContain(expected);
  });

  it('is pinned in its own Go module, with a go.sum', () => {
    const goMod = readFileSync(join(REPO, 'tools/ecosystem', t.goModule, 'go.mod'), 'utf8');
    expect(goMod).toMatch(new RegExp(`^\\s*(require\\s+)?${t.module.replaceAll('.', '\\.')} ${t.version}( // indirect)?$`, 'm'));
    if (t.localPackage) expect(readFileSync(join(REPO, 'tools/ecosystem', t.goModule, t.localPackage, 'main.go'), 'utf8')).toContain('package main');
    else expect(goMod).toContain(`tool ${t.package}`);
    expect(readFileSync(join(REPO, 'tools/ecosystem', t.goModule, 'go.sum'), 'utf8')).toContain(`${t.module} ${t.version} h1:`);
  });
});

it('README.md\'s "Verified with" table is the one tools/ecosystem/tools.json and package.json give', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  expect(readme).toBe(readmeWithTable(readme));
  for (const t of TOOLS_CONFIG.tools) expect(readme).toContain(`| ${t.name} |`);
});

it('npm test leaves this tier out, and the tier has its own script', () => {
  // every project of npm test's config excludes the tier
  const projects = (npmTestConfig as { test: { projects: { test: { exclude: string[] } }[] } }).test.projects;
  expect(projects.length).toBeGreaterThan(0);
  for (const project of projects) expect(project.test.exclude).toContain('test/ecosystem/**');
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  expect(pkg.scripts['test:ecosystem']).toBe('node scripts/ecosystem/run.mjs');
  expect(readFileSync(join(REPO, '.ci/run'), 'utf8')).toMatch(/npm test[\s\S]*npm run test:ecosystem/);
});
