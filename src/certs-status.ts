import { dirname, resolve } from 'node:path';
import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import { buildModel } from './model/mesh-model.js';
import { loadMesh, pkiDirDisplay } from './pipeline.js';
import { certsStatus, formatCertsStatus } from './pki/index.js';
import { clustersWithCa } from './render/secrets/ca-material.js';

/** `meshgen certs status`: the mesh's CA certificates and whether each one verifies. */
export async function certsStatusReport(meshFile: string): Promise<{ ok: boolean; text?: string; diagnostics: Diagnostic[]; sources: Map<string, string> }> {
  const loaded = loadMesh(meshFile);
  const sources = new Map([[loaded.source.file, loaded.source.text]]);
  if (!loaded.document || hasErrors(loaded.diagnostics)) return { ok: false, diagnostics: loaded.diagnostics.filter((d) => d.severity === 'error'), sources };
  const mesh = buildModel(loaded.document);
  const { rows, diagnostics } = await certsStatus({
    model: { pki: mesh.pki, clusters: clustersWithCa(mesh) },
    meshDir: dirname(resolve(meshFile)),
    pkiDirDisplay: pkiDirDisplay(mesh, meshFile),
  });
  return { ok: !hasErrors(diagnostics) && rows.every((r) => r.verifies), text: rows.length ? formatCertsStatus(rows) : undefined, diagnostics, sources };
}
