import type { MeshModel } from '../model/mesh-model.js';
import { UPGRADE_PHASES, type ControlPlane, type UpgradePhase } from './upgrade-plan.js';

// SPEC section 6: "meshgen refuses a phase change that would skip a step". A root rotation reads
// its state from spec.pki.dir (which root signs each intermediate); a canary upgrade has no such
// state offline but what the last build recorded in out/.meshgen-manifest.json (review facts:
// the phase, and the control planes it went from and to). This compares that with mesh.yaml.
//
//   last build  →  this build        allowed
//   no upgrade  →  canary            yes (a new upgrade); migrate, finalize: skip
//   canary      →  canary, migrate   yes; no upgrade: a rollback, istio.version/revision unchanged; finalize: skip
//   migrate     →  migrate, finalize yes; canary: a rollback; no upgrade: two steps back
//   finalize    →  finalize, migrate yes (rollback); canary: two steps back
//               →  no upgrade        with istio.version/revision moved to the upgrade's target
//               →  canary            a new upgrade, from the last one's target
// Within one upgrade, neither istio.version/revision (where it comes from) nor the upgrade's
// version/revision (where it goes) may change. No manifest (a first build), or one without
// facts (an older meshgen), checks nothing.

/** What the last build recorded about the upgrade; undefined phase = no upgrade. */
export interface PreviousUpgrade {
  phase?: UpgradePhase;
  from?: ControlPlane;
  to?: ControlPlane;
}

export type TransitionProblem =
  | { kind: 'skip'; path: 'phase' | 'version'; message: string; hint: string }
  | { kind: 'target-changed'; path: 'upgrade.version' | 'upgrade.revision'; message: string; hint: string }
  | { kind: 'source-changed'; path: 'version' | 'revision'; message: string; hint: string };

const same = (a: ControlPlane, b: ControlPlane) => a.version === b.version && a.revision === b.revision;
const describe = (c: ControlPlane) => `${c.version} (revision ${c.revision || 'default'})`;

export function checkUpgradeTransition(previous: PreviousUpgrade, mesh: MeshModel): TransitionProblem[] {
  const upgrade = mesh.istio.upgrade;
  const current: ControlPlane = { version: mesh.istio.version, revision: mesh.istio.revision };
  const was = previous.phase === undefined ? -1 : UPGRADE_PHASES.indexOf(previous.phase);
  const phaseName = (i: number) => (i < 0 ? 'no upgrade (remove spec.istio.upgrade)' : `phase ${UPGRADE_PHASES[i]}`);

  if (!upgrade) {
    if (was < 0) return [];
    const { from, to } = previous;
    if (was === 0 && from && same(current, from)) return []; // canary rolled back
    if (was === 2 && to && same(current, to)) return []; // the upgrade is over
    if (was === 2) {
      return [{ kind: 'skip', path: 'version', message: `spec.istio.upgrade was removed after finalize, but istio.version and istio.revision are not the upgrade's target${to ? ` ${describe(to)}` : ''}: the old control plane is gone`, hint: to ? `set istio.version: "${to.version}" and istio.revision: ${to.revision || '(none)'} in the same change` : 'set istio.version and istio.revision to the upgrade\'s version and revision' }];
    }
    if (was === 1) {
      return [{ kind: 'skip', path: 'version', message: 'spec.istio.upgrade was removed in phase migrate: that skips finalize, or goes back two steps', hint: 'apply spec.istio.upgrade.phase: finalize first (or canary, to roll back)' }];
    }
    return [{ kind: 'skip', path: 'version', message: `spec.istio.upgrade was removed in phase canary, with istio.version/revision ${describe(current)} instead of the current ${from ? describe(from) : 'control plane'}: that skips migrate and finalize`, hint: 'apply spec.istio.upgrade.phase: migrate first; to roll back, remove the upgrade and keep istio.version and istio.revision' }];
  }

  const now = UPGRADE_PHASES.indexOf(upgrade.phase);
  const target: ControlPlane = { version: upgrade.version, revision: upgrade.revision };
  // a new upgrade: from no upgrade, or from the end of the last one (its target is where this starts)
  const fresh = was < 0 || (was === 2 && previous.to !== undefined && same(current, previous.to) && !same(target, previous.to));
  if (fresh) {
    if (now === 0) return [];
    return [{ kind: 'skip', path: 'phase', message: `spec.istio.upgrade.phase ${upgrade.phase} starts a new upgrade (the last build had ${was < 0 ? 'no upgrade' : `finished the upgrade to ${describe(previous.to!)}`}): that skips ${UPGRADE_PHASES.slice(0, now).join(' and ')}`, hint: 'apply spec.istio.upgrade.phase: canary first' }];
  }
  const problems: TransitionProblem[] = [];
  if (previous.to && !same(target, previous.to)) {
    const path = previous.to.version !== target.version ? 'upgrade.version' : 'upgrade.revision';
    problems.push({
      kind: 'target-changed',
      path,
      message: `the upgrade in progress (phase ${previous.phase}) goes to ${describe(previous.to)}, not ${describe(target)}: its target cannot change before it is over`,
      hint: was === 2 ? `end it first: istio.version "${previous.to.version}", istio.revision ${previous.to.revision}, then a new upgrade at canary` : `keep ${path === 'upgrade.version' ? `version "${previous.to.version}"` : `revision ${previous.to.revision}`}; to give it up, go back to canary and remove spec.istio.upgrade`,
    });
  }
  if (previous.from && !same(current, previous.from)) {
    problems.push({
      kind: 'source-changed',
      path: previous.from.version !== current.version ? 'version' : 'revision',
      message: `the upgrade in progress (phase ${previous.phase}) goes from ${describe(previous.from)}, but istio.version/revision now say ${describe(current)}`,
      hint: `keep istio.version "${previous.from.version}" and istio.revision ${previous.from.revision || '(none)'} until the upgrade is over`,
    });
  }
  if (now > was + 1) {
    problems.push({ kind: 'skip', path: 'phase', message: `spec.istio.upgrade.phase ${upgrade.phase} after ${phaseName(was)} skips ${UPGRADE_PHASES.slice(was + 1, now).join(' and ')}`, hint: `apply ${phaseName(was + 1)} first` });
  } else if (now < was - 1) {
    problems.push({ kind: 'skip', path: 'phase', message: `spec.istio.upgrade.phase ${upgrade.phase} after ${phaseName(was)} goes back two steps`, hint: `roll back one phase at a time: apply ${phaseName(was - 1)} first` });
  }
  return problems;
}
