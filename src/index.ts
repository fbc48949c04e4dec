// The library API: what the CLI uses, and what tests and other tools may call.
export { build, validate, certsStatus, certsRotateIntermediate, loadStage, type BuildOptions, type BuildResult, type CertsStatusResult } from './pipeline.js';
export { type Host, HostError } from './host/host.js';
export { nodeHost } from './host/node-host.js';
export { MemoryHost } from './host/memory-host.js';
export { planMesh, type MeshPlan } from './plan/mesh-plan.js';
export { UsageError } from './usage-error.js';
export { formatDiagnostic, type Diagnostic, type Severity } from './diagnostics/diagnostic.js';
export { Codes } from './diagnostics/catalog.js';
export { buildModel, type MeshModel, type ClusterModel } from './model/mesh-model.js';
export { renderMesh } from './render/render-mesh.js';
export { canonicalYaml } from './resource/canonical-yaml.js';
