import { parse } from 'yaml';
import { build, loadStage } from '../../src/pipeline.js';
import { MemoryHost } from '../../src/host/memory-host.js';
import { buildModel, type MeshModel } from '../../src/model/mesh-model.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { planMesh } from '../../src/plan/mesh-plan.js';
import { join } from 'node:path';
import { MEMORY_REPO, memoryHostWith } from './memory.js';
import { examplePath, readTree, tempDir } from './fixtures.js';

/**
 * The build's own stages for mesh text, in memory: load and validate, model, plan, then render
 * without CA material or credentials (so no certs/ or secret content), failing loudly if the
 * mesh is not valid.
 */
export function renderText(text: string): RenderedText {
  return renderLoaded(loadStage(new MemoryHost({ files: { '/mesh.yaml': text } }), '/mesh.yaml'));
}

/** renderText of an example with the files beside its mesh.yaml (its extraManifests directories), in memory. */
export function renderExample(example: string): RenderedText {
  return renderLoaded(loadStage(memoryHostWith([`examples/${example}`]), join(MEMORY_REPO, 'examples', example, 'mesh.yaml')));
}

type RenderedText = { mesh: MeshModel; files: Map<string, string>; yaml: (path: string) => any };

function renderLoaded(loaded: ReturnType<typeof loadStage>): RenderedText {
  const problems = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (problems.length || !loaded.document) throw new Error(`invalid test mesh: ${problems.map((d) => d.message).join('; ')}`);
  const mesh = buildModel(loaded.document);
  const rendered = renderMesh({ mesh, plan: planMesh(mesh), sourceLabel: 'mesh.yaml', extraManifests: loaded.extraManifests?.byCluster });
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

/**
 * `meshgen build examples/<example>/mesh.yaml --out <a new temp dir>`, run in this process (the
 * CLI's build: the same library call on the real filesystem): every file it wrote, private ones
 * included. Fails loudly on an error diagnostic.
 */
export async function buildExampleTree(example: string): Promise<Map<string, Buffer>> {
  const out = tempDir();
  const result = await build({ meshFile: examplePath(example), outDir: out });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.ok || errors.length) throw new Error(`example ${example} does not build: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return readTree(out);
}
