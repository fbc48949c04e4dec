import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { describeResId, resIdOf, type KubeObject } from '../resource/kube-object.js';
import { yamlFile } from '../resource/canonical-yaml.js';
import { addFile, type OutputSet } from '../resource/output-files.js';
import { clusterKustomizationPath, GITIGNORE_PATH, istioOperatorPath, manifestInCluster, README_PATH, valuesFilePath, VERIFY_SCRIPT_PATH } from '../resource/out-layout.js';
import type { MeshModel } from '../model/mesh-model.js';
import type { ClusterPlan } from '../plan/cluster-plan.js';
import type { MeshPlan } from '../plan/mesh-plan.js';
import type { ClusterCredentials } from '../credentials/read-credentials.js';
import type { ClusterCaMaterial } from '../pki/index.js';
import { synthesizeCluster } from './cluster/cluster-chart.js';
import { istioSystemNamespace } from './cluster/istio-system-namespace.js';
import { readerTokenSecret } from './cluster/reader-token-secret.js';
import { crossNetworkGateway } from './cluster/cross-network-gateway.js';
import { istiodGateway, istiodVirtualService } from './cluster/istiod-exposure.js';
import { appNamespaces } from './cluster/app-namespaces.js';
import { dnsServices } from './cluster/dns-services.js';
import { trafficPolicies } from './cluster/traffic-policy.js';
import { verificationWorkloads } from './cluster/verification-workloads.js';
import { kustomization } from './cluster/kustomization.js';
import { chartValues } from './helm/chart-values.js';
import { legacyGlobalObjects } from './legacy-global/service-entries.js';
import { clusterDnsObjects } from './legacy-global/cluster-dns.js';
import { istioOperator } from './legacy-global/istio-operator.js';
import { caMaterialFiles } from './secrets/ca-material.js';
import type { PendingEncryption } from './secrets/encrypt-secrets.js';
import { fingerprintKey } from './secrets/fingerprint.js';
import { isEncrypted } from '../plan/secret-delivery.js';
import { encryptedPathsInKustomization } from './secrets/kustomization-entries.js';
import { isComplete, remoteSecret } from './secrets/remote-secret.js';
import { outGitignore } from './secrets/gitignore.js';
import { gitopsFiles } from './gitops/gitops-files.js';
import { meshReadme } from './docs/readme.js';
import { verifyScript } from './docs/verify-script.js';

// The render stage: the plan turned into files. Pure, like helm's engine: it returns the whole
// out/ tree as a map from path to content and touches no disk. It decides nothing the plan
// decided; it only says how each planned part looks.

export interface RenderInput {
  mesh: MeshModel;
  plan: MeshPlan;
  /** the mesh file as written into headers: relative to out/'s parent, POSIX separators */
  sourceLabel: string;
  /** API server credentials of the clusters others read; missing ones leave their remote secrets unrendered */
  credentials?: ReadonlyMap<string, ClusterCredentials>;
  /** CA material of the clusters that run istiod */
  caMaterial?: ReadonlyMap<string, ClusterCaMaterial>;
}

export interface RenderedMesh {
  files: OutputSet;
  /** private Secrets to encrypt (secrets.mode sops, sealed-secrets): secrets/encrypt-secrets.ts finishes them */
  pending: PendingEncryption[];
  diagnostics: Diagnostic[];
  remoteSecrets: { rendered: number; notRendered: number };
}

export function renderMesh({ mesh, plan: meshPlan, sourceLabel, credentials = new Map(), caMaterial = new Map() }: RenderInput): RenderedMesh {
  const files: OutputSet = new Map();
  const diagnostics: Diagnostic[] = [];
  const pending: PendingEncryption[] = [];
  const add = (path: string, value: unknown) => addFile(files, { path, content: yamlFile(sourceLabel, value), private: false });

  for (const plan of meshPlan.clusters) {
    const name = plan.cluster.name;
    // once before synthesis (construct ids must be unique), once after (a workload may collide with an object)
    const objects = rejectDuplicates(clusterObjects(mesh, plan), name, diagnostics);
    const manifests: string[] = [];
    for (const object of rejectDuplicates(synthesizeCluster(name, objects, verificationWorkloads(plan)), name, diagnostics)) {
      const inCluster = manifestInCluster(resIdOf(object));
      manifests.push(inCluster);
      add(`${name}/${inCluster}`, object);
    }
    for (const release of plan.releases) add(valuesFilePath(name, release.release), chartValues(mesh, meshPlan, plan, release));
    if (plan.legacy?.istioOperator) add(istioOperatorPath(name), istioOperator(mesh, plan));
    add(clusterKustomizationPath(name), kustomization([...manifests, ...encryptedPathsInKustomization(meshPlan, plan)]));
    const material = caMaterial.get(name);
    if (material) {
      const ca = caMaterialFiles(plan, material, sourceLabel);
      for (const file of ca.files) addFile(files, file);
      pending.push(...ca.pending);
    }
  }

  // Remote secrets are private: their paths depend only on mesh.yaml, their content on
  // credentials that may not exist yet. A missing one is listed but not written.
  const remoteSecrets = { rendered: 0, notRendered: 0 };
  for (const secret of meshPlan.remoteSecrets) {
    const given = credentials.get(secret.read.name);
    remoteSecrets[isComplete(given) ? 'rendered' : 'notRendered']++;
    const encryption = meshPlan.clusters.find((p) => p.cluster.name === secret.reader.name)?.encryption;
    if (isEncrypted(meshPlan.remoteSecretDelivery) && encryption) {
      // the fingerprints of a reader's files are keyed with the reader's CA key
      const caKeyPem = caMaterial.get(secret.reader.name)?.caKeyPem;
      pending.push({
        path: secret.path,
        cluster: secret.reader.name,
        name: secret.name,
        secret: isComplete(given) ? remoteSecret(secret, given) : undefined,
        encryption,
        fingerprintKey: caKeyPem === undefined ? undefined : fingerprintKey(caKeyPem),
      });
      continue;
    }
    const content = isComplete(given) ? yamlFile(sourceLabel, remoteSecret(secret, given)) : undefined;
    addFile(files, { path: secret.path, content, private: true });
  }

  for (const file of gitopsFiles(mesh, meshPlan, sourceLabel)) addFile(files, file);

  const rootCertPem = [...caMaterial.values()][0]?.rootCertPem;
  addFile(files, { path: README_PATH, content: meshReadme(mesh, meshPlan, sourceLabel, rootCertPem), private: false });
  addFile(files, { path: GITIGNORE_PATH, content: outGitignore(mesh), private: false });
  if (mesh.verification) addFile(files, { path: VERIFY_SCRIPT_PATH, content: verifyScript(mesh, sourceLabel), private: false, executable: true });
  return { files, pending, diagnostics, remoteSecrets };
}

/** One cluster's objects, in the order the plan lists its parts. */
function clusterObjects(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  return [
    istioSystemNamespace(plan),
    ...(plan.readerTokenSecret ? [readerTokenSecret()] : []),
    ...(plan.crossNetworkGateway ? [crossNetworkGateway()] : []),
    ...(plan.exposeIstiod ? [istiodGateway(), istiodVirtualService(mesh)] : []),
    ...appNamespaces(mesh, plan),
    ...dnsServices(plan),
    ...trafficPolicies(plan),
    ...(plan.legacy ? [...legacyGlobalObjects(mesh, plan), ...clusterDnsObjects(plan.legacy)] : []),
  ];
}

/** Two objects with one ResId would overwrite each other: an error, never a silent loss. */
function rejectDuplicates(objects: KubeObject[], cluster: string, diagnostics: Diagnostic[]): KubeObject[] {
  const seen = new Set<string>();
  return objects.filter((object) => {
    const id = describeResId(resIdOf(object));
    if (!seen.has(id)) {
      seen.add(id);
      return true;
    }
    diagnostics.push(error(Codes.OutputCollision, `cluster "${cluster}" would get ${id} twice`, { hint: 'two parts of mesh.yaml produce the same object; rename one of them' }));
    return false;
  });
}
