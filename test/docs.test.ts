import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Codes } from '../src/codes.js';
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
});
