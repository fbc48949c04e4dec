import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './corpus.js';

// The structural check of an IstioControlPlane (Istio 1.4, install.istio.io/v1alpha2) against
// schemas/istio-1.4-control-plane-keys.json, which scripts/generate-istio-1.4-control-plane-keys.mjs
// derives from istioctl 1.4.10's own Go types. istioctl 1.4 refuses a key that is not a field
// there (jsonpb, unknown fields not allowed), and so does this check.

interface KeyIndex {
  root: string;
  types: Record<string, Record<string, string | 0>>;
}

export const CONTROL_PLANE_KEYS: KeyIndex = JSON.parse(readFileSync(join(REPO, 'schemas/istio-1.4-control-plane-keys.json'), 'utf8'));

/** Every key of `object` that is not a field of its type in the index, as `path: why` lines. */
export function controlPlaneKeyProblems(object: unknown, index: KeyIndex = CONTROL_PLANE_KEYS): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, type: string | 0, path: string) => {
    if (type === 0 || value === null || value === undefined) return;
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, type, `${path}[${i}]`));
    if (typeof value !== 'object') return void problems.push(`${path}: a ${typeof value}, where ${type} is a mapping`);
    const fields = index.types[type];
    for (const [key, child] of Object.entries(value)) {
      const where = path ? `${path}.${key}` : key;
      if (!Object.hasOwn(fields, key)) problems.push(`${where}: not a field of ${type}`);
      else walk(child, fields[key], where);
    }
  };
  walk(object, index.root, '');
  return problems;
}
