import { join } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { OwnedPathError } from './owned-tree.js';

/**
 * The diagnostic for a path meshgen refused to use in a directory it owns. `display` is that
 * directory as the user named it ("out", "examples/demo/pki"); the message names the entry
 * that is in the way, never what a link points to.
 */
export function ownedPathDiagnostic(problem: OwnedPathError, display: string): Diagnostic {
  const at = problem.rel ? join(display, problem.rel) : display;
  switch (problem.problem) {
    case 'symlink':
      return error(Codes.OutputSymlink, `${at} is a symbolic link: meshgen never reads, writes or deletes through a link in ${display}`, {
        hint: `remove the link (meshgen writes real files and directories there); nothing was read through it`,
      });
    case 'not-a-directory':
      return error(Codes.OutputUnwritable, `${at} is in the way: meshgen needs a directory there`, { hint: 'move it aside; meshgen never removes what it did not write' });
    case 'not-a-file':
      return error(Codes.OutputUnwritable, `${at} is in the way: meshgen writes a file there`, { hint: 'move it aside; meshgen never removes what it did not write' });
  }
}

/** One diagnostic per offending entry, however many paths lead through it. */
export class OwnedPathProblems {
  private readonly seen = new Set<string>();
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly display: string) {}

  add(problem: OwnedPathError): void {
    const key = `${problem.problem}:${problem.rel}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(ownedPathDiagnostic(problem, this.display));
  }
}
