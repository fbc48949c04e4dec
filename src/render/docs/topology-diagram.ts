import type { ClusterModel, MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';

// The Mermaid diagram at the top of out/README.md.

/**
 * Clusters inside their networks, with role and east-west gateway; an arrow for every remote
 * secret, from the istiod that reads to the cluster it reads (one double arrow when two
 * primaries read each other); the cross-network data path; each remote's link to its istiod.
 */
export function topologyDiagram(mesh: MeshModel, meshPlan: MeshPlan): string[] {
  const plans = meshPlan.clusters;
  const lines = ['flowchart LR'];
  const ids = new Map(plans.map((p) => [p.cluster.name, mermaidId('cluster', p.cluster.name)]));
  const id = (c: ClusterModel) => ids.get(c.name) ?? mermaidId('cluster', c.name);
  for (const network of mesh.networks) {
    lines.push(`  subgraph ${mermaidId('net', network)}["network ${network}"]`);
    for (const plan of plans.filter((p) => p.cluster.network === network)) lines.push(`    ${id(plan.cluster)}["${clusterLabel(plan)}"]`);
    lines.push('  end');
  }
  const readersByCluster = new Map(plans.map((p) => [p.cluster.name, new Set(p.readers.map((r) => r.name))]));
  const reads = (reader: ClusterModel, read: ClusterModel) => readersByCluster.get(read.name)!.has(reader.name);
  const planOf = new Map(plans.map((p) => [p.cluster.name, p]));
  for (const { cluster: read, readers } of plans) {
    for (const reader of readers) {
      if (reads(read, reader)) {
        if (reader.name < read.name) lines.push(`  ${id(reader)} <-->|"read each other's endpoints"| ${id(read)}`);
      } else {
        lines.push(`  ${id(reader)} -->|"reads endpoints"| ${id(read)}`);
      }
    }
  }
  const primaries = meshPlan.primaries;
  for (let i = 0; i < primaries.length; i++) {
    for (let j = i + 1; j < primaries.length; j++) {
      if (mesh.legacyGlobal) lines.push(`  ${id(primaries[i])} <-. ".${mesh.legacyGlobal.suffix} via gateways 15443" .-> ${id(primaries[j])}`);
      else if (primaries[i].network !== primaries[j].network) lines.push(`  ${id(primaries[i])} <-. "${crossNetworkPath([planOf.get(primaries[i].name), planOf.get(primaries[j].name)])}" .-> ${id(primaries[j])}`);
    }
  }
  for (const { cluster: remote, controlPlane } of plans) {
    // a remote always reaches its istiod through the primary's east-west gateway
    if (controlPlane) lines.push(`  ${id(remote)} -. "istiod via east-west 15012/15017" .-> ${id(controlPlane.cluster)}`);
  }
  return lines;
}

function clusterLabel(plan: ClusterPlan): string {
  const c = plan.cluster;
  const gateway = plan.eastWestGateway ? `<br/>east-west gateway: ${c.eastWestGateway.serviceType}${c.eastWestGateway.address ? ` ${c.eastWestGateway.address}` : ''}` : '';
  const ambient = plan.ambient?.eastWestGateway ? '<br/>ambient east-west gateway: HBONE 15008' : plan.ambient ? '<br/>ambient data plane' : '';
  return `${c.name} (${c.role})${gateway}${ambient}`;
}

/** Which east-west paths join two primaries: sidecar (15443), ambient (HBONE 15008), or both (issue #17). */
function crossNetworkPath(pair: (ClusterPlan | undefined)[]): string {
  const both = pair.filter((p) => p !== undefined);
  const sidecar = both.some((p) => p.eastWestGateway) || !both.some((p) => p.ambient);
  const ambient = both.every((p) => p.ambient?.multiNetwork);
  return [sidecar ? 'east-west 15443' : '', ambient ? 'ambient HBONE 15008' : ''].filter(Boolean).join(', ');
}

/** Mermaid ids allow letters and digits only; escaping every other character keeps them distinct. */
function mermaidId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}_`)}`;
}
