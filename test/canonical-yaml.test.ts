import { describe, expect, it } from 'vitest';
import { canonicalYaml } from '../src/resource/canonical-yaml.js';

describe('canonical YAML', () => {
  it('puts apiVersion, kind and metadata first, then sorts the rest', () => {
    const text = canonicalYaml({ spec: { b: 1, a: 2 }, metadata: { name: 'x' }, kind: 'K', apiVersion: 'v1', data: {} });
    expect(text).toBe('apiVersion: v1\nkind: K\nmetadata:\n  name: x\ndata: {}\nspec:\n  a: 2\n  b: 1\n');
  });

  it('sorts nested keys in code-unit order, whatever the locale', () => {
    expect(canonicalYaml({ b: 1, B: 2, a: 3, _: 4 })).toBe('B: 2\n_: 4\na: 3\nb: 1\n');
  });

  it('quotes strings that YAML 1.1 readers would take for booleans, numbers or null', () => {
    const text = canonicalYaml({ a: 'yes', b: 'on', c: '0755', d: 'null', e: '15021', f: 'No', g: '1e3' });
    expect(text).toBe('a: "yes"\nb: "on"\nc: "0755"\nd: "null"\ne: "15021"\nf: "No"\ng: "1e3"\n');
  });

  it('writes no anchors or aliases for a repeated object', () => {
    const shared = { x: 1 };
    const text = canonicalYaml({ a: shared, b: shared });
    expect(text).not.toMatch(/[&*]/);
    expect(text).toBe('a:\n  x: 1\nb:\n  x: 1\n');
  });

  it('writes multi-line strings as literal blocks, and never folds long lines', () => {
    const long = 'x'.repeat(200);
    const text = canonicalYaml({ corefile: 'a\nb\n', long });
    expect(text).toContain('corefile: |\n  a\n  b\n');
    expect(text).toContain(`long: ${long}\n`);
  });

  it('keeps a carriage return inside a value as an escape, so the file itself is LF-only', () => {
    const text = canonicalYaml({ value: 'a\r\nb' });
    expect(text).toBe('value: "a\\r\\nb"\n');
  });
});
