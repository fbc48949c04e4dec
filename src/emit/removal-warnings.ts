import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { manifestOfPath } from '../resource/out-layout.js';
import type { OutputDiff } from './out-dir.js';

// Some objects leave out/ without leaving the cluster: meshgen marks Namespaces so that no
// GitOps tool prunes them (deleting one deletes every workload in it), and kubectl apply -k
// never deletes anything. When a change drops such an object from out/, say so, and how to
// delete it by hand if that is what the change meant.

export function removalWarnings(diff: OutputDiff): Diagnostic[] {
  return diff.changes.flatMap((change) => {
    if (change.kind !== 'removed') return [];
    const manifest = manifestOfPath(change.path);
    if (!manifest || manifest.id.kind !== 'Namespace' || manifest.id.group !== '') return [];
    const { cluster, id } = manifest;
    return [
      warning(Codes.NamespaceLeftInCluster, `namespace "${id.name}" is no longer rendered for cluster "${cluster}": it leaves out/, but stays in the cluster with everything in it`, {
        hint: `meshgen never lets Argo CD or Flux prune a namespace; if it should go, delete it yourself once it is empty of what you keep: kubectl --context <${cluster}> delete namespace ${id.name}`,
      }),
    ];
  });
}
