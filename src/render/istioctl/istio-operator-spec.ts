import type { ObjectMeta } from '../../resource/kube-object.js';
import type { MeshConfigValues } from '../helm/istio-values.js';

// Hand-written props of the IstioOperator that current istioctl reads for `istioctl install -f`
// (install.istio.io/v1alpha1; istio/istio operator/pkg/apis/types.go and its values_types.proto).
// No CRD schema of it is at hand to import (Istio no longer ships an IstioOperator CRD), so these
// interfaces list only the fields meshgen sets; each is closed, so a misspelled field is a
// compile error, and the ecosystem tier renders every file with `istioctl manifest generate`.

export interface CurrentIstioOperator {
  apiVersion: 'install.istio.io/v1alpha1';
  kind: 'IstioOperator';
  metadata: ObjectMeta;
  spec: CurrentIstioOperatorSpec;
}

export interface CurrentIstioOperatorSpec {
  /** `default` on a primary, `remote` on a remote (no istiod; the webhooks point at the primary) */
  profile: 'default' | 'remote';
  revision?: string;
  /** Istio's MeshConfig, as the istiod chart's meshConfig value */
  meshConfig?: MeshConfigValues;
  components: { ingressGateways: OperatorGateway[] };
  values: OperatorValues;
}

/** One gateway component (GatewayComponentSpec). */
export interface OperatorGateway {
  name: string;
  /** where the gateway runs; default: the control plane's namespace */
  namespace?: string;
  enabled: boolean;
  label?: Record<string, string>;
  k8s?: OperatorGatewayK8s;
}

export interface OperatorGatewayK8s {
  env?: { name: string; value: string }[];
  service?: { type: string; ports?: OperatorServicePort[] };
  serviceAnnotations?: Record<string, string>;
}

export interface OperatorServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP';
  nodePort?: number;
}

/** The charts' values under spec.values: the keys the Helm path sets, in the same places. */
export interface OperatorValues {
  global: {
    meshID: string;
    multiCluster: { clusterName: string };
    network: string;
    externalIstiod?: boolean;
    remotePilotAddress?: string;
    configCluster?: boolean;
  };
  istiodRemote?: { injectionPath: string };
  gateways?: { 'istio-ingressgateway': { injectionTemplate: 'gateway' } };
}
