import { yamlFile } from '../../resource/canonical-yaml.js';
import { manifestFileName, resIdOf, type KubeObject } from '../../resource/kube-object.js';
import type { OutputFile } from '../../resource/output-files.js';
import type { MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { argoCdApplications, argoCdRootApplication } from './argocd.js';
import { fluxObjects, fluxRootKustomization } from './flux.js';
import { ARGOCD_DIR, FLUX_DIR } from './repo-paths.js';
import { kustomization } from '../cluster/kustomization.js';

// The GitOps wrappers in out/ (spec.gitops), one object per file, named like the manifests:
//
//   argocd/kustomization.yaml                 the root Applications, for `kubectl apply -k argocd`
//   argocd/<root Application of a cluster>    one per cluster, applied in the Argo CD cluster
//   argocd/<cluster>/<Application>...         synced by that root, in sync waves
//   flux/<root Kustomization of a cluster>    one per cluster, applied in that cluster
//   flux/<cluster>/<HelmRepository, HelmRelease..., Kustomization>   applied by that root

export function gitopsFiles(mesh: MeshModel, plans: readonly ClusterPlan[], sourceLabel: string): OutputFile[] {
  const files: OutputFile[] = [];
  const add = (dir: string, object: KubeObject) => {
    const path = `${dir}/${manifestFileName(resIdOf(object))}`;
    files.push({ path, content: yamlFile(sourceLabel, object), private: false });
    return path;
  };
  const { argocd, flux } = mesh.gitops;
  if (argocd) {
    const roots = plans.map((plan) => add(ARGOCD_DIR, argoCdRootApplication(mesh, argocd, plan.cluster)));
    for (const plan of plans) for (const application of argoCdApplications(mesh, argocd, plan)) add(`${ARGOCD_DIR}/${plan.cluster.name}`, application);
    const rootFiles = roots.map((path) => path.slice(ARGOCD_DIR.length + 1));
    files.push({ path: `${ARGOCD_DIR}/kustomization.yaml`, content: yamlFile(sourceLabel, kustomization(rootFiles)), private: false });
  }
  if (flux) {
    for (const plan of plans) {
      add(FLUX_DIR, fluxRootKustomization(flux, plan.cluster));
      for (const object of fluxObjects(mesh, flux, plan)) add(`${FLUX_DIR}/${plan.cluster.name}`, object);
    }
  }
  return files;
}
