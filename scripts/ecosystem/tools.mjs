#!/usr/bin/env node
// The pinned tools of the ecosystem tier (npm run test:ecosystem): built from source through
// the Go module proxy, one Go module per tool in tools/ecosystem/<module>/ (go.mod and go.sum
// committed, `-mod=readonly`, so nothing but the pinned graph is built), and cached outside
// git in $MESHGEN_TOOLS_CACHE or ${XDG_CACHE_HOME:-~/.cache}/meshgen-tools/<tool>-<version>-<key>/,
// where the key hashes go.mod, go.sum, the package, the link flags and `go version`: a warm
// run reuses the binary, a changed pin builds anew. Builds run one at a time, niced, each
// with its own log.
//
//   node scripts/ecosystem/tools.mjs build [TOOL...]   build what is missing (all by default)
//   node scripts/ecosystem/tools.mjs path TOOL         print the cached binary's path (exit 1 if absent)
//   node scripts/ecosystem/tools.mjs status            one line per tool: cached or not
//
// The product never needs Go: only this test tier does.
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export const REPO = resolve(new URL('../..', import.meta.url).pathname);
export const TOOLS_DIR = join(REPO, 'tools/ecosystem');

/** tools/ecosystem/tools.json, parsed. */
export function toolsConfig() {
  return JSON.parse(readFileSync(join(TOOLS_DIR, 'tools.json'), 'utf8'));
}

export function cacheRoot(env = process.env) {
  if (env.MESHGEN_TOOLS_CACHE) return resolve(env.MESHGEN_TOOLS_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'meshgen-tools');
}

/** The go command: $MESHGEN_GO, else `go` on PATH, else /usr/local/go/bin/go; undefined if none runs. */
export function findGo(env = process.env) {
  // $MESHGEN_GO, when set, is the only candidate (MESHGEN_GO=none: as on a machine without Go)
  const candidates = env.MESHGEN_GO ? [env.MESHGEN_GO] : [...(env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'go')), '/usr/local/go/bin/go'];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const r = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    if (r.status === 0) return { path: candidate, version: r.stdout.trim() };
  }
  return undefined;
}

function tool(name) {
  // the ecosystem tier's tools, then those only the end-to-end tier (npm run test:e2e) builds
  const config = toolsConfig();
  const t = [...config.tools, ...(config.e2eTools ?? [])].find((x) => x.name === name);
  if (!t) throw new Error(`no tool "${name}" in tools/ecosystem/tools.json`);
  return t;
}

/** The version go.mod requires of the tool's module (checked against tools.json). */
export function pinnedVersion(t) {
  const goMod = readFileSync(join(TOOLS_DIR, t.goModule, 'go.mod'), 'utf8');
  const escaped = t.module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = goMod.match(new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm'));
  if (!m) throw new Error(`tools/ecosystem/${t.goModule}/go.mod does not require ${t.module}`);
  if (m[1] !== t.version) throw new Error(`tools/ecosystem/${t.goModule}/go.mod requires ${t.module} ${m[1]}, tools.json says ${t.version}`);
  if (!t.localPackage && !new RegExp(`^tool\\s+${t.package.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm').test(goMod) && !goMod.includes(`\t${t.package}\n`)) {
    throw new Error(`tools/ecosystem/${t.goModule}/go.mod has no tool directive for ${t.package}`);
  }
  return m[1];
}

function ldflags(t) {
  return (t.ldflags ?? []).map((f) => f.replaceAll('{version}', t.version)).join(' ');
}

/** Where the tool's binary is (or would be) cached. */
export function toolBinary(name, { env = process.env, goVersion } = {}) {
  const t = tool(name);
  const version = pinnedVersion(t);
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum']) hash.update(readFileSync(join(TOOLS_DIR, t.goModule, file)));
  // a program of ours in the tool's module: its sources are part of the key
  if (t.localPackage) {
    const dir = join(TOOLS_DIR, t.goModule, t.localPackage);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.go')).sort()) hash.update(`\0${file}\0`).update(readFileSync(join(dir, file)));
  }
  // a package of the tool's module replaced by a file of ours: that file is part of the key
  if (t.stubPackage) hash.update(`\0${t.stubPackage.package}\0`).update(readFileSync(join(TOOLS_DIR, t.goModule, t.stubPackage.stub)));
  hash.update(`\0${t.package}\0${ldflags(t)}\0${JSON.stringify(t.buildInModuleCopy?.addFiles ?? {})}\0${goVersion ?? findGo(env)?.version ?? 'no-go'}`);
  const dir = join(cacheRoot(env), `${t.name}-${version}-${hash.digest('hex').slice(0, 12)}`);
  return { tool: t, version, dir, binary: join(dir, t.name) };
}

/** A writable copy, under the tool's cache directory, of its module as the proxy serves it (checked against the committed go.sum). */
function moduleCopy(go, goEnv, cwd, where, name) {
  const download = spawnSync(go.path, ['mod', 'download', '-json', `${where.tool.module}@${where.version}`], { cwd, env: goEnv, encoding: 'utf8' });
  if (download.status !== 0) throw new Error(`go mod download ${where.tool.module}@${where.version} failed: ${download.stdout}${download.stderr}`);
  const copy = join(where.dir, name);
  rmSync(copy, { recursive: true, force: true });
  cpSync(JSON.parse(download.stdout).Dir, copy, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', copy]);
  return copy;
}

/**
 * Builds against a copy of the tool's module in which one package is a file of ours instead of
 * its own files (tools.json says why): the copy is referenced by a go.mod of the build's own
 * (`-modfile`: ours, with `replace <module> => <copy>`), so that what is committed here and the
 * module cache stay as downloaded. Returns the -modfile path and the copy (removed once built).
 */
function stubbedModule(go, goEnv, cwd, where) {
  const { package: stubbed, stub } = where.tool.stubPackage;
  if (!stubbed.startsWith(`${where.tool.module}/`)) throw new Error(`stubPackage ${stubbed} is not in ${where.tool.module}`);
  const copy = moduleCopy(go, goEnv, cwd, where, 'module');
  const dir = join(copy, stubbed.slice(where.tool.module.length + 1));
  const own = readdirSync(dir).filter((f) => f.endsWith('.go'));
  if (own.length === 0) throw new Error(`stubPackage ${stubbed}: no Go files in ${dir}`);
  for (const file of own) rmSync(join(dir, file));
  cpSync(join(cwd, stub), join(dir, 'meshgen_stub.go'));
  // relative replacements of the committed go.mod, made absolute: the build's go.mod is elsewhere
  const goMod = readFileSync(join(cwd, 'go.mod'), 'utf8').replace(/=>\s*(\.\.?\/\S+)/g, (_, path) => `=> ${resolve(cwd, path)}`);
  const modFile = join(where.dir, 'go.build.mod');
  writeFileSync(modFile, `${goMod}\n// this build only: ${stubbed} is ${stub}\nreplace ${where.tool.module} => ${copy}\n`);
  cpSync(join(cwd, 'go.sum'), join(where.dir, 'go.build.sum'));
  return { modFile, copy };
}

/**
 * The tool's binary: the cached one, or a fresh build when `build` is set.
 * Returns { binary, cached, seconds } or throws with the log's path.
 */
export function ensureTool(name, { build = true, env = process.env, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const go = findGo(env);
  const where = toolBinary(name, { env, goVersion: go?.version });
  if (existsSync(where.binary)) return { ...where, cached: true, seconds: 0 };
  if (!build) throw new Error(`${name} ${where.version} is not built (${where.binary})`);
  if (!go) throw new Error(`${name} ${where.version} is not cached and no Go toolchain was found to build it`);
  const logs = join(cacheRoot(env), 'logs');
  mkdirSync(logs, { recursive: true });
  mkdirSync(where.dir, { recursive: true });
  const logFile = join(logs, `${name}-${where.version}.log`);
  const tmp = `${where.binary}.tmp-${process.pid}`;
  const args = ['build', '-trimpath', '-o', tmp];
  if (ldflags(where.tool)) args.push(`-ldflags=${ldflags(where.tool)}`);
  args.push(where.tool.localPackage ? `./${where.tool.localPackage}` : where.tool.package);
  log(`building ${name} ${where.version} from source (${where.tool.package}); log: ${logFile}`);
  const started = Date.now();
  const fd = openSync(logFile, 'w');
  const nice = existsSync('/usr/bin/nice') ? ['/usr/bin/nice', '-n', '10'] : [];
  const command = [...nice, go.path, ...args];
  const goEnv = { ...env, GOFLAGS: '-mod=readonly -buildvcs=false', GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOWORK: 'off' };
  let cwd = join(TOOLS_DIR, where.tool.goModule);
  if (where.tool.buildInModuleCopy) {
    // The tool's own module, downloaded through the proxy and checked against the go.sum
    // committed here, then copied so that files its release process generates (listed in
    // tools.json with the reason) can be added; it builds with its own go.mod and go.sum.
    const source = moduleCopy(go, goEnv, cwd, where, 'src');
    for (const [file, content] of Object.entries(where.tool.buildInModuleCopy.addFiles ?? {})) {
      mkdirSync(dirname(join(source, file)), { recursive: true });
      writeFileSync(join(source, file), content);
    }
    cwd = source;
    command[command.length - 1] = `./${where.tool.package.slice(where.tool.module.length + 1)}`;
    writeFileSync(fd, `(in a copy of ${where.tool.module}@${where.version}, with ${Object.keys(where.tool.buildInModuleCopy.addFiles ?? {}).join(', ')} added)\n`);
  }
  const removeAfterBuild = [];
  if (where.tool.stubPackage) {
    const { modFile, copy } = stubbedModule(go, goEnv, cwd, where);
    removeAfterBuild.push(copy);
    command.splice(command.length - 1, 0, `-modfile=${modFile}`);
    writeFileSync(fd, `(${where.tool.stubPackage.package} replaced by ${where.tool.stubPackage.stub}, in a copy of ${where.tool.module}: ${modFile})\n`);
  }
  writeFileSync(fd, `$ (cd ${cwd.startsWith(REPO) ? cwd.slice(REPO.length + 1) : cwd} && ${command.join(' ')})\n${go.version}\n`);
  const r = spawnSync(command[0], command.slice(1), { cwd, env: goEnv, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  for (const dir of removeAfterBuild) rmSync(dir, { recursive: true, force: true });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`building ${name} ${where.version} failed after ${seconds}s (exit ${r.status ?? r.signal}); see ${logFile}`);
  }
  renameSync(tmp, where.binary);
  if (where.tool.buildInModuleCopy) rmSync(join(where.dir, 'src'), { recursive: true, force: true });
  writeFileSync(join(where.dir, 'build.json'), `${JSON.stringify({ tool: name, version: where.version, package: where.tool.package, go: go.version, seconds }, null, 2)}\n`);
  log(`built ${name} ${where.version} in ${seconds}s`);
  return { ...where, cached: false, seconds };
}

/**
 * The OpenAPI v3 documents of the pinned Kubernetes (k8s.io/kubernetes, api/openapi-spec/v3),
 * from the Go module proxy, checked against the h1: sum pinned in tools.json, cached outside
 * git. Returns the folder of *.json documents.
 */
export function ensureKubernetesOpenAPI({ env = process.env, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const k = toolsConfig().kubernetesOpenAPI;
  const dir = join(cacheRoot(env), `kubernetes-openapi-${k.version}-${createHash('sha256').update(`${k.sum}\0${k.dir}`).digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, 'api__v1_openapi.json'))) return { dir, version: k.version, cached: true };
  const go = findGo(env);
  if (!go) throw new Error(`the Kubernetes ${k.version} OpenAPI is not cached and no Go toolchain was found to download it`);
  log(`downloading ${k.module}@${k.version} (its OpenAPI documents) through the Go module proxy`);
  const cwd = mkdtempSync(join(tmpdir(), 'meshgen-k8s-openapi-'));
  const r = spawnSync(go.path, ['mod', 'download', '-json', `${k.module}@${k.version}`], { cwd, env: { ...env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOWORK: 'off' }, encoding: 'utf8' });
  rmSync(cwd, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`go mod download ${k.module}@${k.version} failed: ${r.stdout}${r.stderr}`);
  const info = JSON.parse(r.stdout);
  if (info.Sum !== k.sum) throw new Error(`${k.module}@${k.version} has sum ${info.Sum}, tools.json pins ${k.sum}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(join(info.Dir, k.dir), tmp, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', tmp]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, version: k.version, cached: false };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, ...names] = process.argv.slice(2);
  const all = toolsConfig().tools.map((t) => t.name);
  try {
    if (command === 'build') {
      for (const name of names.length ? names : all) {
        const r = ensureTool(name);
        if (r.cached) console.log(`${name} ${r.version}: cached at ${r.binary}`);
      }
    } else if (command === 'path') {
      const r = toolBinary(names[0]);
      if (!existsSync(r.binary)) throw new Error(`${names[0]} ${r.version} is not built`);
      console.log(r.binary);
    } else if (command === 'status') {
      for (const name of all) {
        const r = toolBinary(name);
        console.log(`${name} ${r.version}: ${existsSync(r.binary) ? `cached at ${r.binary}` : 'not built'}`);
      }
    } else {
      console.error('usage: tools.mjs build [TOOL...] | path TOOL | status');
      process.exit(2);
    }
  } catch (e) {
    console.error(`tools.mjs: ${e.message}`);
    process.exit(1);
  }
}
