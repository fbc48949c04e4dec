import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { isRead, rendersRemoteSecrets, topologyOfSpec } from '../../rules/topology.js';
import type { Context } from './check-context.js';

/**
 * Every cluster another cluster reads (every primary reads every other cluster) needs the
 * URL its readers use; the remote secrets are built from it.
 */
export function checkApiServers({ document, at, report }: Context) {
  if (!rendersRemoteSecrets(document.spec)) return;
  const topology = topologyOfSpec(document.spec);
  document.spec.clusters.forEach((c, i) => {
    if (!isRead(topology, c.name) || c.apiServer?.url !== undefined) return;
    report(
      error(Codes.ApiServerUrlMissing, `cluster "${c.name}" has no apiServer.url, which the remote secret its readers need is built from`, {
        ...at(c.apiServer ? ['spec', 'clusters', i, 'apiServer'] : ['spec', 'clusters', i, 'name'], c.apiServer ? 'key' : 'value'),
        hint: "add apiServer: { url: https://<address>:6443 }, reachable from the other clusters' istiod; or set secrets.mode: omit to manage remote secrets yourself",
      }),
    );
  });
}
