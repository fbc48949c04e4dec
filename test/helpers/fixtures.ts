import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export const REPO = resolve(import.meta.dirname, '../..');
export const EXAMPLES = ['multi-primary-multi-network', 'multi-primary', 'primary-remote', 'primary-remote-multi-network', 'services', 'legacy-global', 'legacy-global-istio-1.7', 'ambient-multi-network', 'external-secrets-cert-manager', 'external-secrets', 'istioctl-operator', 'eks-aks-helm-overlays', 'legacy-global-istio-1.5', 'legacy-global-istio-1.4', 'eks-alb-nodeport', 'vpn-single-control-plane', 'sops-flux', 'sealed-secrets-argocd'] as const;
/**
 * The day-2 examples: one mesh at each phase of a root rotation and of a canary upgrade. Their
 * golden trees, chart conformance and the ecosystem tier cover them; the other suites that run
 * every example do not (they add little over the examples above and would double the suite's time).
 */
export const PHASE_EXAMPLES = ['root-rotation-1-trust-both', 'root-rotation-2-sign-with-new', 'root-rotation-3-drop-old', 'canary-upgrade-1-canary', 'canary-upgrade-2-migrate', 'canary-upgrade-3-finalize'] as const;
export const SHARED_UPSTREAM = resolve(REPO, '../shared/upstream/istio-1.30.3');

export function examplePath(name: string): string {
  return join(REPO, 'examples', name, 'mesh.yaml');
}

export function tempDir(prefix = 'meshgen-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Puts the suite's fake CA (test/fixtures/pki: a root and intermediates for the cluster
 * names tests use) at dir/pki, the default spec.pki.dir, so builds need no key generation.
 */
export function seedPki(dir: string): void {
  cpSync(join(REPO, 'test/fixtures/pki'), join(dir, 'pki'), { recursive: true });
  protectKeys(join(dir, 'pki'));
}

/**
 * Key files mode 0600, as meshgen makes them: git checks files out 0644, which meshgen warns
 * about (W3002) when it reuses a key.
 */
export function protectKeys(pkiDir: string): void {
  for (const entry of readdirSync(pkiDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('key.pem')) chmodSync(join(entry.parentPath, entry.name), 0o600);
  }
}

/** A copy of an example (mesh.yaml, pki/ with keys 0600, credentials/) in a temp dir; returns the mesh file. */
export function exampleCopy(name: string): string {
  const dir = tempDir();
  const source = dirname(examplePath(name));
  // not the lock file a build of the example in another test worker may hold right now
  for (const entry of readdirSync(source).filter((e) => !isBuildWorkFile(e))) cpSync(join(source, entry), join(dir, entry), { recursive: true });
  try {
    protectKeys(join(dir, 'pki'));
  } catch {
    // an example without pki/
  }
  return join(dir, 'mesh.yaml');
}

/**
 * Every file under dir, as relative POSIX path → bytes; without the stat cache at its top
 * (out/.meshgen-cache.json: local to a machine, not output; test/stat-cache.test.ts tests it).
 */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (d === dir && entry.name.startsWith('.meshgen-cache.json')) continue;
      else files.set(relative(dir, full).split('\\').join('/'), readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Runs the built CLI (dist/, made by `npm test` before vitest). */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(REPO, 'dist/cli.js'), ...args], {
    cwd: options.cwd ?? REPO,
    env: options.env ?? process.env,
    encoding: 'utf8',
    ...(options.timeout ? { timeout: options.timeout, killSignal: 'SIGKILL' as const } : {}),
  });
}

/** runCli without blocking: several can run at once (vitest itself uses one core of two here). */
export function runCliAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'dist/cli.js'), ...args], { cwd: options.cwd ?? REPO, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/** All YAML documents of the .yaml files in a tree, with their paths. */
export function yamlObjects(tree: Map<string, Buffer>, filter: (path: string) => boolean = () => true): { path: string; value: any }[] {
  const objects: { path: string; value: any }[] = [];
  for (const [path, bytes] of tree) {
    if (!path.endsWith('.yaml') || !filter(path)) continue;
    for (const doc of parseAllDocuments(bytes.toString('utf8'))) objects.push({ path, value: (doc as any).toJS() });
  }
  return objects;
}

/** A lock or work file of a meshgen build, which a build running in another test worker may have left beside its files. */
export function isBuildWorkFile(name: string): boolean {
  return /\.meshgen-(lock|staging|commit|journal)|\.meshgen-tmp-/.test(name);
}

/** The annotation every encrypted file meshgen writes carries (secrets.mode sops, sealed-secrets). */
export const ENCRYPTED_FILE_MARK = 'meshgen.dev/encrypted-from';

/**
 * Copies the encrypted files of a committed tree (a golden tree) into an output directory, so
 * that a build there is a rebuild of the committed tree: encryption is randomised, and a build
 * keeps an encrypted file byte for byte only when it finds it in place with a matching
 * fingerprint. Nothing else is copied, so the rest of the tree is built from scratch.
 */
export function seedEncryptedFiles(committedDir: string, outDir: string): string[] {
  const seeded: string[] = [];
  for (const [path, bytes] of readTree(committedDir)) {
    if (!path.endsWith('.yaml') || !bytes.includes(ENCRYPTED_FILE_MARK)) continue;
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), bytes);
    seeded.push(path);
  }
  return seeded;
}
