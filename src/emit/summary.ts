import type { X509Certificate } from 'node:crypto';
import { compareText } from '../diagnostics/diagnostic.js';
import type { MeshModel } from '../model/mesh-model.js';
import type { MeshPlan } from '../plan/mesh-plan.js';
import { releaseVersion } from '../plan/chart-releases.js';
import type { ClusterCaMaterial } from '../pki/plan.js';
import { manifestOfPath } from '../resource/out-layout.js';
import { parseCertificate } from '../pki/x509.js';

// The review summary of `meshgen build --summary`: what a change means, for a pull request
// comment, computed from facts, not from text diffs. Every build records its facts in
// out/.meshgen-manifest.json beside the file list (`review`): per cluster the Helm releases
// with chart version, revision and tags, the trust bundle's and the intermediate's SHA-256,
// and the phases of a rotation or upgrade. The summary compares the facts and file list of
// the manifest on disk (the base) with those of this build. Nothing private is in the facts.

export interface ReleaseFact {
  release: string;
  chart: string;
  version: string;
  revision?: string;
  tags?: string[];
}

export interface ClusterFacts {
  releases: ReleaseFact[];
  /** SHA-256 of each certificate of the trust bundle (cacerts root-cert.pem), in order */
  trustBundle?: string[];
  /** SHA-256 of the intermediate istiod signs with */
  intermediate?: string;
}

export interface ReviewFacts {
  clusters: Record<string, ClusterFacts>;
  rotation?: string;
  upgrade?: string;
  /** with `upgrade`: the control planes it goes from and to, read back by plan/upgrade-transition.ts */
  upgradeRevisions?: { from: { version: string; revision: string }; to: { version: string; revision: string } };
}

/** A manifest's contents: the files meshgen wrote, and the facts of that build. */
export interface ManifestRecord {
  files: string[];
  review?: ReviewFacts;
}

export function reviewFacts(mesh: MeshModel, plan: MeshPlan, caMaterial: ReadonlyMap<string, ClusterCaMaterial>): ReviewFacts {
  const clusters: Record<string, ClusterFacts> = {};
  for (const p of plan.clusters) {
    const material = caMaterial.get(p.cluster.name);
    clusters[p.cluster.name] = {
      releases: p.releases.map((r) => ({
        release: r.release,
        chart: r.chart,
        version: releaseVersion(mesh, r),
        ...(revisionOf(mesh, r.chart, r.upgrade?.revision) ? { revision: revisionOf(mesh, r.chart, r.upgrade?.revision) } : {}),
        ...(r.upgrade?.revisionTags?.length ? { tags: [...r.upgrade.revisionTags] } : {}),
      })),
      ...(material ? { trustBundle: certificatesOf(material.rootCertPem).map((c) => c.fingerprint256), intermediate: parseCertificate(material.caCertPem).fingerprint256 } : {}),
    };
  }
  return { clusters, ...(plan.rotation ? { rotation: plan.rotation.phase } : {}), ...(plan.upgrade ? { upgrade: plan.upgrade.phase, upgradeRevisions: { from: { ...plan.upgrade.from }, to: { ...plan.upgrade.to } } } : {}) };
}

function revisionOf(mesh: MeshModel, chart: string, upgradeRevision: string | undefined): string | undefined {
  if (chart === 'base') return undefined;
  return upgradeRevision ?? (mesh.istio.revision || undefined);
}

function certificatesOf(bundle: string): X509Certificate[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? []).map((pem) => parseCertificate(pem));
}

/** The manifest's facts, read defensively: a manifest of an older meshgen has none. */
export function parseReview(value: unknown): ReviewFacts | undefined {
  if (!value || typeof value !== 'object' || typeof (value as { clusters?: unknown }).clusters !== 'object') return undefined;
  return value as ReviewFacts;
}

const short = (sha: string | undefined) => (sha ? `\`${sha.replace(/:/g, '').slice(0, 16).toLowerCase()}\`` : '–');

/** The Markdown summary of going from `base` (the manifest on disk, if any) to `next` (this build). */
export function reviewSummary(base: ManifestRecord | undefined, next: Required<ManifestRecord>, plan: MeshPlan, meshName: string): string {
  const before = base?.review;
  const after = next.review;
  const lines: string[] = [`## meshgen: mesh \`${meshName}\``, ''];
  if (!base) lines.push('_No earlier build in the output directory: everything below is new._', '');
  else if (!before) lines.push('_The earlier build recorded no facts (an older meshgen): releases, trust bundles and phases are listed as new._', '');

  const beforeClusters = Object.keys(before?.clusters ?? {}).length ? Object.keys(before!.clusters) : clustersOfFiles(base?.files ?? []);
  const afterClusters = Object.keys(after.clusters);
  const added = afterClusters.filter((c) => !beforeClusters.includes(c)).sort(compareText);
  const removed = beforeClusters.filter((c) => !afterClusters.includes(c)).sort(compareText);
  lines.push(`- clusters added: ${list(added)}`, `- clusters removed: ${list(removed)}`);
  lines.push(`- root rotation: ${phaseChange(before?.rotation, after.rotation)}`, `- control-plane upgrade: ${phaseChange(before?.upgrade, after.upgrade)}`);

  for (const cluster of [...new Set([...afterClusters, ...removed])].sort(compareText)) {
    const section = clusterLines(cluster, base?.files ?? [], next.files, before?.clusters[cluster], after.clusters[cluster]);
    if (section.length) lines.push('', `### ${cluster}${added.includes(cluster) ? ' (added)' : removed.includes(cluster) ? ' (removed)' : ''}`, '', ...section);
  }

  lines.push('', '### Next', '', ...nextSteps(plan));
  return lines.join('\n') + '\n';
}

function clusterLines(cluster: string, beforeFiles: string[], afterFiles: string[], before: ClusterFacts | undefined, after: ClusterFacts | undefined): string[] {
  const lines: string[] = [];
  const secrets = (files: string[]) => files.filter((f) => f.startsWith(`${cluster}/secrets/istio-remote-secret-`)).map((f) => f.slice(`${cluster}/secrets/`.length, -'.yaml'.length));
  const [secretsAdded, secretsRemoved] = setDiff(secrets(beforeFiles), secrets(afterFiles));
  if (secretsAdded.length || secretsRemoved.length) lines.push(`- remote secrets: added ${list(secretsAdded)}; removed ${list(secretsRemoved)}`);

  const bundle = (b?: string[]) => (b?.length ? b.map(short).join(' + ') : '–');
  if (JSON.stringify(before?.trustBundle ?? []) !== JSON.stringify(after?.trustBundle ?? [])) lines.push(`- trust bundle: ${bundle(before?.trustBundle)} → ${bundle(after?.trustBundle)}`);
  if ((before?.intermediate ?? '') !== (after?.intermediate ?? '')) lines.push(`- intermediate: ${short(before?.intermediate)} → ${short(after?.intermediate)}`);

  const describe = (r: ReleaseFact) => `${r.chart} ${r.version}${r.revision ? `, revision ${r.revision}` : ''}${r.tags?.length ? `, tags ${r.tags.join(', ')}` : ''}`;
  const beforeReleases = new Map((before?.releases ?? []).map((r) => [r.release, r]));
  const afterReleases = new Map((after?.releases ?? []).map((r) => [r.release, r]));
  for (const name of [...new Set([...beforeReleases.keys(), ...afterReleases.keys()])].sort(compareText)) {
    const b = beforeReleases.get(name);
    const a = afterReleases.get(name);
    if (!b && a) lines.push(`- release \`${name}\` added: ${describe(a)}`);
    else if (b && !a) lines.push(`- release \`${name}\` removed (was ${describe(b)})`);
    else if (a && b && describe(a) !== describe(b)) lines.push(`- release \`${name}\`: ${describe(b)} → ${describe(a)}`);
  }

  const kinds = (files: string[]) => files.map(manifestOfPath).filter((m) => m?.cluster === cluster).map((m) => `${m!.id.kind} ${m!.id.namespace ? `${m!.id.namespace}/` : ''}${m!.id.name}`);
  const [objectsAdded, objectsRemoved] = setDiff(kinds(beforeFiles), kinds(afterFiles));
  if (objectsAdded.length) lines.push(`- objects added: ${byKind(objectsAdded)}`);
  if (objectsRemoved.length) lines.push(`- objects removed: ${byKind(objectsRemoved)}`);
  return lines;
}

function nextSteps(plan: MeshPlan): string[] {
  const steps: string[] = [];
  const rotation = plan.rotation;
  if (rotation) {
    steps.push(
      `- root rotation, phase ${rotation.phase}: apply, then check every cluster as out/README.md ("Root rotation") says before ${rotation.next ? `moving to ${rotation.next}` : 'finishing the rotation'}.`,
    );
  }
  const upgrade = plan.upgrade;
  if (upgrade) {
    steps.push(`- upgrade to ${upgrade.to.version}, phase ${upgrade.phase}: apply primaries first, then remotes; check as out/README.md ("Control-plane upgrade") says before ${upgrade.next ? `moving to ${upgrade.next}` : 'the next upgrade'}.`);
  }
  if (!steps.length) steps.push('- apply as out/README.md describes; no phased change is in progress.');
  return steps;
}

function clustersOfFiles(files: string[]): string[] {
  return [...new Set(files.filter((f) => /^[^/]+\/kustomization\.yaml$/.test(f)).map((f) => f.split('/')[0]))];
}

function setDiff(before: string[], after: string[]): [string[], string[]] {
  const b = new Set(before);
  const a = new Set(after);
  return [after.filter((x) => !b.has(x)).sort(compareText), before.filter((x) => !a.has(x)).sort(compareText)];
}

/** "Namespace shop, VirtualService istio-system/istiod-vs-1-30-3", grouped: "Namespace (2): a, b" */
function byKind(objects: string[]): string {
  const groups = new Map<string, string[]>();
  for (const o of objects) {
    const [kind, name] = o.split(' ');
    groups.set(kind, [...(groups.get(kind) ?? []), name]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([kind, names]) => `${kind} (${names.length}): ${names.map((n) => `\`${n}\``).join(', ')}`)
    .join('; ');
}

function list(items: string[]): string {
  return items.length ? items.map((i) => `\`${i}\``).join(', ') : '–';
}

function phaseChange(before: string | undefined, after: string | undefined): string {
  if (before === after) return after ? `${after} (unchanged)` : '–';
  return `${before ?? 'none'} → ${after ?? 'none (done)'}`;
}
