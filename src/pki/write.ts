import path from 'node:path';
import type { Host } from '../host/host.js';
import type { PendingWrite } from './plan.js';

/**
 * Creates the planned files, in order. An exclusive create refuses to replace a file that
 * appeared since planning; the explicit chmod makes the mode exact whatever the umask.
 */
export function commitPkiWrites(host: Host, writes: readonly PendingWrite[]): void {
  for (const { path: filePath, content, mode } of writes) {
    host.mkdir(path.dirname(filePath));
    host.writeFile(filePath, content, { mode, exclusive: true });
    host.chmod(filePath, mode);
  }
}
