import type { ObjectMeta } from '../../resource/kube-object.js';
import type { GatewayModel } from '../../model/mesh-model.js';

// Hand-written props of the IstioControlPlane that Istio 1.4's `istioctl manifest apply -f`
// reads (install.istio.io/v1alpha2). Only the fields meshgen sets, named as that release's
// operator API accepts them: the spec after github.com/istio/operator
// pkg/apis/istio/v1alpha2/istiocontrolplane_types.pb.go@1.4.10 (its jsonpb names), `values`
// after pkg/apis/istio/v1alpha1/values_types.pb.go@1.4.10, which istioctl 1.4 unmarshals them
// into with unknown fields refused (pkg/validate/validate_values.go@1.4.10). Each interface is
// closed: a misspelled field is a compile error; test/istio-control-plane.test.ts checks the
// rendered keys against schemas/istio-1.4-control-plane-keys.json, derived from those files.

export interface IstioControlPlane {
  apiVersion: 'install.istio.io/v1alpha2';
  kind: 'IstioControlPlane';
  metadata: ObjectMeta;
  spec: IstioControlPlaneSpec;
}

export interface IstioControlPlaneSpec {
  /** a built-in profile of the release (data/profiles/<name>.yaml@1.4.10), e.g. `default` */
  profile?: string;
  /** the istiocoredns feature (CoreDNSFeatureSpec): off in 1.4's default profile */
  coreDNS?: FeatureSpec;
  /** the gateways feature (GatewayFeatureSpec) and its components */
  gateways?: { components?: { ingressGateway?: ComponentSpec } };
  values?: IstioControlPlaneValues;
}

export interface FeatureSpec {
  enabled?: boolean;
}

/** A component. Its k8s settings are left out: 1.4 maps none of them to the Service (data/translateConfig/translateConfig-1.4.yaml has no K8S.Service), so the Service is set in values. */
export interface ComponentSpec {
  enabled?: boolean;
}

/** The Helm values of 1.4's charts (v1alpha1 Values): the keys of the multicluster-gateways example and the gateway Service. */
export interface IstioControlPlaneValues {
  global?: {
    trustDomain?: string;
    network?: string;
    multiCluster?: { enabled?: boolean; clusterName?: string };
    podDNSSearchNamespaces?: string[];
    controlPlaneSecurityEnabled?: boolean;
    proxy?: { includeIPRanges?: string };
  };
  security?: { selfSigned?: boolean };
  gateways?: { 'istio-ingressgateway'?: IngressGatewayValues };
}

/** values.gateways.istio-ingressgateway (IngressGatewayConfig): the chart's Service type and annotations. */
export interface IngressGatewayValues {
  type?: GatewayModel['serviceType'];
  serviceAnnotations?: Record<string, string>;
}
