import type { ServicePort } from 'cdk8s-plus-27/lib/imports/k8s.js';
import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from './k8s-classes.js';
import type { ServiceModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

// A Service of the same name in each cluster that calls a service without running it, so
// that the name resolves there (the plan says which; see plan/services-plan.ts).

export function dnsServices(plan: ClusterPlan): KubeObject[] {
  return plan.dnsServices.map(serviceObject);
}

function serviceObject(service: ServiceModel): KubeObject {
  const { IntOrString, KubeService } = k8sClasses();
  return kubeObject(KubeService, {
    metadata: { name: service.name, namespace: service.namespace, labels: { app: service.name } },
    spec: {
      ports: service.ports.map((p): ServicePort => ({ name: p.name, port: p.port, targetPort: IntOrString.fromNumber(p.port), protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP' })),
      // without a selector the Service has no local endpoints: it exists for DNS, and the
      // sidecar sends the traffic to the clusters that run the service
      selector: service.selector ? { ...service.selector } : undefined,
    },
  });
}
