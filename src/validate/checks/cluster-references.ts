import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import { didYouMean } from '../did-you-mean.js';
import type { Context } from './check-context.js';

export function checkClusterReferences({ document, at, report }: Context) {
  const spec = document.spec;
  const names = spec.clusters.map((c) => c.name);
  const check = (name: string, path: YamlPath, referrer: string) => {
    if (names.includes(name)) return;
    report(
      error(Codes.UnknownCluster, `${referrer} names cluster "${name}", which spec.clusters does not define`, {
        ...at(path),
        hint: `${didYouMean(name, names) ?? ''} clusters in this mesh: ${names.join(', ')}`.trim(),
      }),
    );
  };
  spec.clusters.forEach((c, i) => {
    if (c.controlPlane !== undefined) check(c.controlPlane, ['spec', 'clusters', i, 'controlPlane'], `cluster "${c.name}"`);
  });
  (spec.namespaces ?? []).forEach((n, i) =>
    (n.clusters ?? []).forEach((name, j) => check(name, ['spec', 'namespaces', i, 'clusters', j], `namespace "${n.name}"`)),
  );
  (spec.services ?? []).forEach((s, i) =>
    (s.clusters ?? []).forEach((name, j) => check(name, ['spec', 'services', i, 'clusters', j], `service "${s.name}"`)),
  );
  (spec.services ?? []).forEach((s, i) =>
    (s.expose?.clusters ?? []).forEach((name, j) => check(name, ['spec', 'services', i, 'expose', 'clusters', j], `expose of service "${s.name}"`)),
  );
}

