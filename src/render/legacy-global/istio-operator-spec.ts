import type { ObjectMeta } from '../../resource/kube-object.js';
import type { GatewayModel } from '../../model/mesh-model.js';

// Hand-written props of the IstioOperator that Istio 1.6-1.7's `istioctl install -f` reads
// (install.istio.io/v1alpha1). No CRD schema of it is at hand to import (Istio 1.30.3 has no
// IstioOperator CRD; see src/imports/README.md), so these interfaces list only the fields
// meshgen sets, named and shaped as in that release's operator API (istio/api
// operator/v1alpha1/operator.proto) and its manifests/profiles/default.yaml; `values` are the
// 1.6-1.7 charts' Helm values. Each is closed: a misspelled field is a compile error. The
// conformance test checks the rendered keys against the ones Istio 1.6-1.7 documents.

export interface IstioOperator {
  apiVersion: 'install.istio.io/v1alpha1';
  kind: 'IstioOperator';
  metadata: ObjectMeta;
  spec: IstioOperatorSpec;
}

export interface IstioOperatorSpec {
  /** a built-in profile of the release, e.g. `default` */
  profile?: string;
  revision?: string;
  /** Istio's MeshConfig: the one field meshgen sets */
  meshConfig?: { trustDomain?: string };
  /** add-ons of 1.6-1.7 by name, like `istiocoredns` (removed in 1.8) */
  addonComponents?: { istiocoredns?: ExternalComponentSpec };
  components?: IstioComponentSetSpec;
  values?: { global?: IstioOperatorGlobalValues; security?: { selfSigned?: boolean } };
}

export interface ExternalComponentSpec {
  enabled?: boolean;
}

export interface IstioComponentSetSpec {
  ingressGateways?: GatewaySpec[];
}

/** One gateway component (operator.proto GatewaySpec). */
export interface GatewaySpec {
  name?: string;
  enabled?: boolean;
  k8s?: KubernetesResourcesSpec;
}

export interface KubernetesResourcesSpec {
  service?: { type?: GatewayModel['serviceType'] };
  serviceAnnotations?: Record<string, string>;
}

/** `values.global` of the 1.6-1.7 charts: the keys of the multicluster-gateways example. */
export interface IstioOperatorGlobalValues {
  meshID?: string;
  /** 1.5: the trust domain (1.6 moved it to spec.meshConfig) */
  trustDomain?: string;
  network?: string;
  multiCluster?: { enabled?: boolean; clusterName?: string; globalDomainSuffix?: string; includeEnvoyFilter?: boolean };
  podDNSSearchNamespaces?: string[];
  controlPlaneSecurityEnabled?: boolean;
  /** the sidecars' outbound capture, comma-separated (operator/data/profiles/default.yaml @1.5.4-1.7.8: "*") */
  proxy?: { includeIPRanges?: string };
}
