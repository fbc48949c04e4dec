import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { planPki, publishPkiWrites, type PkiModel, type PkiPlan } from '../../src/pki/index.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { Host } from '../../src/host/host.js';
import { nodeHost } from '../../src/host/node-host.js';

/** The real filesystem, with the clock at `now` when a test fixes it. */
export function diskHost(now?: Date): Host {
  const host = nodeHost();
  return now ? { ...host, now: () => now } : host;
}

// Shared by the PKI tests: temp directories, a small model, and openssl recipes that
// reproduce Istio's tools/certs/Makefile.selfsigned.mk.

/** The model's defaults (Istio's Makefile): root 3650 days; the intermediate differs so tests can tell them apart. */
export const ROOT_PROFILE = { organization: 'Istio', commonName: 'Root CA', validityDays: 3650 };
export const INTERMEDIATE_PROFILE = { organization: 'Istio', commonName: 'Intermediate CA', validityDays: 730 };

export function pkiModel(clusters: string[], pki: Partial<PkiModel['pki']> = {}): PkiModel {
  return {
    pki: { dir: 'pki', root: ROOT_PROFILE, intermediate: INTERMEDIATE_PROFILE, keyType: 'ecdsa-p256', ...pki },
    clusters: clusters.map((name) => ({ name })),
  };
}

// Test files share this module when their worker shares its module graph (vitest.config.ts):
// each file's temp directories are its own, and its afterAll(removeTempDirs) removes only those.
const tempDirs = new Map<string, string[]>();
const currentFile = () => expect.getState().testPath ?? '';

export function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgen-pki-'));
  const mine = tempDirs.get(currentFile()) ?? [];
  tempDirs.set(currentFile(), [...mine, dir]);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.get(currentFile()) ?? []) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(currentFile());
}

/** A mesh directory whose pki/ is a copy of `meshDir`'s (modes included). */
export function copyMeshDir(meshDir: string): string {
  const copy = makeTempDir();
  fs.cpSync(path.join(meshDir, 'pki'), path.join(copy, 'pki'), { recursive: true });
  return copy;
}

/** planPki as `meshgen build` runs it, then commit. */
export async function build(meshDir: string, model: PkiModel, now?: Date): Promise<PkiPlan> {
  const host = diskHost(now);
  const plan = await planPki({ host, model, meshDir, pkiDirDisplay: 'pki', allowGenerate: true });
  expect(commitPki(host, meshDir, plan.writes).diagnostics).toEqual([]);
  return plan;
}

/** Writes a plan's files into meshDir/pki as a build does (staged, then committed). */
export function commitPki(host: Host, meshDir: string, writes: PkiPlan['writes']) {
  return publishPkiWrites(host, { dir: path.join(meshDir, 'pki'), display: 'pki' }, writes);
}

export async function check(meshDir: string, model: PkiModel, options: { now?: Date; allowGenerate?: boolean } = {}): Promise<PkiPlan> {
  return planPki({ host: diskHost(options.now), model, meshDir, pkiDirDisplay: 'pki', allowGenerate: options.allowGenerate ?? true });
}

/** Every file under dir, by relative path, with its bytes as text. */
/** A plan that adds one cluster to an existing pki/ writes exactly that cluster's four files and changes nothing else. */
export function expectOnlyNewClusterWritten(plan: PkiPlan, meshDir: string, before: Record<string, string>, cluster: string): void {
  expect(plan.writes.map((w) => path.relative(meshDir, w.path))).toEqual(['ca-key.pem', 'ca-cert.pem', 'cert-chain.pem', 'root-cert.pem'].map((f) => `pki/${cluster}/${f}`));
  const after = readTree(meshDir);
  for (const [file, text] of Object.entries(before)) expect(after[file], file).toBe(text);
}

export function readTree(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    tree[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
  }
  return tree;
}

export function pkiFile(meshDir: string, file: string): string {
  return path.join(meshDir, 'pki', file);
}

export function readPki(meshDir: string, file: string): string {
  return fs.readFileSync(pkiFile(meshDir, file), 'utf8');
}

export function writePki(meshDir: string, file: string, content: string): void {
  fs.mkdirSync(path.dirname(pkiFile(meshDir, file)), { recursive: true });
  fs.writeFileSync(pkiFile(meshDir, file), content);
}

/** The codes of the diagnostics with the files they name, sorted: what a scenario expects to see. */
export function codesOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.file ?? ''}`).sort();
}

/** No diagnostic quotes a key: no PEM armour and no line of any key file under meshDir. */
export function expectNoKeyMaterial(diagnostics: readonly Diagnostic[], meshDir: string): void {
  const keyLines = Object.entries(readTree(meshDir))
    .filter(([file]) => file.endsWith('key.pem'))
    .flatMap(([, text]) => text.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')));
  for (const d of diagnostics) {
    const text = `${d.message}\n${d.hint ?? ''}`;
    expect(text).not.toMatch(/-----BEGIN|PRIVATE KEY-----/);
    for (const line of keyLines) expect(text).not.toContain(line);
  }
}

// ---------------------------------------------------------------------------------------
// openssl, as Istio's tools/certs Makefiles run it

export function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export type KeyKind = 'rsa4096' | 'ec';

/** The committed TEST-ONLY RSA-4096 keys of test/fixtures/pki (PKCS#8, as `openssl genrsa` writes them with OpenSSL 3). */
const FIXTURE_PKI = path.resolve(import.meta.dirname, '../fixtures/pki');
const RSA_KEY_POOL = [
  'root-key.pem',
  ...fs.readdirSync(FIXTURE_PKI, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${e.name}/ca-key.pem`).sort(),
];
// counted per test file, so that a file draws the same keys whatever ran before it in its worker
const nextRsaKey = new Map<string, number>();

/**
 * The key `openssl genrsa -out <file> 4096` would write: one of the committed RSA-4096 keys, a
 * different one each call (tests generate no RSA-4096 keys); or a new P-256 key in SEC1 form.
 */
export function generateKey(dir: string, file: string, kind: KeyKind): void {
  if (kind === 'rsa4096') {
    const next = nextRsaKey.get(currentFile()) ?? 0;
    nextRsaKey.set(currentFile(), next + 1);
    fs.copyFileSync(path.join(FIXTURE_PKI, RSA_KEY_POOL[next % RSA_KEY_POOL.length]), path.join(dir, file));
    fs.chmodSync(path.join(dir, file), 0o600); // as openssl genrsa writes it
  }
  else openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file], dir);
}

/** The [ req ] section both of common.mk's configurations start with. */
const REQ_SECTION = [
  '[ req ]',
  'encrypt_key = no',
  'prompt = no',
  'utf8 = yes',
  'default_md = sha256',
  'default_bits = 4096',
  'req_extensions = req_ext',
  'x509_extensions = req_ext',
  'distinguished_name = req_dn',
  '[ req_ext ]',
  'subjectKeyIdentifier = hash',
];

/** root-ca.conf, as common.mk writes it */
function rootConf(): string {
  return [
    ...REQ_SECTION,
    'basicConstraints = critical, CA:true',
    'keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign',
    '[ req_dn ]',
    'O = Istio',
    'CN = Root CA',
    '',
  ].join('\n');
}

/** <cluster>/intermediate.conf, as common.mk writes it; basicConstraints can be varied to make bad intermediates. */
function intermediateConf(cluster: string, basicConstraints: string): string {
  return [
    ...REQ_SECTION,
    `basicConstraints = ${basicConstraints}`,
    'keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign',
    'subjectAltName=@san',
    '[ san ]',
    'DNS.1 = istiod.istio-system.svc',
    '[ req_dn ]',
    'O = Istio',
    'CN = Intermediate CA',
    `L = ${cluster}`,
    '',
  ].join('\n');
}

/** `make -f Makefile.selfsigned.mk root-ca` in `pkiDir`. */
export function makefileRootCa(pkiDir: string, options: { key?: KeyKind; days?: number } = {}): void {
  fs.mkdirSync(pkiDir, { recursive: true });
  fs.writeFileSync(path.join(pkiDir, 'root-ca.conf'), rootConf());
  generateKey(pkiDir, 'root-key.pem', options.key ?? 'rsa4096');
  openssl(['req', '-new', '-key', 'root-key.pem', '-config', 'root-ca.conf', '-out', 'root-cert.csr'], pkiDir);
  openssl(
    ['x509', '-req', '-days', String(options.days ?? 3650), '-signkey', 'root-key.pem', '-extensions', 'req_ext', '-extfile', 'root-ca.conf', '-in', 'root-cert.csr', '-out', 'root-cert.pem'],
    pkiDir,
  );
}

export interface CacertsOptions {
  key?: KeyKind;
  days?: number;
  basicConstraints?: string;
  /** sign with another CA than pkiDir's root (paths relative to pkiDir) */
  caCert?: string;
  caKey?: string;
}

/** `make -f Makefile.selfsigned.mk <cluster>-cacerts` in `pkiDir`. */
export function makefileCacerts(pkiDir: string, cluster: string, options: CacertsOptions = {}): void {
  const dir = path.join(pkiDir, cluster);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'intermediate.conf'), intermediateConf(cluster, options.basicConstraints ?? 'critical, CA:true, pathlen:0'));
  generateKey(pkiDir, `${cluster}/ca-key.pem`, options.key ?? 'rsa4096');
  openssl(['req', '-new', '-config', `${cluster}/intermediate.conf`, '-key', `${cluster}/ca-key.pem`, '-out', `${cluster}/cluster-ca.csr`], pkiDir);
  openssl(
    [
      'x509', '-req', '-days', String(options.days ?? 730),
      '-CA', options.caCert ?? 'root-cert.pem', '-CAkey', options.caKey ?? 'root-key.pem', '-CAcreateserial',
      '-extensions', 'req_ext', '-extfile', `${cluster}/intermediate.conf`,
      '-in', `${cluster}/cluster-ca.csr`, '-out', `${cluster}/ca-cert.pem`,
    ],
    pkiDir,
  );
  const rootCert = fs.readFileSync(path.join(pkiDir, 'root-cert.pem'), 'utf8');
  fs.writeFileSync(path.join(dir, 'cert-chain.pem'), fs.readFileSync(path.join(dir, 'ca-cert.pem'), 'utf8') + rootCert);
  fs.writeFileSync(path.join(dir, 'root-cert.pem'), rootCert);
}
