import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import type { Context } from './check-context.js';

// User maps that meshgen copies into Kubernetes objects (annotations, a Service's selector) go
// through cdk8s's serializer, which takes an object whose own key is one of these for a class
// instance and fails (cdk8s lib/_util.js sanitizeValue reads `obj.constructor.name`). Kubernetes
// would accept them; meshgen cannot write them, and says so instead of failing mid-render.
const UNWRITABLE_KEYS = new Set(['constructor', '__proto__', 'prototype']);

export function checkObjectMapKeys({ document, at, report }: Context) {
  const spec = document.spec;
  const check = (map: Record<string, unknown> | undefined, path: YamlPath, what: string) => {
    for (const key of Object.keys(map ?? {})) {
      if (!UNWRITABLE_KEYS.has(key)) continue;
      report(error(Codes.UnwritableMapKey, `${what} key "${key}" cannot be written by meshgen`, { ...at([...path, key], 'key'), hint: `meshgen's object writer cannot serialize the keys ${[...UNWRITABLE_KEYS].join(', ')}: rename it` }));
    }
  };
  spec.clusters.forEach((c, i) => {
    check(c.eastWestGateway?.annotations, ['spec', 'clusters', i, 'eastWestGateway', 'annotations'], 'annotation');
    check(c.ingressGateway?.annotations, ['spec', 'clusters', i, 'ingressGateway', 'annotations'], 'annotation');
    check(c.ingressGateway?.ingress?.annotations, ['spec', 'clusters', i, 'ingressGateway', 'ingress', 'annotations'], 'annotation');
  });
  (spec.services ?? []).forEach((s, i) => check(s.selector, ['spec', 'services', i, 'selector'], 'selector'));
}
