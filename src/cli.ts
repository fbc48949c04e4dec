#!/usr/bin/env node
import { createRequire } from 'node:module';
import { formatDiagnostic, summarizeCounts, type Diagnostic } from './diagnostics/diagnostic.js';
import { UsageError } from './usage-error.js';
import type { BuildProgress, BuildResult } from './pipeline.js';
import { clusterOfPath } from './resource/out-layout.js';
import { byReferenceSummary } from './plan/by-reference-plan.js';
import type { ChangeKind } from './emit/out-dir.js';
import { checkReportLines, driftCount } from './emit/check-report.js';
import { COMMAND_USAGE } from './cli-help.js';

// A thin bin: parse argv, call the library, print, exit. 0 success; 1 invalid input,
// failed check or a build error the user can fix; 2 usage error. Only a bug prints a stack.

const USAGE = `meshgen: a static compiler for multi-cluster Istio

Usage:
  meshgen build    [MESH_FILE] [--out DIR] [--check] [--strict] [--quiet] [--summary]
  meshgen validate [MESH_FILE] [--strict]
  meshgen init     [DIR] [--topology multi-primary|primary-remote|legacy-global|ambient] [--clusters N]
  meshgen certs status [MESH_FILE]
  meshgen certs rotate-intermediate CLUSTER [MESH_FILE]
  meshgen --help | --version
  meshgen COMMAND --help      the usage of one command

MESH_FILE defaults to ./mesh.yaml; --out defaults to ./out.
  --check    render in memory and compare with DIR; write nothing; exit 1 on any difference,
             printing each changed file's unified diff (at most 40 lines per file)
  --strict   warnings count as errors
  --quiet    print only warnings and errors
  --summary  print, instead of the per-cluster lines, a Markdown review summary of the change
             from the build recorded in DIR to this one (clusters, remote secrets, trust
             bundles, intermediates, releases, objects, phases); with --check, for a pull
             request comment: --out a checkout of the base branch's out/

init writes a commented DIR/mesh.yaml (DIR defaults to .) that builds as it is, for the
topology (default multi-primary) and number of clusters (default 2); it never overwrites
an existing one.

certs status prints each CA certificate of the mesh (spec.pki.dir): subject, issuer,
serial, expiry, days left, SHA-256 fingerprint and whether it verifies; exit 1 if any
does not. During a root rotation (spec.pki.rotation) it also shows the phase, which root
signs each primary's intermediate and what its trust bundle holds; exit 1 if a primary does
not fit the phase.

certs rotate-intermediate renews one primary's intermediate CA under the same root: the old
one moves to spec.pki.dir/CLUSTER.retired.<fingerprint>/, and the next build changes only
that cluster's certs/ and cacerts. With pki.intermediates: shared it is refused (MG3352): the
one intermediate belongs to every primary.`;

interface ParsedArgs {
  command?: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const FLAGS: Record<string, { takesValue: boolean; commands: string[] }> = {
  '--out': { takesValue: true, commands: ['build'] },
  '--check': { takesValue: false, commands: ['build'] },
  '--strict': { takesValue: false, commands: ['build', 'validate'] },
  '--quiet': { takesValue: false, commands: ['build'] },
  '--summary': { takesValue: false, commands: ['build'] },
  '--topology': { takesValue: true, commands: ['init'] },
  '--clusters': { takesValue: true, commands: ['init'] },
};

function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h' || arg === '--version') {
      parsed.flags.set(arg, true);
    } else if (arg.startsWith('--')) {
      const [name, inline] = arg.split(/=(.*)/s, 2);
      const spec = FLAGS[name];
      if (!spec || (parsed.command && !spec.commands.includes(parsed.command))) throw new UsageError(`unknown flag ${name}${parsed.command ? ` for meshgen ${parsed.command}` : ''}`);
      if (spec.takesValue) {
        const value = inline ?? argv[++i];
        if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
        parsed.flags.set(name, value);
      } else {
        if (inline !== undefined) throw new UsageError(`${name} takes no value`);
        parsed.flags.set(name, true);
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown flag ${arg}`);
    } else if (!parsed.command) {
      parsed.command = arg;
    } else {
      parsed.positional.push(arg);
    }
  }
  return parsed;
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

/** Where a progress line may be drawn: stderr, when it is a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, progressStream?: ProgressStream): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
    if (args.flags.has('--version')) {
      out(version());
      return 0;
    }
    if (args.flags.has('--help') && args.command) {
      const usage = COMMAND_USAGE[args.command];
      if (!usage) throw new UsageError(`unknown command "${args.command}"`);
      out(usage);
      return 0;
    }
    if (args.flags.has('--help') || !args.command) {
      (args.command || args.flags.has('--help') ? out : err)(USAGE);
      return args.flags.has('--help') ? 0 : 2;
    }
    if (args.positional.length > 1 && args.command !== 'certs') throw new UsageError(`meshgen ${args.command} takes one ${args.command === 'init' ? 'directory' : 'mesh file'}, got ${args.positional.length}`);
    const meshFile = args.positional[0] ?? 'mesh.yaml';
    const strict = args.flags.has('--strict');
    switch (args.command) {
      case 'build': {
        const outDir = (args.flags.get('--out') as string | undefined) ?? 'out';
        const check = args.flags.has('--check');
        const { build } = await import('./pipeline.js'); // loaded only when needed: --help stays instant
        const summary = args.flags.has('--summary');
        const line = progressStream?.isTTY && !args.flags.has('--quiet') ? new ProgressLine(progressStream) : undefined;
        let result: BuildResult;
        try {
          result = await build({ meshFile, outDir, check, strict, summary, meshgenVersion: version(), progress: line && ((event) => line.show(progressText(event))) });
        } finally {
          line?.clear();
        }
        // --summary: the Markdown on stdout, alone (a CI job posts it); everything else on stderr
        report(result, { out: summary ? err : out, err, quiet: args.flags.has('--quiet'), check, outDir });
        if (result.summary !== undefined) out(result.summary.trimEnd());
        return result.ok ? 0 : 1;
      }
      case 'certs': {
        if (args.positional[0] === 'rotate-intermediate') {
          const cluster = args.positional[1];
          if (!cluster) throw new UsageError('meshgen certs rotate-intermediate takes a cluster name: meshgen certs rotate-intermediate CLUSTER [MESH_FILE]');
          if (args.positional.length > 3) throw new UsageError('meshgen certs rotate-intermediate takes one cluster and one mesh file');
          const { certsRotateIntermediate } = await import('./pipeline.js');
          const result = await certsRotateIntermediate(args.positional[2] ?? 'mesh.yaml', cluster);
          printDiagnostics(result, err);
          if (result.text) out(result.text);
          return result.ok ? 0 : 1;
        }
        if (args.positional[0] !== 'status') throw new UsageError(`unknown certs command${args.positional[0] ? ` "${args.positional[0]}"` : ''}; try: meshgen certs status [MESH_FILE]`);
        if (args.positional.length > 2) throw new UsageError('meshgen certs status takes one mesh file');
        const { certsStatus } = await import('./pipeline.js');
        const report = certsStatus(args.positional[1] ?? 'mesh.yaml');
        printDiagnostics(report, err);
        if (report.text) out(report.text);
        return report.ok ? 0 : 1;
      }
      case 'init': {
        const { initMesh } = await import('./init/init-mesh.js');
        const result = initMesh({ dir: args.positional[0] ?? '.', topology: args.flags.get('--topology') as string | undefined, clusters: args.flags.get('--clusters') as string | undefined });
        (result.ok ? out : err)(result.message);
        return result.ok ? 0 : 1;
      }
      case 'validate': {
        const { validate } = await import('./pipeline.js');
        const result = validate({ meshFile, strict });
        printDiagnostics(result, err);
        if (result.ok) out(`${meshFile}: valid (${summarizeCounts(result.diagnostics)})`);
        return result.ok ? 0 : 1;
      }
      default:
        throw new UsageError(`unknown command "${args.command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`meshgen: ${e.message}\nRun "meshgen --help" for usage.`);
      return 2;
    }
    throw e;
  }
}

function printDiagnostics(result: BuildResult, err: (s: string) => void): void {
  for (const d of result.diagnostics) err(formatDiagnostic(d, d.file ? result.sources.get(d.file) : undefined) + '\n');
  if (result.diagnostics.some((d: Diagnostic) => d.severity === 'error')) err(summarizeCounts(result.diagnostics));
}

export function report(result: BuildResult, o: { out: (s: string) => void; err: (s: string) => void; quiet: boolean; check: boolean; outDir: string }): void {
  const recovered = result.recovered;
  if (!o.quiet && recovered && (recovered.outFiles > 0 || recovered.pkiFiles.length > 0)) {
    const parts = [recovered.outFiles ? `${recovered.outFiles} file${recovered.outFiles === 1 ? '' : 's'} in ${o.outDir}` : undefined, recovered.pkiFiles.length ? `${recovered.pkiFiles.join(', ')} in ${result.pki?.dir ?? 'pki'}/` : undefined];
    o.out(`finished the publication of an interrupted build: ${parts.filter(Boolean).join(' and ')}`);
  }
  if (result.diff && result.mesh && (result.ok || o.check) && !hasErrorsIn(result)) {
    const clusters = result.mesh.clusters.map((c) => c.name);
    if (!o.quiet) for (const line of summaryLines(result, clusters, o.outDir)) o.out(line);
    if (!o.quiet) for (const line of privateMaterialLines(result, o.outDir)) o.out(line);
    if (!o.quiet && result.pki?.created.length) o.out(pkiSummary(result.pki.created, result.pki.dir));
    const secrets = result.remoteSecrets;
    if (!o.quiet && secrets && secrets.rendered + secrets.notRendered > 0) {
      // --check renders no private content: it counts the secrets whose credentials are there
      const ready = o.check ? `${secrets.rendered} with credentials (not rendered by --check)` : `${secrets.rendered} rendered`;
      o.out(`remote secrets: ${ready}${secrets.notRendered ? `, ${secrets.notRendered} not rendered (credentials missing, see the warnings)` : ''}`);
    }
    if (o.check) {
      const drift = driftCount(result.diff);
      for (const line of checkReportLines(result.diff, result.files ?? new Map(), o.outDir)) o.err(line);
      if (drift) o.err(`${o.outDir} is not up to date: ${drift} file${drift === 1 ? '' : 's'} would change or need attention. Run meshgen build to update it.`);
      else if (!o.quiet) o.out(`${o.outDir} is up to date`);
      const uncomparedPrivate = result.diff.uncompared.filter((p) => result.files?.get(p)?.private !== false).length;
      const uncomparedEncrypted = result.diff.uncompared.length - uncomparedPrivate;
      if (uncomparedPrivate && !o.quiet) o.out(`(${uncomparedPrivate} private files under secrets/ not compared: they are not kept in git)`);
      if (uncomparedEncrypted && !o.quiet) o.out(`(${uncomparedEncrypted} encrypted files present but not compared: their plaintext (CA keys, tokens) is not at hand, and --check never decrypts)`);
      if (result.diff.staleStaging && !o.quiet) o.out(`(${o.outDir}/.meshgen-staging holds the unpublished files of an interrupted build; the next meshgen build removes it)`);
    }
  }
  if (result.pkiKept?.length) {
    o.err(
      `CA material kept in ${result.pki?.dir ?? 'pki'}/ although ${o.outDir} was not written: ${result.pkiKept.join(', ')}. ` +
        'It is complete and new, nothing in out/ refers to it yet, and the next build reuses it instead of creating new keys.',
    );
  }
  printDiagnostics(result, o.err);
}

/** "CA material: created a root CA and intermediates for east, west in examples/demo/pki/" */
function pkiSummary(created: string[], pkiDir: string): string {
  const root = created.includes('root-key.pem');
  const clusters = created.filter((f) => /^[^/]+\/ca-key\.pem$/.test(f)).map((f) => f.split('/')[0]);
  const parts = [root ? 'a root CA' : undefined, clusters.length ? `intermediates for ${clusters.join(', ')}` : undefined].filter(Boolean);
  return `CA material: created ${parts.length ? parts.join(' and ') : `${created.length} files`} in ${pkiDir}/ (keys are mode 0600; keep the root key out of git)`;
}

/**
 * Per cluster, what private material was written and how: "out/east private material:
 * cacerts (SOPS, kept), istio-remote-secret-west (SOPS, encrypted anew)". Plain files are
 * named by path (they are git-ignored); encrypted ones by Secret, with what the build did.
 */
function privateMaterialLines(result: BuildResult, outDir: string): string[] {
  const byCluster = new Map<string, string[]>();
  const note = (cluster: string, text: string) => byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), text]);
  for (const file of result.files?.values() ?? []) {
    if (!file.private) continue;
    const [cluster, , name] = file.path.split('/');
    note(cluster, `${name.replace(/\.yaml$/, '')} (plain, git-ignored${file.content === undefined ? ', not rendered' : ''})`);
  }
  const format = { sops: 'SOPS', sealed: 'SealedSecret' } as const;
  for (const s of result.encryptedSecrets ?? []) note(s.cluster, `${s.name} (${format[s.format]}, ${s.outcome === 'encrypted' ? 'encrypted anew' : s.outcome})`);
  return [...byCluster.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([cluster, items]) => `${outDir}/${cluster} private material: ${items.join(', ')}`);
}

function hasErrorsIn(result: BuildResult): boolean {
  return result.diagnostics.some((d) => d.severity === 'error');
}

/** "east: 2 added, 1 changed, 0 removed, 5 unchanged", one line per cluster and one for mesh-level files. */
function summaryLines(result: BuildResult, clusters: string[], outDir: string): string[] {
  const counts = new Map<string, Record<ChangeKind, number>>();
  const zero = (): Record<ChangeKind, number> => ({ added: 0, changed: 0, removed: 0, unchanged: 0 });
  for (const name of [...clusters, '']) counts.set(name, zero());
  for (const change of result.diff!.changes) {
    const key = clusterOfPath(change.path, clusters) ?? '';
    if (!counts.has(key)) counts.set(key, zero()); // a pruned cluster's files
    counts.get(key)![change.kind]++;
  }
  const label = (k: string) => (k ? `${outDir}/${k}` : `${outDir} (mesh files)`);
  const byReference = (k: string) => {
    const summary = k ? byReferenceSummary(result.plan?.clusters.find((p) => p.cluster.name === k)?.byReference ?? { remoteSecrets: [] }) : undefined;
    return summary ? `; ${summary}` : '';
  };
  return [...counts.entries()].map(([k, c]) => `${label(k)}: ${c.added} added, ${c.changed} changed, ${c.removed} removed, ${c.unchanged} unchanged${byReference(k)}`);
}

/** The progress line's text for a stage of the build. */
export function progressText(event: BuildProgress): string {
  switch (event.stage) {
    case 'keys':
      return `generating ${event.keys} CA key${event.keys === 1 ? '' : 's'}...`;
    case 'render':
      return `rendering clusters: ${event.done}/${event.total}`;
    case 'compare':
      return 'comparing with the output directory...';
    case 'write':
      return 'writing the output directory...';
  }
}

/**
 * One line on a terminal's stderr, redrawn in place, for builds that take more than about a
 * second: nothing is drawn before `delayMs`, then the latest text at most every `intervalMs`;
 * clear() erases it, so the report that follows starts on a clean line.
 */
export class ProgressLine {
  private text = '';
  private drawn = false;
  private lastDraw = 0;
  private readonly start: number;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: { delayMs?: number; intervalMs?: number; now?: () => number } = {},
  ) {
    this.start = this.now();
    // a stage that takes long without telling (key generation, a slow disk) still shows once the delay is over
    this.timer = setTimeout(() => this.draw(), this.options.delayMs ?? 1000);
    this.timer.unref?.();
  }

  show(text: string): void {
    this.text = text;
    const now = this.now();
    if (now - this.start >= (this.options.delayMs ?? 1000) && now - this.lastDraw >= (this.options.intervalMs ?? 100)) this.draw();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(): void {
    if (!this.text) return;
    this.lastDraw = this.now();
    this.stream.write(`\r\x1b[2Kmeshgen: ${this.text}`);
    this.drawn = true;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/**
 * `meshgen build | head -1`: once the reader of stdout (or stderr) exits, writes fail with
 * EPIPE. That is no error of the run, whose work is done by the time it prints: nothing more
 * is printed and the exit code stays the run's.
 */
function exitQuietlyWhenTheReaderGoesAway(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

// Run when executed as a bin (not when imported by tests).
const invokedAsBin = process.argv[1] !== undefined && /(?:^|[\\/])(cli\.(?:js|ts)|meshgen)$/.test(process.argv[1]);
if (invokedAsBin) {
  for (const key of Object.keys(process.env)) if (key.startsWith('CDK8S_')) delete process.env[key];
  exitQuietlyWhenTheReaderGoesAway();
  main(process.argv.slice(2), (s) => process.stdout.write(s + '\n'), (s) => process.stderr.write(s + '\n'), process.stderr).then(
    (code) => {
      process.exitCode = code;
    },
    async (e: unknown) => {
      const stack = (e as Error)?.stack;
      // the bin is a bundle: its frames are mapped back to src/ (internal-error.ts)
      const mapped = typeof stack === 'string' ? await import('./internal-error.js').then((m) => m.sourceMappedStack(stack)).catch(() => stack) : String(e);
      process.stderr.write(`meshgen: internal error (this is a bug in meshgen, please report it):\n${mapped}\n`);
      process.exitCode = 70;
    },
  );
}
