import type { MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { istioctlInstallCommand } from '../../rules/istio-versions.js';

// The part of out/README.md about the legacy .global model: the names and their virtual IPs,
// and what each cluster's DNS does with them.

export function legacyReadmeSection(mesh: MeshModel, plans: readonly ClusterPlan[]): string[] {
  const legacy = mesh.legacyGlobal;
  if (!legacy) return [];
  const lines = [
    `## .${legacy.suffix} services`,
    '',
    'Every cluster runs its own istiod and knows only its own endpoints: no remote secrets.',
    `A workload calls a service of any cluster as \`<name>.<namespace>.${legacy.suffix}\`. The name`,
    'resolves to the virtual IP below; the sidecar sends the call over mTLS (the shared root CA)',
    "to the serving clusters' gateways on port 15443, or to the Kubernetes Service where the",
    'caller\'s own cluster serves it. A virtual IP depends only on the service\'s namespace and',
    'name (or its `vip`): adding or removing a service never changes another one\'s.',
    '',
    '| name | virtual IP | ports | served by |',
    '|---|---|---|---|',
    ...legacy.services.map((s) => `| \`${s.host}\` | ${s.vip} | ${s.ports.map((p) => `${p.number}${p.protocol ? `/${p.protocol}` : ''}`).join(', ')} | ${s.servingClusters.join(', ')} |`),
    '',
  ];
  const replaced = plans.filter((p) => p.legacy?.dns?.provider === 'coredns').map((p) => p.cluster.name);
  if (replaced.length) {
    lines.push(
      `**Cluster DNS.** In ${replaced.join(', ')}, \`kubectl apply -k\` replaces the whole \`coredns\``,
      'ConfigMap in kube-system: the cluster zone as Istio\'s guide writes it, plus the',
      `\`${legacy.suffix}:53\` block. Compare it with the running Corefile first and carry over any`,
      'customisation (or use `dns.provider: coredns-custom` where CoreDNS imports that ConfigMap).',
      '',
    );
  }
  const custom = plans.filter((p) => p.legacy?.dns?.provider === 'coredns-custom').map((p) => p.cluster.name);
  if (custom.length) {
    lines.push(
      `**coredns-custom.** In ${custom.join(', ')}, CoreDNS imports \`${legacy.suffix}.server\` from the`,
      '`coredns-custom` ConfigMap; if it does not pick up the change, restart it:',
      '`kubectl -n kube-system rollout restart deployment coredns`.',
      '',
    );
  }
  const pending = plans.filter((p) => p.legacy?.istioOperator && !p.legacy.dns).map((p) => p.cluster.name);
  if (pending.length) {
    lines.push(
      `**DNS stub not rendered yet** for ${pending.join(', ')}: it forwards to istiocoredns, whose`,
      'ClusterIP exists only once Istio is installed. Install, then set `dns.istiocorednsAddress`',
      'to the output of `kubectl -n istio-system get svc istiocoredns -o jsonpath=\'{.spec.clusterIP}\'`',
      'and build again.',
      '',
    );
  }
  return lines;
}

/** Istio 1.4-1.7 install with the istioctl of that very release, from its install file. */
export function istioctlInstallStep(mesh: MeshModel, context: string, installFilePath: string): string {
  return `istioctl ${istioctlInstallCommand(mesh.istio.parsed)} --context ${context} -f ${installFilePath}   # istioctl ${mesh.istio.version}`;
}
