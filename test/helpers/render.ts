import { parse } from 'yaml';
import { loadStage } from '../../src/pipeline.js';
import { MemoryHost } from '../../src/host/memory-host.js';
import { buildModel, type MeshModel } from '../../src/model/mesh-model.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { planMesh } from '../../src/plan/mesh-plan.js';

/**
 * The build's own stages for mesh text, in memory: load and validate, model, plan, then render
 * without CA material or credentials (so no certs/ or secret content), failing loudly if the
 * mesh is not valid.
 */
export function renderText(text: string): { mesh: MeshModel; files: Map<string, string>; yaml: (path: string) => any } {
  const loaded = loadStage(new MemoryHost({ files: { '/mesh.yaml': text } }), '/mesh.yaml');
  const problems = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (problems.length || !loaded.document) throw new Error(`invalid test mesh: ${problems.map((d) => d.message).join('; ')}`);
  const mesh = buildModel(loaded.document);
  const rendered = renderMesh({ mesh, plan: planMesh(mesh), sourceLabel: 'mesh.yaml' });
  const files = new Map([...rendered.files].map(([path, f]) => [path, f.content ?? '']));
  return {
    mesh,
    files,
    yaml: (path: string) => {
      const content = files.get(path);
      if (content === undefined) throw new Error(`not rendered: ${path}`);
      return parse(content);
    },
  };
}

/** A mesh file around `spec`; remote secrets are off (secrets.mode omit) unless a test turns them on. */
export function meshText(spec: string): string {
  return `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata:\n  name: demo\nspec:\n  secrets: { mode: omit }\n${spec.replace(/^/gm, '  ')}\n`;
}
