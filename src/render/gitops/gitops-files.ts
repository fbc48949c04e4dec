import { yamlFile } from '../../resource/canonical-yaml.js';
import { manifestFileName, resIdOf, type KubeObject } from '../../resource/kube-object.js';
import { argocdClusterPath, argocdKustomizationPath, argocdRootPath, ARGOCD_DIR, fluxClusterDir, fluxClusterPath, fluxControlPlanePath, fluxRootPath } from '../../resource/out-layout.js';
import type { OutputFile } from '../../resource/output-files.js';
import type { MeshModel } from '../../model/mesh-model.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { argoCdApplications, argoCdRootApplication } from './argocd.js';
import { fluxObjects, fluxRootKustomization } from './flux.js';
import { kustomization, type ResourceKustomization } from '../cluster/kustomization.js';

// The GitOps wrappers in out/ (spec.gitops), one object per file, named like the manifests:
//
//   argocd/kustomization.yaml                 the root Applications, for `kubectl apply -k argocd`
//   argocd/<root Application of a cluster>    one per cluster, applied in the Argo CD cluster
//   argocd/<cluster>/<Application>...         synced by that root, in sync waves
//   flux/<root Kustomization of a cluster>    one per cluster, applied in that cluster
//   flux/<cluster>/<HelmRepository, HelmRelease..., Kustomization>   applied by that root
//   flux/<cluster>/control-plane/<HelmRelease...>   istiod and after, once cacerts exists (cacerts from git)

export function gitopsFiles(mesh: MeshModel, meshPlan: MeshPlan, sourceLabel: string): OutputFile[] {
  const files: OutputFile[] = [];
  const add = (path: string, object: KubeObject | ResourceKustomization) => files.push({ path, content: yamlFile(sourceLabel, object), private: false });
  const { argocd, flux } = mesh.gitops;
  if (argocd) {
    const roots: string[] = [];
    for (const plan of meshPlan.clusters) {
      const argoPlan = plan.gitops.argocd!;
      const root = argoCdRootApplication(argocd, plan.cluster, argoPlan);
      roots.push(argocdRootPath(resIdOf(root)));
      add(argocdRootPath(resIdOf(root)), root);
    }
    for (const plan of meshPlan.clusters) {
      for (const application of argoCdApplications(mesh, argocd, plan, plan.gitops.argocd!)) add(argocdClusterPath(plan.cluster.name, resIdOf(application)), application);
    }
    add(argocdKustomizationPath(), kustomization(roots.map((path) => path.slice(ARGOCD_DIR.length + 1))));
  }
  if (flux) {
    for (const plan of meshPlan.clusters) {
      const root = fluxRootKustomization(flux, plan.cluster, plan.gitops.flux!);
      add(fluxRootPath(resIdOf(root)), root);
      const objects = fluxObjects(mesh, meshPlan, flux, plan);
      for (const object of objects.root) add(fluxClusterPath(plan.cluster.name, resIdOf(object)), object);
      if (objects.controlPlane.length) {
        // flux/<cluster>/control-plane/ is applied by a Kustomization of its own: the root lists
        // its files, as Flux's generated kustomization would take in the subdirectory too
        // (fluxcd/pkg kustomize/kustomize_generator.go, scanManifests, walks it)
        for (const object of objects.controlPlane) add(fluxControlPlanePath(plan.cluster.name, resIdOf(object)), object);
        add(`${fluxClusterDir(plan.cluster.name)}/kustomization.yaml`, kustomization(objects.root.map((o) => manifestFileName(resIdOf(o)))));
      }
    }
  }
  return files;
}
