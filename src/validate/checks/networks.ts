import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { didYouMean } from '../did-you-mean.js';
import type { Context } from './check-context.js';

export function checkNetworks({ document, at, report }: Context) {
  const declared = document.spec.networks;
  if (!declared) return;
  document.spec.clusters.forEach((c, i) => {
    if (!declared.includes(c.network)) {
      report(
        error(Codes.UnknownNetwork, `cluster "${c.name}" names network "${c.network}", which spec.networks does not declare`, {
          ...at(['spec', 'clusters', i, 'network']),
          hint: `${didYouMean(c.network, declared) ?? ''} networks in this mesh: ${declared.join(', ')}`.trim(),
        }),
      );
    }
  });
}
