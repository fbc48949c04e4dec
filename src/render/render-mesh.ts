import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/codes.js';
import { describeResId, manifestFileName, resIdOf, type KubeObject } from '../resource/kube-object.js';
import { yamlFile } from '../resource/canonical-yaml.js';
import { addFile, type OutputSet } from '../resource/output-files.js';
import type { MeshModel } from '../model/mesh-model.js';
import { planCluster, type ClusterPlan } from '../plan/cluster-plan.js';
import { synthesizeCluster } from './cluster/cluster-chart.js';
import { crossNetworkGateway } from './helm/gateway-values.js';
import { chartReleases, valuesFilePath } from '../plan/chart-releases.js';
import { istioSystemNamespace } from './cluster/istio-system-namespace.js';
import { istiodGateway, istiodVirtualService } from './cluster/istiod-exposure.js';
import { kustomization } from './cluster/kustomization.js';
import { meshReadme } from './docs/readme.js';
import { outGitignore } from './secrets/gitignore.js';
import { isComplete, readerTokenSecret, readersOf, remoteSecret, remoteSecretName } from './secrets/remote-secret.js';
import type { ClusterCredentials } from '../credentials/read-credentials.js';
import type { ClusterCaMaterial } from '../pki/index.js';
import { caMaterialFiles } from './secrets/ca-material.js';
import { appNamespaces } from './cluster/app-namespaces.js';
import { sharedServices } from './cluster/shared-services.js';
import { trafficPolicies } from './cluster/traffic-policy.js';
import { verificationWorkloads } from './cluster/verification-workloads.js';
import { verifyScript } from './docs/verify-script.js';
import { legacyGlobalObjects } from './legacy-global/service-entries.js';
import { clusterDnsObjects } from './legacy-global/cluster-dns.js';
import { ISTIO_OPERATOR_FILE, istioOperator } from './legacy-global/istio-operator.js';
import { gitopsFiles } from './gitops/gitops-files.js';

export interface RenderInput {
  mesh: MeshModel;
  /** the mesh file as written into headers: relative to out/'s parent, POSIX separators */
  sourceLabel: string;
  /** API server credentials of the clusters others read; missing ones leave their remote secrets unrendered */
  credentials?: ReadonlyMap<string, ClusterCredentials>;
  /** CA material of the clusters that run istiod */
  caMaterial?: ReadonlyMap<string, ClusterCaMaterial>;
}

export interface RenderedMesh {
  files: OutputSet;
  plans: ClusterPlan[];
  diagnostics: Diagnostic[];
  remoteSecrets: { rendered: number; notRendered: number };
}

/** Pure: the whole out/ tree as a map from path to content. Touches no disk. */
export function renderMesh({ mesh, sourceLabel, credentials = new Map(), caMaterial = new Map() }: RenderInput): RenderedMesh {
  const files: OutputSet = new Map();
  const diagnostics: Diagnostic[] = [];
  const plans = mesh.clusters.map((cluster) => planCluster(mesh, cluster));
  const remoteSecrets = { rendered: 0, notRendered: 0 };

  for (const plan of plans) {
    const name = plan.cluster.name;
    // once before synthesis (construct ids must be unique), once after (a workload may collide with an object)
    const objects = rejectDuplicates(clusterObjects(mesh, plan), name, diagnostics);
    const manifestPaths: string[] = [];
    for (const object of rejectDuplicates(synthesizeCluster(name, objects, verificationWorkloads(mesh, plan.cluster)), name, diagnostics)) {
      const path = `manifests/${manifestFileName(resIdOf(object))}`;
      manifestPaths.push(path);
      addFile(files, { path: `${name}/${path}`, content: yamlFile(sourceLabel, object), private: false });
    }
    for (const { release, values } of chartReleases(mesh, plan)) {
      addFile(files, { path: valuesFilePath(name, release), content: yamlFile(sourceLabel, values), private: false });
    }
    // legacy .global on Istio 1.6-1.7: installed with istioctl, not Helm
    if (plan.legacy?.istioOperator) addFile(files, { path: `${name}/${ISTIO_OPERATOR_FILE}`, content: yamlFile(sourceLabel, istioOperator(mesh, plan)), private: false });
    addFile(files, { path: `${name}/kustomization.yaml`, content: yamlFile(sourceLabel, kustomization(manifestPaths)), private: false });
    const material = caMaterial.get(name);
    if (material) for (const file of caMaterialFiles(mesh, name, material, sourceLabel)) addFile(files, file);
  }

  // Remote secrets are private: their paths depend only on mesh.yaml, their content on
  // credentials that may not exist yet. A missing one is listed but not written.
  if (mesh.secretsMode === 'plain') {
    for (const cluster of mesh.clusters) {
      const given = credentials.get(cluster.name);
      for (const reader of readersOf(mesh, cluster)) {
        const content = isComplete(given) ? yamlFile(sourceLabel, remoteSecret(cluster.name, given)) : undefined;
        remoteSecrets[content === undefined ? 'notRendered' : 'rendered']++;
        addFile(files, { path: `${reader.name}/secrets/${remoteSecretName(cluster.name)}.yaml`, content, private: true });
      }
    }
  }

  for (const file of gitopsFiles(mesh, plans, sourceLabel)) addFile(files, file);

  const rootCertPem = [...caMaterial.values()][0]?.rootCertPem;
  addFile(files, { path: 'README.md', content: meshReadme(mesh, plans, sourceLabel, rootCertPem), private: false });
  addFile(files, { path: '.gitignore', content: outGitignore(mesh), private: false });
  if (mesh.verification) addFile(files, { path: 'verify.sh', content: verifyScript(mesh, sourceLabel), private: false, executable: true });
  return { files, plans, diagnostics, remoteSecrets };
}

function clusterObjects(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  const objects = [istioSystemNamespace(plan)];
  if (readersOf(mesh, plan.cluster).length) objects.push(readerTokenSecret());
  if (plan.crossNetworkGateway) objects.push(crossNetworkGateway());
  if (plan.exposeIstiod) objects.push(istiodGateway(), istiodVirtualService(mesh));
  objects.push(...appNamespaces(mesh, plan.cluster), ...sharedServices(mesh, plan.cluster), ...trafficPolicies(mesh, plan.cluster));
  if (plan.legacy) objects.push(...legacyGlobalObjects(mesh, plan), ...clusterDnsObjects(plan.legacy));
  return objects;
}

/** Two objects with one ResId would overwrite each other: an error, never a silent loss. */
function rejectDuplicates(objects: KubeObject[], cluster: string, diagnostics: Diagnostic[]): KubeObject[] {
  const seen = new Set<string>();
  return objects.filter((object) => {
    const file = manifestFileName(resIdOf(object));
    if (!seen.has(file)) {
      seen.add(file);
      return true;
    }
    diagnostics.push(error(Codes.OutputCollision, `cluster "${cluster}" would get ${describeResId(resIdOf(object))} twice`, { hint: 'two parts of mesh.yaml produce the same object; rename one of them' }));
    return false;
  });
}
