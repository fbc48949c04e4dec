import { resolve } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { Host } from '../host/host.js';
import { acquireLock, describeHolder, lockPathFor, releaseLock, waitUntilUnlocked, type HeldLock } from '../host/lock.js';
import { OwnedPathError, OwnedTree } from '../host/owned-tree.js';
import { OwnedPathProblems } from '../host/owned-path-diagnostic.js';
import { CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT, ROOT_KEY } from '../pki/layout.js';
import { PKI_COMMIT, PKI_STAGING, recoverPki, type PkiTarget } from '../pki/write.js';
import { intermediateSlots, slotFile, type IntermediateSlot } from '../rules/pki-intermediates.js';
import { recoverOutput } from './publish.js';

// What a build does before it reads out/ and pki/, and undoes when it ends:
// - build: takes the lock of out/ and of pki/ (in that order, so two builds never wait for
//   each other crosswise), then finishes or removes what a killed build left in them;
// - build --check, which writes nothing: waits while a build holds either lock, so that it
//   does not compare against a tree being published;
// - both: refuse a symlink at any path the pki stage reads (pki/ itself, root-*.pem, each
//   primary's directory and files, the work directories of pki/), before anything is read
//   through it.

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export interface WorkspaceInput {
  outDir: string;
  pki: PkiTarget;
  /** the clusters whose CA material the pki stage reads */
  primaries: readonly string[];
  /** the plan's intermediates (MeshPlan.intermediates), where their files are; default one per primary */
  intermediates?: readonly IntermediateSlot[];
  check: boolean;
  lockTimeoutMs?: number;
}

export interface Workspace {
  diagnostics: Diagnostic[];
  /** what this build finished of a build interrupted before it */
  recovered: { outFiles: number; pkiFiles: string[] };
  release(): void;
}

export async function openWorkspace(host: Host, input: WorkspaceInput): Promise<Workspace> {
  const held: HeldLock[] = [];
  const workspace: Workspace = {
    diagnostics: [],
    recovered: { outFiles: 0, pkiFiles: [] },
    release: () => {
      for (const lock of held.reverse()) releaseLock(host, lock);
      held.length = 0;
    },
  };
  const timeoutMs = input.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const dirs = [
    { dir: resolve(input.outDir), display: input.outDir },
    { dir: input.pki.dir, display: input.pki.display },
  ];

  const guard = guardPkiLinks(host, input.pki, input.intermediates ?? intermediateSlots('per-cluster', input.primaries));
  if (guard.length) return { ...workspace, diagnostics: guard };

  for (const { dir, display } of dirs) {
    const lockPath = lockPathFor(dir);
    if (input.check) {
      const holder = await waitUntilUnlocked(host, lockPath, { timeoutMs });
      if (holder) workspace.diagnostics.push(locked(display, lockPath, describeHolder(holder), 'a build is writing it; run the check again when it is done'));
      continue;
    }
    let attempt;
    try {
      host.mkdir(resolve(dir, '..'));
      attempt = await acquireLock(host, lockPath, { timeoutMs });
    } catch (e) {
      workspace.diagnostics.push(error(Codes.OutputLocked, `cannot create the lock file ${lockPath} for ${display}: ${(e as Error).message}`, { hint: 'check permissions of the directory that holds it' }));
      break;
    }
    if ('busy' in attempt) {
      workspace.diagnostics.push(locked(display, lockPath, describeHolder(attempt.busy), `wait for it to finish; if no meshgen build is running, remove ${lockPath}`));
      break;
    }
    held.push(attempt.held);
  }
  if (input.check && !workspace.diagnostics.length && host.lstat(`${input.pki.dir}/${PKI_COMMIT}`)?.kind === 'directory') {
    workspace.diagnostics.push(
      error(Codes.PkiCommitPending, `${input.pki.display}/${PKI_COMMIT} holds CA material an interrupted build committed but did not finish putting in place`, {
        hint: 'run meshgen build to finish it (--check writes nothing)',
      }),
    );
  }
  if (input.check || workspace.diagnostics.length) return workspace;

  const out = recoverOutput(host, input.outDir);
  const pki = recoverPki(host, input.pki);
  workspace.diagnostics.push(...out.diagnostics, ...pki.diagnostics);
  workspace.recovered = { outFiles: out.recovered, pkiFiles: pki.recovered };
  return workspace;
}

function locked(display: string, lockPath: string, holder: string, hint: string): Diagnostic {
  return error(Codes.OutputLocked, `${display} is locked by another meshgen build (${holder}; lock file ${lockPath})`, { hint });
}

/** MG4004 for every symlink on the paths the pki stage reads. */
function guardPkiLinks(host: Host, pki: PkiTarget, slots: readonly IntermediateSlot[]): Diagnostic[] {
  const problems = new OwnedPathProblems(pki.display);
  const tree = new OwnedTree(host, pki.dir);
  try {
    if (!tree.rootStat()) return [];
  } catch (e) {
    if (!(e instanceof OwnedPathError) || e.problem !== 'symlink') return []; // the pki stage reports a file in place of the directory
    problems.add(e);
    return problems.diagnostics;
  }
  // and where a build writes: its work directories (a link there fails the build, so --check says so too)
  const paths = [...new Set([ROOT_CERT, ROOT_KEY, ...slots.flatMap((slot) => [CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT].map((f) => slotFile(slot, f))), PKI_STAGING, PKI_COMMIT])];
  for (const path of paths) {
    const problem = tree.problemOf(path);
    if (problem?.problem === 'symlink') problems.add(problem);
  }
  return problems.diagnostics;
}
