import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import type { IstioOperator, IstioOperatorSpec, KubernetesResourcesSpec } from './istio-operator-spec.js';
import { FEATURES, hasFeature } from '../../rules/istio-versions.js';

// Istio 1.5-1.7 with the legacy .global model: what `istioctl install -f` takes, after
// Istio's own example manifests/examples/multicluster/values-istio-multicluster-gateways.yaml
// (@release-1.6/1.7). Those releases predate the base/istiod/gateway
// charts meshgen renders values for, so this file replaces helm/ for them.
//
// What is left out of the example: its istio-egressgateway with ISTIO_META_REQUESTED_NETWORK_VIEW
// "external" serves only the optional "send remote traffic via an egress gateway" variant,
// which meshgen does not render.

export function istioOperator(mesh: MeshModel, plan: ClusterPlan): IstioOperator {
  const cluster = plan.cluster;
  const suffix = plan.legacy!.suffix;
  const gateway = cluster.eastWestGateway;
  const k8s: KubernetesResourcesSpec = { service: { type: gateway.serviceType } };
  if (Object.keys(gateway.annotations).length) k8s.serviceAnnotations = { ...gateway.annotations };
  const spec: IstioOperatorSpec = {
    profile: 'default',
    meshConfig: { trustDomain: mesh.trustDomain },
    // answers the .<suffix> names from ServiceEntry addresses; the cluster DNS stub forwards to it
    addonComponents: { istiocoredns: { enabled: true } },
    components: {
      // carries the cross-cluster traffic: its Service already has tls 15443, and with
      // multiCluster.enabled the chart adds the AUTO_PASSTHROUGH Gateway, the EnvoyFilter
      // that rewrites .<suffix> to .svc.cluster.local and the *.<suffix> DestinationRule
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: gateway.enabled, k8s }],
    },
    values: {
      global: {
        meshID: mesh.meshID,
        network: cluster.network,
        multiCluster: { enabled: true, clusterName: cluster.name, globalDomainSuffix: suffix, includeEnvoyFilter: true },
        // becomes dnsConfig.searches of injected pods, so <name>.<namespace> resolves too
        podDNSSearchNamespaces: [suffix],
        controlPlaneSecurityEnabled: true,
        ...(cluster.includeIPRanges ? { proxy: { includeIPRanges: cluster.includeIPRanges.ranges.join(',') } } : {}),
      },
    },
  };
  if (mesh.istio.revision) spec.revision = mesh.istio.revision;
  return {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: { name: cluster.name, namespace: ISTIO_NAMESPACE },
    spec: hasFeature(mesh.istio.parsed, FEATURES.meshConfigField) ? spec : asIstio15(spec, mesh.trustDomain),
  };
}

/**
 * Istio 1.5's IstioOperator (operator/data/examples/multicluster/values-istio-multicluster-gateways.yaml
 * and operator/data/profiles/default.yaml @1.5.x): no spec.meshConfig (the trust domain is
 * values.global.trustDomain), no meshID, no globalDomainSuffix or includeEnvoyFilter (the zone is
 * always "global", which validation enforces), a second search domain <namespace>.global, and
 * security.selfSigned: false so that the plugged-in CA (cacerts) is used.
 */
function asIstio15(spec: IstioOperatorSpec, trustDomain: string): IstioOperatorSpec {
  const { meshConfig: _meshConfig, values, ...rest } = spec;
  const { meshID: _meshID, multiCluster, ...global } = values!.global!;
  return {
    ...rest,
    values: {
      global: {
        ...global,
        trustDomain,
        multiCluster: { enabled: true, clusterName: multiCluster!.clusterName },
        podDNSSearchNamespaces: ['global', '{{ valueOrDefault .DeploymentMeta.Namespace "default" }}.global'],
      },
      security: { selfSigned: false },
    },
  };
}

