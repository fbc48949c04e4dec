// The PKI module: CA material for a multi-cluster mesh.
export { pkiDirProblems } from './plan.js';
export { planPki, type ClusterCaMaterial, type PendingWrite, type PkiPlan, type PkiModel, type PlanPkiInput } from './plan.js';
export { publishPkiWrites, stagePkiWrites, commitStagedPki, discardStagedPki, recoverPki, type PkiTarget, type StagedPki } from './write.js';
export { certsStatus, formatCertsStatus, type CertStatusRow, type CertsStatusInput } from './status.js';
export { certificateBuildCount } from './generate.js';
