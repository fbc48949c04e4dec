import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { isLegacyGlobal } from '../../rules/topology.js';
import type { Context } from './check-context.js';

// spec.verification: where its workloads go, and whether its check can pass at all.

const RESERVED = ['istio-system', 'kube-system', 'kube-public', 'kube-node-lease'];
const DEFAULT_NAMESPACE = 'sample';

export function checkVerification({ document, at, report }: Context): void {
  const spec = document.spec;
  const verification = spec.verification;
  if (!verification?.enabled) return;
  const namespace = verification.namespace ?? DEFAULT_NAMESPACE;
  const ingressNamespaces = spec.clusters.filter((c) => c.ingressGateway?.enabled).map((c) => c.ingressGateway?.namespace ?? 'istio-ingress');
  if (RESERVED.includes(namespace) || ingressNamespaces.includes(namespace)) {
    report(
      error(Codes.VerificationNamespaceReserved, `verification cannot run in namespace "${namespace}"`, {
        ...at(['spec', 'verification', verification.namespace !== undefined ? 'namespace' : 'enabled']),
        hint: ingressNamespaces.includes(namespace) ? 'it is an ingress gateway\'s namespace; pick another, e.g. sample' : 'it belongs to Istio or Kubernetes; pick another, e.g. sample',
      }),
    );
  }
  // Replicated control planes: no istiod knows another cluster's endpoints, so helloworld.<ns>
  // only reaches the caller's own version. Through helloworld.<ns>.<suffix> it reaches every
  // cluster, once helloworld is a .global service served by all of them.
  if (isLegacyGlobal(spec) && spec.clusters.length > 1) {
    const names = spec.clusters.map((c) => c.name);
    const helloworld = (spec.services ?? []).find((s) => s.name === 'helloworld' && s.namespace === namespace);
    const missing = names.filter((n) => !(helloworld?.clusters ?? []).includes(n));
    if (!helloworld || missing.length) {
      report(
        error(Codes.VerificationLegacyWithoutGlobalName, `in a legacy .global mesh verification calls helloworld.${namespace}.${spec.legacy?.global?.suffix ?? 'global'}, which ${helloworld ? `is not served by ${missing.map((m) => `"${m}"`).join(', ')}` : 'spec.services does not declare'}`, {
          ...at(['spec', 'verification', 'enabled']),
          hint: `each istiod knows only its own cluster, so helloworld.${namespace} never leaves it; add to spec.services: { name: helloworld, namespace: ${namespace}, ports: [{ name: http, port: 5000, protocol: HTTP }], clusters: [${names.join(', ')}] }`,
        }),
      );
    }
  }
}
