import { parse } from 'yaml';
import { parseMeshSource } from '../../src/load/mesh-source.js';
import { validateSchema } from '../../src/validate/schema.js';
import { checkSemantics } from '../../src/validate/semantics.js';
import { buildModel, type MeshModel } from '../../src/model/mesh-model.js';
import type { MeshDocument } from '../../src/rules/mesh-spec.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { planMesh } from '../../src/plan/mesh-plan.js';

/** Renders mesh text in memory (no disk), failing loudly if it is not valid. */
export function renderText(text: string): { mesh: MeshModel; files: Map<string, string>; yaml: (path: string) => any } {
  const { source, diagnostics } = parseMeshSource('mesh.yaml', text);
  const value = source.doc.toJS();
  const problems = [...diagnostics, ...validateSchema(source, value), ...checkSemantics(source, value as MeshDocument)].filter((d) => d.severity === 'error');
  if (problems.length) throw new Error(`invalid test mesh: ${problems.map((d) => d.message).join('; ')}`);
  const mesh = buildModel(value as MeshDocument);
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
