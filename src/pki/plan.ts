import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { MeshModel } from '../model/mesh-model.js';
import type { Host } from '../host/host.js';
import { createCaMaterial, signerOf, type CreatedCa } from './generate.js';
import {
  absolutePath,
  CA_CERT,
  CA_KEY,
  CERT_CHAIN,
  CERT_FILE_MODE,
  clusterFile,
  displayPath,
  KEY_FILE_MODE,
  pkiLayout,
  ROOT_CERT,
  ROOT_KEY,
  type PkiLayout,
} from './layout.js';
import { exists, readPkiFiles, textOf } from './load.js';
import { Codes } from '../diagnostics/catalog.js';
import { inspectPki, type Inspection } from './verify.js';

// The PKI stage: read what exists, check it, and create what is missing (SPEC section 5).
// Planning writes nothing; the build commits `writes` only when every stage succeeded.

export interface ClusterCaMaterial {
  cluster: string;
  /** LF, as on disk */
  rootCertPem: string;
  caCertPem: string;
  certChainPem: string;
  /** undefined when the key file is absent (e.g. a CI checkout holding only public certs) */
  caKeyPem?: string;
}

export interface PendingWrite {
  /** absolute */
  path: string;
  content: string;
  /** 0o600 for keys, 0o644 for certificates */
  mode: number;
}

export interface PkiPlan {
  diagnostics: Diagnostic[];
  rootCertPem?: string;
  /** by cluster name, for every cluster of the mesh that has (or will get) material */
  material: Map<string, ClusterCaMaterial>;
  /** new files only, never an existing one; empty when nothing needs generating */
  writes: PendingWrite[];
}

/** What the PKI stage reads from the model; a MeshModel is one. */
export interface PkiModel {
  pki: MeshModel['pki'];
  clusters: readonly { name: string }[];
}

export interface PlanPkiInput {
  host: Host;
  model: PkiModel;
  /** absolute directory of mesh.yaml; model.pki.dir is relative to it */
  meshDir: string;
  /** how diagnostics show the pki dir, e.g. "examples/demo/pki" */
  pkiDirDisplay: string;
  /** false for validate and build --check: missing material is then an error (missing key files are not) */
  allowGenerate: boolean;
}

export async function planPki(input: PlanPkiInput): Promise<PkiPlan> {
  const now = input.host.now();
  const { model } = input;
  const layout = pkiLayout(input.meshDir, model.pki.dir, input.pkiDirDisplay);
  const files = readPkiFiles(input.host, layout, model.clusters.map((c) => c.name));
  const inspection = inspectPki(files, layout, now);
  const { root } = inspection;
  const diagnostics = [...inspection.diagnostics];
  const newClusters = inspection.clusters.filter((c) => c.state === 'absent').map((c) => c.cluster);

  let created: CreatedCa | undefined;
  if (!input.allowGenerate) {
    diagnostics.push(...missingMaterialErrors(inspection, layout));
  } else {
    if (root.state === 'present' && newClusters.length > 0 && !exists(files.root.key)) {
      diagnostics.push(rootKeyMissing(layout, newClusters));
    }
    // New intermediates are signed only by a root that passed every check.
    const signer = root.sound && root.certificate && root.key ? signerOf(root.certificate.text, root.key) : undefined;
    const newRoot = root.state === 'absent';
    if (newRoot || (signer && newClusters.length > 0)) {
      created = await createCaMaterial({
        newRoot: newRoot ? model.pki.root : undefined,
        signer,
        intermediates: newClusters.map((cluster) => ({ cluster, profile: model.pki.intermediate })),
        now,
      });
    }
  }

  // Keys before certificates: if a run is cut short, the next one finds a key without its
  // certificate and says so, rather than a certificate whose key is lost.
  const writes: PendingWrite[] = [];
  const write = (file: string, content: string, mode: number) => writes.push({ path: absolutePath(layout, file), content, mode });

  let rootCertPem = textOf(files.root.cert);
  if (created?.root) {
    rootCertPem = created.root.certPem;
    write(ROOT_KEY, created.root.keyPem, KEY_FILE_MODE);
    write(ROOT_CERT, created.root.certPem, CERT_FILE_MODE);
  }

  const material = new Map<string, ClusterCaMaterial>();
  for (const { cluster, state, files: existing } of inspection.clusters) {
    const made = created?.intermediates.get(cluster);
    if (made && rootCertPem !== undefined) {
      const certChainPem = made.certPem + rootCertPem;
      write(clusterFile(cluster, CA_KEY), made.keyPem, KEY_FILE_MODE);
      write(clusterFile(cluster, CA_CERT), made.certPem, CERT_FILE_MODE);
      write(clusterFile(cluster, CERT_CHAIN), certChainPem, CERT_FILE_MODE);
      write(clusterFile(cluster, ROOT_CERT), rootCertPem, CERT_FILE_MODE);
      material.set(cluster, { cluster, rootCertPem, caCertPem: made.certPem, certChainPem, caKeyPem: made.keyPem });
      continue;
    }
    const caCertPem = textOf(existing.caCert);
    if (state !== 'present' || caCertPem === undefined) continue;
    let certChainPem = textOf(existing.certChain);
    let clusterRootPem = textOf(existing.rootCert);
    // The two derived files can be restored from the others without touching a key.
    if (input.allowGenerate && rootCertPem !== undefined) {
      if (!exists(existing.certChain)) {
        certChainPem = caCertPem + rootCertPem;
        write(clusterFile(cluster, CERT_CHAIN), certChainPem, CERT_FILE_MODE);
      }
      if (!exists(existing.rootCert)) {
        clusterRootPem = rootCertPem;
        write(clusterFile(cluster, ROOT_CERT), clusterRootPem, CERT_FILE_MODE);
      }
    }
    if (certChainPem === undefined || clusterRootPem === undefined) continue;
    material.set(cluster, { cluster, rootCertPem: clusterRootPem, caCertPem, certChainPem, caKeyPem: textOf(existing.caKey) });
  }

  return { diagnostics: sortDiagnostics(diagnostics), rootCertPem, material, writes };
}

/** When this run may not create files: everything absent that a build would create. */
export function missingMaterialErrors(inspection: Inspection, layout: PkiLayout): Diagnostic[] {
  const hint = 'run meshgen build to create it';
  const missing = (file: string, message: string) => error(Codes.MaterialMissing, message, { file: displayPath(layout, file), hint });
  const diagnostics: Diagnostic[] = [];
  if (inspection.root.state === 'absent') diagnostics.push(missing(ROOT_CERT, 'root certificate does not exist yet'));
  for (const { cluster, state, files } of inspection.clusters) {
    if (state === 'absent') diagnostics.push(missing(clusterFile(cluster, CA_CERT), `cluster "${cluster}" has no CA material yet`));
    if (state !== 'present') continue;
    if (!exists(files.certChain)) diagnostics.push(missing(clusterFile(cluster, CERT_CHAIN), `certificate chain of cluster "${cluster}" is missing`));
    if (!exists(files.rootCert)) diagnostics.push(missing(clusterFile(cluster, ROOT_CERT), `root certificate copy of cluster "${cluster}" is missing`));
  }
  return diagnostics;
}

function rootKeyMissing(layout: PkiLayout, clusters: string[]): Diagnostic {
  const needs = clusters.length === 1 ? `cluster "${clusters[0]}" needs` : `clusters ${clusters.map((c) => `"${c}"`).join(', ')} need`;
  return error(Codes.RootKeyMissing, `root key is missing, and ${needs} a new intermediate signed by it`, {
    file: displayPath(layout, ROOT_KEY),
    hint: `put the root key back at ${displayPath(layout, ROOT_KEY)}, or sign the intermediate elsewhere and place its files in ${displayPath(layout, clusters[0])}`,
  });
}
