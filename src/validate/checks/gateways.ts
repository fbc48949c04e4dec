import { warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { Context } from './check-context.js';

export function checkGateways({ document, at, report }: Context) {
  const clusters = document.spec.clusters;
  const multiNetwork = new Set(clusters.map((c) => c.network)).size > 1;
  if (multiNetwork) {
    // Cross-network traffic enters a network through an east-west gateway of that network.
    const networksWithGateway = new Set(clusters.filter((c) => c.eastWestGateway?.enabled !== false).map((c) => c.network));
    clusters.forEach((c, i) => {
      if (c.eastWestGateway?.enabled === false && !networksWithGateway.has(c.network)) {
        report(
          warning(Codes.GatewayMissingOnNetwork, `network "${c.network}" has no east-west gateway, so other networks cannot reach cluster "${c.name}"`, {
            ...at(['spec', 'clusters', i, 'eastWestGateway', 'enabled']),
            hint: 'enable eastWestGateway in at least one cluster of each network',
          }),
        );
      }
    });
  }
  clusters.forEach((c, i) => {
    const ew = c.eastWestGateway;
    if (ew?.serviceType === 'NodePort' && ew.enabled !== false && ew.annotations?.['traffic.istio.io/nodeSelector'] === undefined && ew.address === undefined) {
      report(
        warning(Codes.NodePortWithoutSelector, `east-west gateway of cluster "${c.name}" is a NodePort Service without the traffic.istio.io/nodeSelector annotation`, {
          ...at(['spec', 'clusters', i, 'eastWestGateway', 'serviceType']),
          hint: 'istiod uses a NodePort gateway only when that annotation selects the nodes whose addresses to use, e.g. annotations: {traffic.istio.io/nodeSelector: \'{"kubernetes.io/os": "linux"}\'}',
        }),
      );
    }
  });
}

