import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import { isRead, rendersRemoteSecrets, topologyOfSpec } from '../../rules/topology.js';
import type { Context } from './check-context.js';
import { ARGOCD_DIR, FLUX_DIR } from '../../resource/out-layout.js';

// spec.gitops: what the Argo CD and Flux wrappers need from the rest of mesh.yaml.


export function checkGitops({ document, at, report }: Context): void {
  const gitops = document.spec.gitops;
  if (!gitops) return;
  const clusters = document.spec.clusters;

  const checkPath = (path: string | undefined, where: YamlPath) => {
    if (path === undefined) return;
    if (path.startsWith('/') || path.split('/').includes('..')) {
      report(
        error(Codes.GitOpsPathOutsideRepository, `${where.join('.')} "${path}" is not a path inside the repository`, {
          ...at(where),
          hint: 'give the directory of out/ relative to the repository root, e.g. out, or clusters/prod/out',
        }),
      );
    }
  };
  checkPath(gitops.argocd?.path, ['spec', 'gitops', 'argocd', 'path']);
  checkPath(gitops.flux?.path, ['spec', 'gitops', 'flux', 'path']);

  // out/argocd/ and out/flux/ hold the wrappers; a cluster directory of that name would collide.
  const reserved = [...(gitops.argocd ? [ARGOCD_DIR] : []), ...(gitops.flux ? [FLUX_DIR] : [])];
  clusters.forEach((c, i) => {
    if (!reserved.includes(c.name)) return;
    report(
      error(Codes.ClusterNameReservedByGitOps, `cluster name "${c.name}" is taken by the ${c.name === ARGOCD_DIR ? 'Argo CD' : 'Flux'} wrappers in out/${c.name}/`, {
        ...at(['spec', 'clusters', i, 'name']),
        hint: 'rename the cluster',
      }),
    );
  });

  if (!gitops.argocd) return;
  // A cluster others read already needs the URL for its remote secret (MG2201); report that once.
  const topology = topologyOfSpec(document.spec);
  const secretsNeedUrl = (name: string) => rendersRemoteSecrets(document.spec) && isRead(topology, name);
  clusters.forEach((c, i) => {
    if (c.apiServer?.url !== undefined || secretsNeedUrl(c.name)) return;
    report(
      error(Codes.ArgoCdDestinationMissing, `cluster "${c.name}" has no apiServer.url, which its Argo CD Applications need as destination.server`, {
        ...at(c.apiServer ? ['spec', 'clusters', i, 'apiServer'] : ['spec', 'clusters', i, 'name'], c.apiServer ? 'key' : 'value'),
        hint: 'add apiServer: { url: https://<address>:6443 }, exactly as the cluster is registered in Argo CD (argocd cluster list)',
      }),
    );
  });
}
