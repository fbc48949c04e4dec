import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PendingWrite } from './plan.js';

/**
 * Creates the planned files, in order. `wx` refuses to replace a file that appeared since
 * planning; the explicit chmod makes the mode exact whatever the umask.
 */
export async function commitPkiWrites(writes: readonly PendingWrite[]): Promise<void> {
  for (const { path: filePath, content, mode } of writes) {
    await mkdir(path.dirname(filePath), { recursive: true });
    await writeFile(filePath, content, { mode, flag: 'wx' });
    await chmod(filePath, mode);
  }
}
