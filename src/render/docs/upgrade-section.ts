import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { helmChartArguments, releaseVersion, type ChartRelease } from '../../plan/chart-releases.js';
import { CANARY_TAG, newIstiodRelease, oldIstiodRelease, STABLE_TAG, type UpgradePhase } from '../../plan/upgrade-plan.js';
import { valuesFilePath } from '../../resource/out-layout.js';
import { contextOf } from './kube-context.js';

// The part of out/README.md about a canary control-plane upgrade in progress
// (spec.istio.upgrade): the phase, each cluster's releases with chart version, revision and
// tags, the order to apply them, the rollout restarts, and what to check before the next
// phase. It follows the upgrade plan; nothing is re-derived.

const WHAT: Record<UpgradePhase, string[]> = {
  canary: [
    'The new control plane is installed beside the current one in every cluster: `istio-base` at the',
    'new version first (its CRDs serve both), then the new istiod with its own revision. Nothing is',
    `injected by it yet: every namespace is labelled \`istio.io/rev=${STABLE_TAG}\`, a revision tag that points at the`,
    `current revision; \`${CANARY_TAG}\` points at the new one, for workloads you move by hand to try it.`,
  ],
  migrate: [
    'Namespaces move to the new revision. Where no list is given the tag moves, not the labels:',
    `\`${STABLE_TAG}\` now points at the new revision, and a restart moves each workload. With`,
    `\`istio.upgrade.namespaces\`, only those namespaces move, by their label (\`${CANARY_TAG}\`).`,
  ],
  finalize: [
    'The old control plane is removed; the new revision is the only one and the default revision',
    `(\`istio-base\`'s \`defaultRevision\`). Gateways take the new chart version.`,
  ],
};

export function upgradeSection(mesh: MeshModel, meshPlan: MeshPlan): string[] {
  const upgrade = meshPlan.upgrade;
  if (!upgrade) return [];
  const step = ['canary', 'migrate', 'finalize'].indexOf(upgrade.phase) + 1;
  const rev = (r: string) => (r ? `\`${r}\`` : 'default');
  const lines = [
    '',
    '## Control-plane upgrade',
    '',
    `Istio ${upgrade.from.version} (revision ${rev(upgrade.from.revision)}) → ${upgrade.to.version} (revision \`${upgrade.to.revision}\`): phase **${upgrade.phase}** (${step} of 3)${upgrade.next ? `; next: ${upgrade.next}` : '; the last phase'}.`,
    '',
    ...WHAT[upgrade.phase],
    '',
    `| tag | points at |`,
    '|---|---|',
    `| \`${STABLE_TAG}\` | ${upgrade.stableOn === 'old' ? `${rev(upgrade.from.revision)} (${upgrade.from.version})` : `\`${upgrade.to.revision}\` (${upgrade.to.version})`} |`,
    `| \`${CANARY_TAG}\` | \`${upgrade.to.revision}\` (${upgrade.to.version}) |`,
    '',
    '| cluster | release | chart | version | revision | tags |',
    '|---|---|---|---|---|---|',
  ];
  for (const plan of meshPlan.installOrder) {
    for (const r of plan.releases) {
      lines.push(`| ${plan.cluster.name} | ${r.release} | ${r.chart} | ${releaseVersion(mesh, r)} | ${r.upgrade?.revision ?? (r.chart === 'base' ? `defaultRevision ${r.upgrade?.defaultRevision ?? '(none)'}` : '–')} | ${r.upgrade?.revisionTags?.join(', ') || '–'} |`);
    }
  }
  lines.push(
    '',
    '### Apply',
    '',
    'Primaries first, then their remotes: a remote\'s webhooks and sidecars use its primary\'s istiod,',
    'so a revision must run on the primary before a remote\'s webhook or tag points at it',
    '(<https://istio.io/latest/docs/setup/install/multicluster/primary-remote/>). Remote secrets do not',
    'change: every istiod revision reads the same `istio-remote-secret-*` Secrets.',
    '',
    '```sh',
  );
  const helm = (plan: MeshPlan['installOrder'][number], release: ChartRelease) =>
    `helm upgrade --install ${release.release} ${helmChartArguments(mesh, release.chart)} --version ${releaseVersion(mesh, release)} --kube-context ${contextOf(plan.cluster)} -n ${ISTIO_NAMESPACE} -f ${valuesFilePath(plan.cluster.name, release.release)}${release.chart === 'istiod' ? ' --wait' : ''}`;
  for (const plan of meshPlan.installOrder) {
    // a tag moves from the old release to the new one: the old release lets go of it first
    // (Helm refuses an object another release owns), then the new one takes it
    for (const release of plan.releases) lines.push(helm(plan, release));
    if (upgrade.phase === 'finalize') lines.push(`helm uninstall ${oldIstiodRelease(upgrade)} --kube-context ${contextOf(plan.cluster)} -n ${ISTIO_NAMESPACE}`);
    lines.push(`kubectl --context ${contextOf(plan.cluster)} apply -k ${plan.cluster.name}`);
  }
  lines.push('```');
  if (upgrade.phase === 'migrate') {
    lines.push(
      '',
      `Between the old release letting go of \`${STABLE_TAG}\` and the new one taking it (the two commands above, seconds apart), a pod`,
      'created in a namespace on that tag is not injected: run them together, at a quiet time.',
    );
  }
  const moved = upgrade.phase === 'canary' ? [] : upgrade.canaryNamespaces.length ? upgrade.canaryNamespaces : undefined;
  if (upgrade.phase !== 'canary') {
    lines.push('', '### Rollout restarts', '', 'A workload changes revision only when its pods restart:', '', '```sh');
    for (const plan of meshPlan.installOrder) {
      const namespaces = plan.namespaces.filter((n) => n.injection === 'sidecar' && (moved === undefined || moved.includes(n.name)));
      for (const n of namespaces) lines.push(`kubectl --context ${contextOf(plan.cluster)} rollout restart deployment -n ${n.name}`);
      if (moved === undefined) {
        for (const g of plan.releases.filter((r) => r.chart === 'gateway')) lines.push(`kubectl --context ${contextOf(plan.cluster)} rollout restart deployment/${g.release} -n ${ISTIO_NAMESPACE}`);
      }
    }
    lines.push('```');
  }
  lines.push('', '### Check each cluster before the next phase', '', '```sh');
  for (const plan of meshPlan.installOrder) {
    const ctx = contextOf(plan.cluster);
    if (plan.cluster.role === 'primary') lines.push(`kubectl --context ${ctx} -n ${ISTIO_NAMESPACE} get pods -l app=istiod -L istio.io/rev`);
    lines.push(`istioctl --context ${ctx} tag list`, `istioctl --context ${ctx} proxy-status`);
  }
  lines.push(
    '```',
    '',
    upgrade.phase === 'canary'
      ? `Every istiod is ready, \`istioctl tag list\` shows ${STABLE_TAG} → ${upgrade.from.revision || 'default'} and ${CANARY_TAG} → ${upgrade.to.revision}, and a test workload in a namespace labelled \`istio.io/rev=${CANARY_TAG}\` gets a ${upgrade.to.version} proxy that reaches services in every cluster.`
      : upgrade.phase === 'migrate'
        ? `\`istioctl proxy-status\` lists every moved workload on ${newIstiodRelease(upgrade)}, at version ${upgrade.to.version}, and traffic between clusters flows.`
        : `Only ${newIstiodRelease(upgrade)} runs; no proxy is connected to the old revision.`,
  );
  if (upgrade.phase === 'finalize') {
    lines.push(
      '',
      `When every cluster checks out, end the upgrade in one pull request: set \`istio.version: "${upgrade.to.version}"\` and`,
      `\`istio.revision: ${upgrade.to.revision}\`, and remove \`spec.istio.upgrade\`. The control plane stays the Helm release`,
      `\`${newIstiodRelease(upgrade)}\`; namespaces and gateways move from the \`${STABLE_TAG}\` tag to the revision's own label. The next`,
      'upgrade starts from there, with a new `spec.istio.upgrade` at `canary` (that step may also be',
      'taken at once from `finalize`).',
    );
  } else {
    lines.push('', `Then set \`spec.istio.upgrade.phase: ${upgrade.next}\`, build, and review the pull request.`);
  }
  lines.push(
    '',
    `A phase may go back one step to roll back (${upgrade.phase === 'canary' ? 'from `canary`: remove `spec.istio.upgrade`' : `to \`${upgrade.previous}\``}), never skip one:`,
    'meshgen compares the phase with the one `.meshgen-manifest.json` records from the last build, and',
    'refuses a change that skips a step, or that changes `istio.version`, `istio.revision` or the',
    'upgrade\'s `version` or `revision` before the upgrade is over.',
  );
  return lines;
}
