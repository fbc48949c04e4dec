import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf, type MeshSource, type YamlPath } from '../load/mesh-source.js';
import type { MeshDocument } from '../rules/mesh-spec.js';
import type { Context, SemanticCheck } from './checks/check-context.js';
import { checkIstioVersion } from './checks/istio-version.js';
import { checkUniqueNames } from './checks/unique-names.js';
import { checkObjectMapKeys } from './checks/object-map-keys.js';
import { checkNetworks } from './checks/networks.js';
import { checkClusterReferences } from './checks/cluster-references.js';
import { checkCidrs, checkIncludeIpRanges, checkPodServiceCidrs } from './checks/cidrs.js';
import { checkNorthSouth } from './checks/north-south.js';
import { checkVerification } from './checks/verification.js';
import { checkExclusiveFields } from './checks/exclusive-fields.js';
import { checkUrls } from './checks/urls.js';
import { checkGateways } from './checks/gateways.js';
import { checkControlPlanes } from './checks/control-planes.js';
import { checkApiServers } from './checks/api-servers.js';
import { checkServices } from './checks/services.js';
import { checkDns } from './checks/dns.js';
import { checkLegacyGlobal } from './checks/legacy-global.js';
import { checkGitops } from './checks/gitops.js';
import { checkAmbient } from './checks/ambient.js';
import { checkSecretsByReference } from './checks/secrets-by-reference.js';
import { checkLifecycle } from './checks/lifecycle.js';
import { checkHelmOverlays } from './checks/helm-overlays.js';
import { checkEncryptedSecrets } from './checks/encrypted-secrets.js';
import { checkPkiIntermediates } from './checks/pki-intermediates.js';

// Checks of meaning, on a document whose shape the schema already accepted. Each check
// reports at the node the user has to change, and every check runs, so that one run
// shows every problem. This list is the only place that names them.

export const SEMANTIC_CHECKS: readonly SemanticCheck[] = [
  checkIstioVersion,
  checkUniqueNames,
  checkObjectMapKeys,
  checkNetworks,
  checkClusterReferences,
  checkCidrs,
  checkExclusiveFields,
  checkUrls,
  checkGateways,
  checkControlPlanes,
  checkApiServers,
  checkServices,
  checkDns,
  checkLegacyGlobal,
  checkGitops,
  checkAmbient,
  checkSecretsByReference,
  checkLifecycle,
  checkHelmOverlays,
  checkPodServiceCidrs,
  checkIncludeIpRanges,
  checkNorthSouth,
  checkVerification,
  checkEncryptedSecrets,
  checkPkiIntermediates,
];

export function checkSemantics(source: MeshSource, document: MeshDocument, today?: Date): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const context: Context = {
    document,
    at: (path: YamlPath, which: 'value' | 'key' = 'value') => ({ file: source.file, position: positionOf(source, path, which) }),
    report: (d) => diagnostics.push(d),
    today,
  };
  for (const check of SEMANTIC_CHECKS) check(context);
  return diagnostics;
}
