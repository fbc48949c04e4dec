import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import type { Context } from './check-context.js';

export function checkUniqueNames({ document, at, report }: Context) {
  const spec = document.spec;
  const duplicates = (what: string, keys: string[], path: (i: number) => YamlPath) => {
    const first = new Map<string, number>();
    keys.forEach((key, i) => {
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, i);
        return;
      }
      const firstLine = at(path(earlier)).position?.line;
      report(error(Codes.DuplicateName, `${what} "${key}" is defined twice`, { ...at(path(i)), hint: `first defined on line ${firstLine}; names must be unique` }));
    });
  };
  duplicates('cluster', spec.clusters.map((c) => c.name), (i) => ['spec', 'clusters', i, 'name']);
  duplicates('namespace', (spec.namespaces ?? []).map((n) => n.name), (i) => ['spec', 'namespaces', i, 'name']);
  duplicates('service', (spec.services ?? []).map((s) => `${s.namespace}/${s.name}`), (i) => ['spec', 'services', i, 'name']);
}
