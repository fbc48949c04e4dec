// Findings the real tools make in meshgen's output that are not fixed yet, each with the
// reason it is accepted. Reviewed: an entry matches its findings precisely (tool, case,
// cluster, code, message, object), and the tier fails when an entry no longer matches any
// finding, so this list cannot outlive what it explains.
//
// Two kinds of entry:
// - 'meshgen': a real finding in meshgen's output, to be fixed in src/; `todo` says how.
//   Only warnings can be listed so; an error always fails the tier.
// - 'tool-limitation': the message is about what one cluster's files cannot show the
//   analyzer (another cluster's pods, the cluster ID istiod knows, the application's own
//   workloads), shown to hold by reading the analyzer's source; `reason` says where. Only the
//   istio-analyzers pass (which analyzes more than `istioctl analyze --use-kube=false`) may
//   list an error so; `istioctl analyze` itself never.

export interface Finding {
  code: string;
  level: string;
  message: string;
  /** the object the message is about, as istioctl prints it: "Kind namespace/name" */
  origin: string;
}

/** Where a finding was made: the case, the cluster, and the tool (istioctl analyze when absent). */
export interface Where {
  case: string;
  cluster: string;
  tool?: 'istioctl analyze' | 'istio-analyzers';
}

export interface Allowed {
  /** the tool that makes the finding: istioctl analyze when absent */
  tool?: 'istioctl analyze' | 'istio-analyzers';
  kind: 'meshgen' | 'tool-limitation';
  code: string;
  /** a case (example name or init-<topology>-<n>); all when absent */
  case?: RegExp;
  cluster?: RegExp;
  message: RegExp;
  origin?: RegExp;
  reason: string;
  /** for a finding in meshgen's output: the proposed fix */
  todo?: string;
}

export const ALLOWED: Allowed[] = [
  {
    tool: 'istio-analyzers',
    kind: 'tool-limitation',
    code: 'IST0174',
    case: /^(legacy-global|init-legacy-global-\d+)$/,
    origin: /^DestinationRule istio-system\/istio-multicluster-global$/,
    message: /^The host \*\.global defined in the DestinationRule does not match any services in the mesh\.$/,
    reason:
      'The analyzer (destinationrule.SubsetSelectPodAnalyzer via util.GetDestinationHost, pkg/config/analysis/analyzers/util/service_lookup.go) matches a concrete DestinationRule host against wildcard ServiceEntry hosts, never a wildcard DestinationRule host against concrete ones; the rendered set has ServiceEntries for every *.global service (httpbin.bar.global). `*.global` with ISTIO_MUTUAL is the DestinationRule of Istio\'s own replicated-control-planes setup.',
  },
  {
    tool: 'istio-analyzers',
    kind: 'tool-limitation',
    code: 'IST0173',
    case: /^services$/,
    origin: /^DestinationRule shop\/payments-cross-cluster$/,
    message: /^The Subset (east|west) defined in the DestinationRule does not select any pods\. Which may lead to 503 UH \(NoHealthyUpstream\)\.$/,
    reason:
      'The weighted split\'s subsets select `topology.istio.io/cluster: <cluster>`, a label istiod adds to every endpoint with the cluster ID it knows. The analyzer augments pod labels with an empty cluster ID (label.AugmentLabels(..., cluster.ID(""), ...) in pkg/config/analysis/analyzers/destinationrule/subset.go), so such a subset never matches in any analysis; and the payments pods are the application\'s, not in meshgen\'s output. Checked instead: the subsets name exactly the clusters that run the service (npm test, render-services).',
  },
  {
    tool: 'istio-analyzers',
    kind: 'tool-limitation',
    code: 'IST0101',
    case: /^primary-remote$/,
    cluster: /^primary1$/,
    origin: /^Gateway istio-ingress\/storefront-shop-remote1$/,
    message: /^Referenced selector not found: "istio=ingressgateway,topology\.istio\.io\/cluster=remote1"$/,
    reason:
      'The Gateway of remote1\'s ingress gateway is applied in primary1, whose istiod configures that gateway (expose on a remote), while its pods run in remote1; and it selects topology.istio.io/cluster, a label istiod adds to every proxy from its cluster ID (pilot/pkg/xds/ads.go, labelutil.AugmentLabels). The analyzer (gateway.IngressGatewayPortAnalyzer, pkg/config/analysis/analyzers/gateway/gateway.go) matches the selector against the raw labels of the Pods in the one cluster it analyzes, so it can never match. Checked instead: npm run test:e2e (primary-remote) asks primary1\'s istiod over xDS for the route of the exposed host as remote1\'s gateway (found) and as a gateway labelled alike in primary1 (none).',
  },
];

export function allowedFor(where: Where, f: Finding, list: Allowed[] = ALLOWED): boolean {
  return list.some(
    (a) =>
      (a.tool ?? 'istioctl analyze') === (where.tool ?? 'istioctl analyze') &&
      a.code === f.code &&
      a.message.test(f.message) &&
      (!a.case || a.case.test(where.case)) &&
      (!a.cluster || a.cluster.test(where.cluster)) &&
      (!a.origin || a.origin.test(f.origin)) &&
      // an error only as a limitation of the istio-analyzers pass
      (f.level !== 'Error' || (a.kind === 'tool-limitation' && a.tool === 'istio-analyzers')),
  );
}
