import path from 'node:path';
import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { Host } from '../host/host.js';
import { acquireLock, describeHolder, lockPathFor, releaseLock } from '../host/lock.js';
import { createCaMaterial, signerOf } from './generate.js';
import { absolutePath, CA_CERT, CA_KEY, CERT_CHAIN, CERT_FILE_MODE, clusterFile, displayPath, KEY_FILE_MODE, pkiLayout, ROOT_CERT, ROOT_KEY } from './layout.js';
import { exists, readPkiFiles } from './load.js';
import { pkiDirProblems, slotsOf, type PendingWrite, type PkiModel } from './plan.js';
import { slotFile } from '../rules/pki-intermediates.js';
import { inspectPki } from './verify.js';
import { publishPkiWrites, recoverPki } from './write.js';

// `meshgen certs rotate-intermediate <cluster>`: a new intermediate for one primary, signed by
// the same root. The old one is retired, not deleted: pki/<cluster>/ is renamed to
// pki/<cluster>.retired.<first 16 hex digits of its SHA-256>/ (a dot cannot appear in a
// cluster name, so it never collides with a cluster's directory), and the new intermediate is
// written into pki/<cluster>/ as a build writes CA material (staged, then committed).
//
// A command, not a mesh.yaml field: renewing is an action taken once, not a state of the mesh.
// A field would renew on every build unless it carried a counter the user must bump, and the
// pki directory, not mesh.yaml, is where the CA's history lives. After the command, an
// ordinary `meshgen build` renders the change: that cluster's certs/ and its cacerts, nothing
// else (the root bytes are the same, so istiod reloads cacerts without ISTIO_MULTIROOT_MESH,
// pilot/pkg/bootstrap/istio_ca.go; existing workload certificates stay valid until renewed).

export interface RotateIntermediateInput {
  host: Host;
  model: PkiModel;
  meshDir: string;
  pkiDirDisplay: string;
  cluster: string;
  /** a root rotation is in progress (spec.pki.rotation): where it is in mesh.yaml */
  rotationAt?: Pick<Diagnostic, 'file' | 'position'>;
  /** where spec.pki.intermediates is in mesh.yaml: a shared intermediate is refused there */
  intermediatesAt?: Pick<Diagnostic, 'file' | 'position'>;
  lockTimeoutMs?: number;
}

export interface RotateIntermediateResult {
  diagnostics: Diagnostic[];
  /** the retired directory and the new files, as diagnostics show them */
  retired?: string;
  created?: string[];
}

export async function rotateIntermediate(input: RotateIntermediateInput): Promise<RotateIntermediateResult> {
  const { host, cluster } = input;
  const layout = pkiLayout(input.meshDir, input.model.pki.dir, input.pkiDirDisplay);
  const primaries = input.model.clusters.map((c) => c.name);
  const refuse = (message: string, hint: string, at: Pick<Diagnostic, 'file' | 'position'> = {}) => ({
    diagnostics: [error(Codes.RotateIntermediateRefused, message, { ...at, hint })],
  });
  if (!primaries.includes(cluster)) {
    return refuse(`"${cluster}" is not a primary cluster of this mesh: only a primary has an intermediate CA`, `primaries: ${primaries.join(', ') || 'none'}`);
  }
  // One intermediate for every primary: renewing it for one cluster is not possible, and
  // renewing it for all is a change of every cluster's CA that the user makes on purpose
  // (with step-ca, or by moving the files aside so that the next build signs a new one).
  const shared = slotsOf(input.model).find((s) => s.shared);
  if (shared) {
    const files = [CA_CERT, CA_KEY, CERT_CHAIN].map((f) => displayPath(layout, slotFile(shared, f)));
    return {
      diagnostics: [
        error(Codes.SharedIntermediateRotateRefused, `pki.intermediates is shared: the intermediate of "${cluster}" is also the one of ${shared.clusters.filter((c) => c !== cluster).map((c) => `"${c}"`).join(', ') || 'no other cluster'}, so it cannot be renewed for "${cluster}" alone`, {
          ...(input.intermediatesAt ?? {}),
          hint: `to renew it for every primary, move ${files.join(', ')} aside and run meshgen build (it signs a new one with ${displayPath(layout, ROOT_KEY)}), or put a new intermediate from your CA (e.g. step-ca) in their place; to renew one cluster at a time, switch to pki.intermediates: per-cluster`,
        }),
      ],
    };
  }
  if (input.rotationAt) {
    return refuse('a root rotation is in progress (spec.pki.rotation): its phases decide every intermediate', 'finish the root rotation first, then renew intermediates', input.rotationAt);
  }
  const location = pkiDirProblems(host, layout, primaries);
  if (location.length) return { diagnostics: location };

  const lock = await acquireLock(host, lockPathFor(layout.dir), { timeoutMs: input.lockTimeoutMs ?? 10_000 });
  if ('busy' in lock) {
    return { diagnostics: [error(Codes.OutputLocked, `${layout.display} is locked by another meshgen run (${describeHolder(lock.busy)})`, { hint: 'wait for it to finish, then run the command again' })] };
  }
  try {
    const target = { dir: layout.dir, display: layout.display };
    const recovered = recoverPki(host, target);
    if (recovered.diagnostics.length) return { diagnostics: recovered.diagnostics };
    const inspection = inspectPki(readPkiFiles(host, layout, primaries), layout, host.now());
    const relevant = new Set([ROOT_CERT, ROOT_KEY, ...[CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT].map((f) => clusterFile(cluster, f))].map((f) => displayPath(layout, f)));
    const problems = inspection.diagnostics.filter((d) => d.severity === 'error' && d.file !== undefined && relevant.has(d.file));
    if (problems.length) return { diagnostics: sortDiagnostics(problems) };
    const { root } = inspection;
    const current = inspection.clusters.find((c) => c.cluster === cluster);
    if (!current?.certificate) {
      return refuse(`cluster "${cluster}" has no intermediate yet, so there is nothing to renew`, 'run meshgen build: it creates the intermediate');
    }
    if (!root.certificate || !root.key || !exists(readPkiFiles(host, layout, []).root.key)) {
      return refuse(`the root key ${displayPath(layout, ROOT_KEY)} is missing, so a new intermediate cannot be signed`, `put the root key back, or sign a new intermediate elsewhere and place it in ${displayPath(layout, cluster)}/`, { file: displayPath(layout, ROOT_KEY) });
    }

    const retiredName = `${cluster}.retired.${current.certificate.cert.fingerprint256.replace(/:/g, '').slice(0, 16).toLowerCase()}`;
    if (host.lstat(path.join(layout.dir, retiredName))) {
      return refuse(`${displayPath(layout, retiredName)} exists already`, 'move it aside; meshgen never replaces CA material');
    }
    const created = await createCaMaterial({ signer: signerOf(root.certificate.text, root.key), intermediates: [{ cluster, profile: input.model.pki.intermediate }], now: host.now(), keyType: input.model.pki.keyType });
    const made = created.intermediates.get(cluster);
    if (!made) throw new Error('rotateIntermediate: no intermediate was created');
    const rootPem = root.certificate.text;
    const writes: PendingWrite[] = [
      { path: absolutePath(layout, clusterFile(cluster, CA_KEY)), content: made.keyPem, mode: KEY_FILE_MODE },
      { path: absolutePath(layout, clusterFile(cluster, CA_CERT)), content: made.certPem, mode: CERT_FILE_MODE },
      { path: absolutePath(layout, clusterFile(cluster, CERT_CHAIN)), content: made.certPem + rootPem, mode: CERT_FILE_MODE },
      { path: absolutePath(layout, clusterFile(cluster, ROOT_CERT)), content: rootPem, mode: CERT_FILE_MODE },
    ];
    // retire the old directory, then publish the new one whole; put the old one back if that fails
    const clusterDir = path.join(layout.dir, cluster);
    const retiredDir = path.join(layout.dir, retiredName);
    host.rename(clusterDir, retiredDir);
    const published = publishPkiWrites(host, target, writes);
    if (published.diagnostics.length) {
      if (!host.lstat(clusterDir)) host.rename(retiredDir, clusterDir);
      return { diagnostics: published.diagnostics };
    }
    return { diagnostics: [], retired: displayPath(layout, retiredName), created: published.committed.map((f) => displayPath(layout, f)) };
  } finally {
    releaseLock(host, lock.held);
  }
}
