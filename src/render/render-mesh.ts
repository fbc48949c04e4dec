import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { describeResId, resIdOf, type KubeObject } from '../resource/kube-object.js';
import { yamlFile } from '../resource/canonical-yaml.js';
import { addFile, type OutputSet } from '../resource/output-files.js';
import { certPath, clusterKustomizationPath, GITIGNORE_PATH, istioControlPlanePath, istioOperatorPath, manifestInCluster, README_PATH, valuesFilePath, VERIFY_SCRIPT_PATH } from '../resource/out-layout.js';
import type { MeshModel } from '../model/mesh-model.js';
import type { ClusterPlan } from '../plan/cluster-plan.js';
import type { MeshPlan } from '../plan/mesh-plan.js';
import { istiodRevisions, type UpgradePlan } from '../plan/upgrade-plan.js';
import type { ClusterCredentials } from '../credentials/read-credentials.js';
import type { ClusterCaMaterial } from '../pki/index.js';
import { synthesizeCluster } from './cluster/cluster-chart.js';
import { istioSystemNamespace } from './cluster/istio-system-namespace.js';
import { readerTokenSecret } from './cluster/reader-token-secret.js';
import { crossNetworkGateway } from './cluster/cross-network-gateway.js';
import { istiodGateway, istiodVirtualService } from './cluster/istiod-exposure.js';
import { appNamespaces } from './cluster/app-namespaces.js';
import { ingressObjects } from './cluster/ingress-gateway.js';
import { dnsServices } from './cluster/dns-services.js';
import { trafficPolicies } from './cluster/traffic-policy.js';
import { verificationWorkloads } from './cluster/verification-workloads.js';
import { kustomization } from './cluster/kustomization.js';
import { ambientEastWestGateways } from './ambient/east-west-gateway.js';
import { chartValues } from './helm/chart-values.js';
import { legacyGlobalObjects } from './legacy-global/service-entries.js';
import { clusterDnsObjects } from './legacy-global/cluster-dns.js';
import { istioOperator } from './legacy-global/istio-operator.js';
import { istioControlPlane } from './legacy-global/istio-control-plane.js';
import { currentIstioOperator } from './istioctl/istio-operator.js';
import { caMaterialFiles } from './secrets/ca-material.js';
import type { PendingEncryption } from './secrets/encrypt-secrets.js';
import { fingerprintKey } from './secrets/fingerprint.js';
import { isEncrypted } from '../plan/secret-delivery.js';
import { encryptedPathsInKustomization } from './secrets/kustomization-entries.js';
import { isComplete, remoteSecret } from './secrets/remote-secret.js';
import { outGitignore } from './secrets/gitignore.js';
import { byReferenceObjects } from './secrets/by-reference.js';
import { gitopsFiles } from './gitops/gitops-files.js';
import { meshReadme } from './docs/readme.js';
import type { RotationRoots } from './docs/rotation-section.js';
import { posix } from 'node:path';
import type { ExtraObject } from '../load/extra-manifests.js';
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
  /** the root every intermediate chains to, when there is no CA material (pki.provider cert-manager) */
  trustRootPem?: string;
  /** spec.pki.rotation: root A and root B, for out/README.md */
  rotationRoots?: RotationRoots;
  /** clusters[].extraManifests as the load stage read them, by cluster */
  extraManifests?: ReadonlyMap<string, readonly ExtraObject[]>;
  /**
   * false (build --check): private files (remote secrets, cacerts Secrets) are listed without
   * content, as --check never compares them; rendering them would be work thrown away
   */
  renderPrivate?: boolean;
  /** told after each cluster is rendered (for a progress line) */
  onCluster?: (done: number, total: number) => void;
  /** the fingerprint key of encrypted files whose cluster has no CA key at hand (pki.provider cert-manager: pki/fingerprint-key.ts) */
  fingerprintKeyFile?: Buffer;
}

export interface RenderedMesh {
  files: OutputSet;
  /** private Secrets to encrypt (secrets.mode sops, sealed-secrets): secrets/encrypt-secrets.ts finishes them */
  pending: PendingEncryption[];
  diagnostics: Diagnostic[];
  remoteSecrets: { rendered: number; notRendered: number };
}

export function renderMesh({ mesh, plan: meshPlan, sourceLabel, credentials = new Map(), caMaterial = new Map(), trustRootPem, rotationRoots, extraManifests = new Map(), renderPrivate = true, onCluster, fingerprintKeyFile }: RenderInput): RenderedMesh {
  const files: OutputSet = new Map();
  const diagnostics: Diagnostic[] = [];
  const pending: PendingEncryption[] = [];
  // One string per distinct text: many files are byte-identical across clusters (in the legacy
  // .global model a service's ServiceEntry is the same in every cluster but the one serving it:
  // 100 clusters x 1000 services is 101k files of about 2.3k distinct texts), and the result
  // holds every file of every cluster until emit has written them.
  const texts = new Map<string, string>();
  const shared = (text: string): string => {
    const known = texts.get(text);
    if (known !== undefined) return known;
    texts.set(text, text);
    return text;
  };
  const add = (path: string, value: unknown) => addFile(files, { path, content: shared(yamlFile(sourceLabel, value)), private: false });

  let clustersDone = 0;
  for (const plan of meshPlan.clusters) {
    const name = plan.cluster.name;
    // once before synthesis (construct ids must be unique), once after (a workload may collide with an object)
    const objects = rejectDuplicates(clusterObjects(mesh, plan, meshPlan.upgrade), name, diagnostics);
    const manifests: string[] = [];
    const synthesized = synthesizeCluster(name, objects, verificationWorkloads(plan)).map((o) => atIstioVersion(o, meshPlan.networkingApiVersion));
    for (const object of rejectDuplicates(synthesized, name, diagnostics)) {
      const inCluster = manifestInCluster(resIdOf(object));
      manifests.push(inCluster);
      add(`${name}/${inCluster}`, object);
    }
    const extraDir = plan.escapeHatches.extraManifests;
    if (extraDir !== undefined) {
      for (const extra of extraManifests.get(name) ?? []) {
        const inCluster = extraManifest(name, extra, new Set(manifests), diagnostics);
        if (!inCluster) continue;
        manifests.push(inCluster);
        // its header names the user's file, relative to out/'s parent like the mesh file
        addFile(files, { path: `${name}/${inCluster}`, content: yamlFile(posix.join(posix.dirname(sourceLabel), extraDir, extra.relativePath), extra.object), private: false });
      }
    }
    for (const release of plan.releases) add(valuesFilePath(name, release.release), chartValues(mesh, meshPlan, plan, release));
    if (plan.legacy?.installKind === 'IstioControlPlane') add(istioControlPlanePath(name), istioControlPlane(mesh, plan));
    else if (plan.legacy?.istioOperator) add(istioOperatorPath(name), istioOperator(mesh, plan));
    else if (plan.installer === 'istioctl') add(istioOperatorPath(name), currentIstioOperator(mesh, plan, meshPlan.clusterLocalHosts));
    add(clusterKustomizationPath(name), kustomization([...manifests, ...encryptedPathsInKustomization(meshPlan, plan)]));
    const material = caMaterial.get(name);
    if (material) {
      const ca = caMaterialFiles(plan, material, sourceLabel);
      // build --check lists a plain private file without its content (it never compares them)
      for (const file of ca.files) addFile(files, renderPrivate || !file.private ? file : { ...file, content: undefined });
      pending.push(...ca.pending);
    }
    if (plan.cacerts === 'cert-manager' && trustRootPem) addFile(files, { path: certPath(name, 'root-cert.pem'), content: trustRootPem, private: false });
    onCluster?.(++clustersDone, meshPlan.clusters.length);
  }

  // Remote secrets are private: their paths depend only on mesh.yaml, their content on
  // credentials that may not exist yet. A missing one is listed but not written.
  // Every reader of a cluster gets the same Secret (name and content depend on the cluster
  // read, only the path on the reader): each is rendered once, not once per reader.
  const remoteSecrets = { rendered: 0, notRendered: 0 };
  const renderedSecrets = new Map<string, string>();
  const planOf = new Map(meshPlan.clusters.map((p) => [p.cluster.name, p]));
  for (const secret of meshPlan.remoteSecrets) {
    const given = credentials.get(secret.read.name);
    const complete = isComplete(given);
    remoteSecrets[complete ? 'rendered' : 'notRendered']++;
    const encryption = planOf.get(secret.reader.name)?.encryption;
    if (isEncrypted(meshPlan.remoteSecretDelivery) && encryption) {
      // the fingerprints of a reader's files are keyed with the reader's CA key, or without
      // one (pki.provider cert-manager) with the key in pki/fingerprint.key
      const caKeyPem = caMaterial.get(secret.reader.name)?.caKeyPem;
      pending.push({
        path: secret.path,
        cluster: secret.reader.name,
        name: secret.name,
        // build --check without any fingerprint key could only encrypt anew, which never compares
        // equal: it checks that the file is there, as without the token
        secret: isComplete(given) && (renderPrivate || caKeyPem !== undefined || fingerprintKeyFile !== undefined) ? remoteSecret(secret, given) : undefined,
        encryption,
        fingerprintKey: caKeyPem === undefined ? fingerprintKeyFile : fingerprintKey(caKeyPem),
      });
      continue;
    }
    let content: string | undefined;
    if (complete && renderPrivate) {
      const key = `${secret.read.name}\0${secret.name}`;
      content = renderedSecrets.get(key);
      if (content === undefined) renderedSecrets.set(key, (content = yamlFile(sourceLabel, remoteSecret(secret, given))));
    }
    addFile(files, { path: secret.path, content, private: true });
  }

  for (const file of gitopsFiles(mesh, meshPlan, sourceLabel)) addFile(files, file);

  const rootCertPem = [...caMaterial.values()][0]?.rootCertPem ?? trustRootPem;
  addFile(files, { path: README_PATH, content: meshReadme(mesh, meshPlan, sourceLabel, rootCertPem, { material: caMaterial, rotationRoots }), private: false });
  addFile(files, { path: GITIGNORE_PATH, content: outGitignore(mesh), private: false });
  if (mesh.verification) addFile(files, { path: VERIFY_SCRIPT_PATH, content: verifyScript(mesh, sourceLabel), private: false, executable: true });
  return { files, pending, diagnostics, remoteSecrets };
}

/**
 * Istio's networking config is built from the networking.istio.io/v1 types (src/imports/); a
 * release before 1.22 serves the same schema as v1beta1 (1.4-1.7: v1alpha3), as the plan says.
 */
function atIstioVersion(object: KubeObject, apiVersion: string): KubeObject {
  return object.apiVersion === 'networking.istio.io/v1' && apiVersion !== object.apiVersion ? { ...object, apiVersion } : object;
}

/** One cluster's objects, in the order the plan lists its parts. */
export function clusterObjects(mesh: MeshModel, plan: ClusterPlan, upgrade?: UpgradePlan): KubeObject[] {
  // spec.istio.upgrade: a route through the east-west gateway for each istiod revision running
  const istiodRoutes = upgrade ? istiodRevisions(upgrade).map((rev) => istiodVirtualService(mesh, rev, { bySni: true })) : [istiodVirtualService(mesh)];
  return [
    istioSystemNamespace(plan),
    ...(plan.readerTokenSecret ? [readerTokenSecret()] : []),
    ...byReferenceObjects(mesh, plan),
    ...(plan.crossNetworkGateway ? [crossNetworkGateway()] : []),
    ...(plan.exposeIstiod ? [istiodGateway(), ...istiodRoutes] : []),
    ...ambientEastWestGateways(mesh, plan),
    ...appNamespaces(mesh, plan, upgrade),
    ...ingressObjects(mesh, plan),
    ...dnsServices(plan),
    ...trafficPolicies(plan),
    ...(plan.legacy ? [...legacyGlobalObjects(mesh, plan), ...clusterDnsObjects(plan.legacy)] : []),
  ];
}

/** Where one of the user's objects goes in the cluster, or undefined when meshgen renders that object itself. */
function extraManifest(cluster: string, extra: ExtraObject, taken: ReadonlySet<string>, diagnostics: Diagnostic[]): string | undefined {
  const id = resIdOf(extra.object);
  const inCluster = manifestInCluster(id);
  if (!taken.has(inCluster)) return inCluster;
  diagnostics.push(
    error(Codes.ExtraManifestCollision, `meshgen renders ${describeResId(id)} for cluster "${cluster}" itself`, {
      file: extra.file,
      position: extra.namePosition,
      hint: "remove it from extraManifests; change meshgen's object through mesh.yaml (or a Helm values overlay) instead",
    }),
  );
  return undefined;
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
