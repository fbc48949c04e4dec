import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { Context } from './check-context.js';

export function checkExclusiveFields({ document, at, report }: Context) {
  document.spec.clusters.forEach((c, i) => {
    const pairs: [string, object | undefined, string, string][] = [
      ['apiServer', c.apiServer, 'caFile', 'caData'],
      ['reader', c.reader, 'tokenFile', 'tokenEnv'],
    ];
    for (const [parent, value, a, b] of pairs) {
      const v = value as Record<string, unknown> | undefined;
      if (v && v[a] !== undefined && v[b] !== undefined) {
        // point at whichever of the two the user wrote second
        const [pa, pb] = [at(['spec', 'clusters', i, parent, a], 'key'), at(['spec', 'clusters', i, parent, b], 'key')];
        const later = (pa.position?.line ?? 0) * 1e6 + (pa.position?.col ?? 0) > (pb.position?.line ?? 0) * 1e6 + (pb.position?.col ?? 0) ? pa : pb;
        report(error(Codes.ConflictingFields, `cluster "${c.name}" sets both ${parent}.${a} and ${parent}.${b}`, { ...later, hint: 'they exclude each other; keep one' }));
      }
    }
  });
}
