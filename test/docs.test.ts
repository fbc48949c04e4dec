import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Codes } from '../src/diagnostics/codes.js';
import { parse } from 'yaml';
import { REPO } from './helpers/fixtures.js';

describe('documentation', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

  it.each(Object.entries(Codes))('README documents %s (%s)', (_, code) => {
    expect(readme).toContain(`| ${code} |`);
  });

  it('codes are unique', () => {
    const values = Object.values(Codes);
    expect(new Set(values).size).toBe(values.length);
  });

  it('gives a new user exactly one install-and-build command and the test command', () => {
    expect(readme.match(/npx meshgen build examples\//g)).toHaveLength(1);
    expect(readme).toContain('npm ci && npx meshgen build examples/multi-primary-multi-network/mesh.yaml');
    expect(readme).toContain('npm test');
  });

  it('gives a GitHub Actions job that runs the drift check, as valid YAML', () => {
    const recipe = /```yaml\n(# \.github\/workflows\/[\s\S]*?)```/.exec(readme);
    expect(recipe, 'a workflow under .github/workflows/').not.toBeNull();
    const workflow = parse(recipe![1]);
    const steps = Object.values(workflow.jobs as Record<string, { steps: { run?: string }[] }>).flatMap((job) => job.steps);
    expect(steps.map((step) => step.run)).toContain('npx meshgen build --check');
  });
});
