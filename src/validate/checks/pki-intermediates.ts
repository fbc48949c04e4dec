import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { perClusterSwitchHint, sharedIntermediateConflicts, sharedIntermediateRisk } from '../../rules/pki-intermediates.js';
import type { Context } from './check-context.js';

// spec.pki.intermediates: shared (rules/pki-intermediates.ts owns the rules): refused with the
// settings that need an intermediate per primary, and a warning wherever two or more primaries
// would sign with the one intermediate.

export function checkPkiIntermediates({ document, at, report }: Context) {
  const pki = document.spec.pki;
  for (const conflict of sharedIntermediateConflicts(pki)) {
    report(error(Codes.SharedIntermediateConflict, conflict.message, { ...at(['spec', 'pki', conflict.field], conflict.field === 'rotation' ? 'key' : 'value'), hint: conflict.hint }));
  }
  if (pki?.intermediates !== 'shared' || pki.provider === 'cert-manager') return;
  const primaries = document.spec.clusters.filter((c) => (c.role ?? 'primary') === 'primary').map((c) => c.name);
  if (primaries.length < 2) return;
  report(
    warning(Codes.IntermediateInSeveralClusters, sharedIntermediateRisk([...primaries].sort()), {
      ...at(['spec', 'pki', 'intermediates']),
      hint: perClusterSwitchHint(pki.dir ?? 'pki'),
    }),
  );
}
