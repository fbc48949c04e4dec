import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MemoryHost } from '../../src/host/memory-host.js';
import { REPO } from './fixtures.js';

/** Where memoryHostWith puts the repository: a path that does not exist on disk. */
export const MEMORY_REPO = '/meshgen-in-memory';

/** A MemoryHost holding copies of the given repository directories (and their modes) under MEMORY_REPO. */
export function memoryHostWith(dirs: string[], options: { env?: Record<string, string>; now?: Date; exactStat?: boolean } = {}): MemoryHost {
  const host = new MemoryHost({ env: options.env, now: options.now ?? new Date(), exactStat: options.exactStat });
  for (const dir of dirs) copyInto(host, join(REPO, dir), join(MEMORY_REPO, dir));
  return host;
}

/** What a build running at the same time in another test worker may have beside the files: its lock and work files. */
const BUILD_WORK_FILE = /\.meshgen-(lock|staging|commit|journal)|\.meshgen-tmp-/;

function copyInto(host: MemoryHost, from: string, to: string): void {
  host.mkdir(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (BUILD_WORK_FILE.test(entry.name)) continue;
    if (entry.isDirectory()) copyInto(host, join(from, entry.name), join(to, entry.name));
    else host.writeFile(join(to, entry.name), readFileSync(join(from, entry.name), 'utf8'), { mode: statSync(join(from, entry.name)).mode & 0o777 });
  }
}

/** Every file of a directory on disk, as relative path → text. */
export function diskFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(relative(dir, full).split('\\').join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// A mesh whose build has nothing to warn about, so that a --strict build stops only for the
// warning a test is about: the suite's fake CA with its keys 0600 (a checkout leaves them 0644,
// W3002) and every cluster's credentials given (without them, W2201).
const READER_TOKEN_ENV = 'READER_TOKEN';
const FAKE_READER_TOKEN = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"sub":"reader"}').toString('base64url')}.${'A'.repeat(86)}`;

/** memoryHostWith(['test/fixtures/pki']) with the keys of `clusters` and the root 0600, and the reader token in the environment. */
export function quietFixtureHost(clusters: readonly string[]): MemoryHost {
  const host = memoryHostWith(['test/fixtures/pki'], { env: { [READER_TOKEN_ENV]: FAKE_READER_TOKEN } });
  for (const key of ['root-key.pem', ...clusters.map((c) => `${c}/ca-key.pem`)]) host.chmod(`${MEMORY_REPO}/test/fixtures/pki/${key}`, 0o600);
  return host;
}

/** A cluster's apiServer and reader in flow style, for quietFixtureHost: the CA inline, the token from the environment. */
export function quietCredentials(url: string): string {
  const caData = Buffer.from(readFileSync(join(REPO, 'test/fixtures/pki/root-cert.pem'), 'utf8')).toString('base64');
  return `apiServer: { url: "${url}", caData: ${caData} }, reader: { tokenEnv: ${READER_TOKEN_ENV} }`;
}
