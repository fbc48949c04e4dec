import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import type { IngressGatewayValues, IstioControlPlane } from './istio-control-plane-spec.js';

// Istio 1.4 with the legacy .global model: the IstioControlPlane `istioctl manifest apply -f`
// takes, with the facts of github.com/istio/operator
// data/examples/multicluster/values-istio-multicluster-gateways.yaml@1.4.10 (which istio.io's
// 1.4 guide "Replicated control planes" installs): istiocoredns, multiCluster, the two .global
// search domains, control-plane mTLS and the plugged-in CA (security.selfSigned: false). The
// 1.4 charts (github.com/istio/installer gateways/istio-ingress/templates/preconfigured.yaml
// @release-1.4) then render the 15443 AUTO_PASSTHROUGH Gateway for *.global on
// istio-ingressgateway, its EnvoyFilter and the *.global DestinationRule, as 1.5's do.
//
// Left out of the example, as on 1.5-1.7 (legacy-global/istio-operator.ts): its egress gateway
// with ISTIO_META_REQUESTED_NETWORK_VIEW "external", which serves only the optional "send
// remote traffic via an egress gateway" variant. Set beyond it: the trust domain, the
// cluster's name and network, and the gateway Service meshgen describes.

export function istioControlPlane(mesh: MeshModel, plan: ClusterPlan): IstioControlPlane {
  const cluster = plan.cluster;
  const gateway = cluster.eastWestGateway;
  // 1.4 maps no k8s.service of a component (translateConfig-1.4.yaml): the chart's values carry it
  const ingressGateway: IngressGatewayValues = { type: gateway.serviceType };
  if (Object.keys(gateway.annotations).length) ingressGateway.serviceAnnotations = { ...gateway.annotations };
  return {
    apiVersion: 'install.istio.io/v1alpha2',
    kind: 'IstioControlPlane',
    metadata: { name: cluster.name, namespace: ISTIO_NAMESPACE },
    spec: {
      profile: 'default',
      // answers the .global names from ServiceEntry addresses; the cluster DNS stub forwards to it
      coreDNS: { enabled: true },
      // istio-ingressgateway carries the cross-cluster traffic on 15443 (its Service has that port in 1.4)
      gateways: { components: { ingressGateway: { enabled: gateway.enabled } } },
      values: {
        global: {
          // 1.4 has no spec.meshConfig: the trust domain is a chart value
          trustDomain: mesh.trustDomain,
          network: cluster.network,
          // the zone is always "global" in 1.4 (validation enforces the suffix)
          multiCluster: { enabled: true, clusterName: cluster.name },
          // become dnsConfig.searches of injected pods, each rendered by the injector at injection time
          // (`{{ render . }}`, github.com/istio/installer istio-control/istio-autoinject/files/injection-template.yaml@release-1.4)
          podDNSSearchNamespaces: ['global', '{{ valueOrDefault .DeploymentMeta.Namespace "default" }}.global'],
          controlPlaneSecurityEnabled: true,
          ...(cluster.includeIPRanges ? { proxy: { includeIPRanges: cluster.includeIPRanges.ranges.join(',') } } : {}),
        },
        // Citadel signs with the plugged-in intermediate (the cacerts Secret), not a self-signed root
        security: { selfSigned: false },
        gateways: { 'istio-ingressgateway': ingressGateway },
      },
    },
  };
}
