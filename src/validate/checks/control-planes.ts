import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { MeshDocument } from '../../rules/mesh-spec.js';
import { isIP } from 'node:net';
import { isPrimary, primariesOf } from '../../rules/topology.js';
import type { Context } from './check-context.js';

/** Primary-remote: every remote needs a primary it can reach. */
export function checkControlPlanes({ document, at, report }: Context) {
  const clusters = document.spec.clusters;
  const byName = new Map(clusters.map((c, i) => [c.name, { cluster: c, index: i }]));
  const reported = new Set<string>();
  clusters.forEach((c, i) => {
    if (isPrimary(c)) {
      if (c.controlPlane !== undefined) {
        report(
          error(Codes.ControlPlaneOnPrimary, `cluster "${c.name}" is a primary but names a controlPlane`, {
            ...at(['spec', 'clusters', i, 'controlPlane'], 'key'),
            hint: 'a primary runs its own istiod; set role: remote to have it managed by another cluster, or remove controlPlane',
          }),
        );
      }
      return;
    }
    if (c.controlPlane === undefined) {
      report(
        error(Codes.RemoteWithoutControlPlane, `remote cluster "${c.name}" does not name its controlPlane`, {
          ...at(['spec', 'clusters', i, 'role']),
          hint: `add controlPlane: <the primary that manages it>${primaryNames(clusters)}`,
        }),
      );
      return;
    }
    const primary = byName.get(c.controlPlane);
    if (!primary) return; // reported as an unknown cluster
    if (!isPrimary(primary.cluster)) {
      report(
        error(Codes.ControlPlaneNotPrimary, `cluster "${c.name}" names "${c.controlPlane}" as its controlPlane, which is not a primary`, {
          ...at(['spec', 'clusters', i, 'controlPlane']),
          hint: `a remote is managed by a primary's istiod${primaryNames(clusters)}`,
        }),
      );
      return;
    }
    const p = primary.index;
    const ew = primary.cluster.eastWestGateway;
    if (ew?.enabled === false && !reported.has(`disabled:${p}`)) {
      reported.add(`disabled:${p}`);
      report(
        error(Codes.ControlPlaneGatewayDisabled, `primary "${primary.cluster.name}" manages remote "${c.name}" but disables its east-west gateway`, {
          ...at(['spec', 'clusters', p, 'eastWestGateway', 'enabled']),
          hint: 'the remote reaches istiod (15012) and its webhooks (15017) through that gateway; remove enabled: false',
        }),
      );
    } else if (ew?.address === undefined && !reported.has(`address:${p}`)) {
      reported.add(`address:${p}`);
      const otherNetwork = primary.cluster.network !== c.network;
      report(
        error(Codes.ControlPlaneAddressMissing, `remote "${c.name}" needs the address of primary "${primary.cluster.name}"'s east-west gateway, which mesh.yaml does not give`, {
          ...at(ew ? ['spec', 'clusters', p, 'eastWestGateway'] : ['spec', 'clusters', p, 'name'], ew ? 'key' : 'value'),
          hint:
            `it becomes the remote's global.remotePilotAddress${otherNetwork ? ', the only way into another network' : ' (a ClusterIP is not reachable from another cluster, even on one network)'}. ` +
            `Set eastWestGateway.address on "${primary.cluster.name}": a static IP (or a reserved load-balancer IP), or, for an address assigned at run time, install "${primary.cluster.name}" first, ` +
            `read it with kubectl -n istio-system get svc istio-eastwestgateway -o jsonpath='{.status.loadBalancer.ingress[0].ip}', put it here and rebuild`,
        }),
      );
    }
    if (ew?.serviceType === 'NodePort' && ew.enabled !== false && !reported.has(`nodeport:${p}`)) {
      reported.add(`nodeport:${p}`);
      report(
        warning(Codes.ControlPlaneBehindNodePort, `primary "${primary.cluster.name}" serves remotes through a NodePort east-west gateway`, {
          ...at(['spec', 'clusters', p, 'eastWestGateway', 'serviceType']),
          hint: `remotes connect to ${ew.address ?? 'the address'} on ports 15012 and 15017 exactly, which a NodePort Service does not listen on; use a LoadBalancer, or a load balancer at that address that forwards both ports`,
        }),
      );
    }
    const address = ew?.address;
    if (address !== undefined && isIP(address) === 0 && !reported.has(`hostname:${p}`)) {
      reported.add(`hostname:${p}`);
      report(
        warning(Codes.RemotePilotAddressHostname, `east-west address "${address}" of primary "${primary.cluster.name}" is a hostname, so its remotes get an ExternalName istiod Service`, {
          ...at(['spec', 'clusters', p, 'eastWestGateway', 'address']),
          hint: 'that works where cluster DNS resolves it, but Istio\'s primary-remote guide warns it is unsuitable for some platforms (e.g. an EKS primary); prefer a static IP',
        }),
      );
    }
  });
}


function primaryNames(clusters: MeshDocument['spec']['clusters']): string {
  const primaries = primariesOf(clusters).map((c) => c.name);
  return primaries.length ? `; primaries in this mesh: ${primaries.join(', ')}` : '; this mesh has no primary';
}
