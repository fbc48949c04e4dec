import { ISTIO_NAMESPACE, type MeshModel } from '../../model/mesh-model.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import type { RotationPhase, RotationPlan } from '../../plan/rotation-plan.js';
import type { ClusterCaMaterial } from '../../pki/plan.js';
import { cacertsPath, certPath, valuesFilePath } from '../../resource/out-layout.js';
import { helmChartArguments } from '../../plan/chart-releases.js';
import { contextOf } from './kube-context.js';
import { parseCertificate } from '../../pki/x509.js';

// The part of out/README.md about a root rotation in progress (spec.pki.rotation): the phase,
// what changed, how to apply it, what to check in each cluster before the next phase, and how
// long to wait. Everything it states comes from the rotation plan and the CA material the pki
// stage handed over; nothing is re-derived.

/** The directory (relative to spec.pki.dir) the pki stage keeps root B and its intermediates in. */
const NEW_ROOT_DIR = 'rotation.new';

/** Istio's default workload certificate lifetime (istiod's DEFAULT_WORKLOAD_CERT_TTL, pilot/pkg/features/security.go). */
const WORKLOAD_CERT_TTL = '24 hours';

const CHANGES: Record<RotationPhase, string[]> = {
  'trust-both': [
    'A new root (B) was created beside the current one (A). Every primary\'s trust bundle',
    '(`root-cert.pem` in `cacerts` and in `certs/`) is now A followed by B: A\'s bytes first and',
    'unchanged, so istiod accepts the new bundle on reload. Intermediates are still signed by A.',
    'istiod runs with `ISTIO_MULTIROOT_MESH=true` (it rejects a changed root bundle without it and',
    'only then sends proxies the bundle), and proxies with `PROXY_CONFIG_XDS_AGENT=true` (the agent',
    'takes a changed bundle and requests a new certificate at once).',
  ],
  'sign-with-new': [
    'Every primary\'s intermediate is re-issued under root B; `cert-chain.pem` is the new',
    'intermediate followed by B. The trust bundle is A, B, B: it still trusts both roots, and its',
    'bytes change (B twice, as in Istio\'s own rotation test) so that istiod pushes it and every',
    'agent requests a certificate from the new intermediate at once.',
  ],
  'drop-old': [
    'Every trust bundle is B alone. Root A and its intermediates are no longer in any cluster;',
    'their files stay in the pki directory (see "Finishing the rotation").',
  ],
};

/** The two roots of a rotation, PEM as on disk. */
export interface RotationRoots {
  oldRootPem: string;
  newRootPem: string;
}

export function rotationSection(mesh: MeshModel, meshPlan: MeshPlan, pkiDir: string, caMaterial: ReadonlyMap<string, ClusterCaMaterial>, rotationRoots?: RotationRoots): string[] {
  const rotation = meshPlan.rotation;
  if (!rotation) return [];
  const primaries = meshPlan.installOrder.filter((p) => p.caMaterial);
  const roots = rotationRoots ? describeRoots(rotationRoots) : undefined;
  const step = ['trust-both', 'sign-with-new', 'drop-old'].indexOf(rotation.phase) + 1;
  const lines = [
    '',
    '## Root rotation',
    '',
    `Phase **${rotation.phase}** (${step} of 3)${rotation.previous ? `, after ${rotation.previous}` : ''}${rotation.next ? `; next: ${rotation.next}` : '; the last phase'}.`,
    '',
    ...CHANGES[rotation.phase],
    '',
  ];
  if (roots) {
    lines.push('| root | subject | SHA-256 | in the bundles |', '|---|---|---|---|');
    for (const root of roots) lines.push(`| ${root.name} | ${root.subject} | \`${root.sha256}\` | ${rotation.bundle.includes(root.name === 'A' ? 'old' : 'new') ? 'yes' : 'no'} |`);
    lines.push('');
  }
  lines.push('| cluster | trust bundle | intermediate signed by | intermediate SHA-256 |', '|---|---|---|---|');
  for (const plan of primaries) {
    const material = caMaterial.get(plan.cluster.name);
    if (!material) continue;
    const intermediate = parseCertificate(material.caCertPem);
    const bundle = rotation.bundle.map((r) => (r === 'old' ? 'A' : 'B')).join(' + ');
    lines.push(`| ${plan.cluster.name} | ${bundle} | ${rotation.signer === 'old' ? 'A' : 'B'} | \`${intermediate.fingerprint256}\` |`);
  }

  lines.push(
    '',
    '### Apply',
    '',
    rotation.phase === 'trust-both'
      ? 'Primaries in turn; istiod first, so that it runs with the multi-root settings when the new `cacerts` arrives:'
      : 'Primaries in turn (every cluster trusts both roots, so traffic between a cluster done and one not yet done keeps flowing):',
    '',
    '```sh',
  );
  for (const plan of primaries) {
    const c = plan.cluster;
    const istiod = plan.releases.find((r) => r.chart === 'istiod');
    if (istiod && rotation.phase === 'trust-both') {
      lines.push(`helm upgrade ${istiod.release} ${helmChartArguments(mesh, istiod.chart)} --version ${mesh.istio.version} --kube-context ${contextOf(c)} -n ${ISTIO_NAMESPACE} -f ${valuesFilePath(c.name, istiod.release)} --wait`);
    }
    lines.push(cacertsUpdate(plan.cacerts, contextOf(c), c.name, pkiDir, rotation));
  }
  lines.push('```');
  if (rotation.phase === 'trust-both') {
    lines.push(
      '',
      'Then restart every injected workload once in every cluster (remotes too), so that its agent',
      'runs with `PROXY_CONFIG_XDS_AGENT` (an agent reads its environment only at start):',
      '',
      '```sh',
      ...meshPlan.installOrder.flatMap((p) => {
        const injected = p.namespaces.filter((n) => n.injection === 'sidecar').map((n) => n.name);
        return [...injected, '<each other injected namespace>'].map((ns) => `kubectl --context ${contextOf(p.cluster)} rollout restart deployment -n ${ns}`);
      }),
      '```',
    );
  }

  lines.push('', '### Check each cluster before the next phase', '');
  lines.push(...checks(rotation, meshPlan, roots));
  lines.push(
    '',
    `Wait: ${rotation.phase === 'drop-old' ? 'nothing more once the checks pass.' : `at least the workload certificate lifetime (${WORKLOAD_CERT_TTL} by default, istiod's \`DEFAULT_WORKLOAD_CERT_TTL\`) after the last cluster was applied, unless every proxy already shows the expected certificates: a certificate issued before this phase stays in use until it is renewed.`}`,
  );
  if (rotation.next) {
    lines.push('', `Then set \`spec.pki.rotation.phase: ${rotation.next}\`, build, and review the pull request.`);
  } else {
    lines.push(...finishing(primaries.map((p) => p.cluster.name), pkiDir, roots));
  }
  return lines;
}

interface RootDescription {
  name: 'A' | 'B';
  subject: string;
  sha256: string;
  serial: string;
}

/** Root A and root B, as the pki stage read or made them. */
function describeRoots(roots: RotationRoots): RootDescription[] {
  return (
    [
      ['A', roots.oldRootPem],
      ['B', roots.newRootPem],
    ] as const
  ).map(([name, pem]) => {
    const cert = parseCertificate(pem);
    return { name, subject: cert.subject.split('\n').join(', '), sha256: cert.fingerprint256, serial: cert.serialNumber };
  });
}

function cacertsUpdate(delivery: 'file' | 'manual' | string | undefined, ctx: string, cluster: string, pkiDir: string, rotation: RotationPlan): string {
  if (delivery === 'file') return `kubectl --context ${ctx} apply -f ${cacertsPath(cluster)}`;
  return rotationCacertsCommand(ctx, cluster, pkiDir, rotation);
}

/** cacerts made by hand during a rotation: the public files of the phase from certs/, the key from where the pki stage keeps it. */
export function rotationCacertsCommand(ctx: string, cluster: string, pkiDir: string, rotation: RotationPlan): string {
  const keyDir = rotation.signer === 'new' ? `${pkiDir}/${NEW_ROOT_DIR}/${cluster}` : `${pkiDir}/${cluster}`;
  const from = [
    `ca-cert.pem=${certPath(cluster, 'ca-cert.pem')}`,
    `ca-key.pem=${keyDir}/ca-key.pem`,
    `root-cert.pem=${certPath(cluster, 'root-cert.pem')}`,
    `cert-chain.pem=${certPath(cluster, 'cert-chain.pem')}`,
  ];
  return `kubectl --context ${ctx} -n ${ISTIO_NAMESPACE} create secret generic cacerts ${from.map((f) => `--from-file=${f}`).join(' ')} --dry-run=client -o yaml | kubectl --context ${ctx} apply -f -`;
}

function checks(rotation: RotationPlan, meshPlan: MeshPlan, roots: RootDescription[] | undefined): string[] {
  const trusted = (roots ?? []).filter((r) => rotation.bundle.includes(r.name === 'A' ? 'old' : 'new'));
  const serials = trusted.map((r) => `${r.name} = serial \`${r.serial}\``).join(', ');
  const lines = [
    '1. istiod took the new bundle: the root ConfigMap it writes into every namespace equals `certs/root-cert.pem`',
    '   (no output from `diff`), and its log has no error about the CA:',
    '',
    '```sh',
  ];
  for (const plan of meshPlan.installOrder.filter((p) => p.caMaterial)) {
    const ctx = contextOf(plan.cluster);
    lines.push(
      `diff <(kubectl --context ${ctx} -n ${ISTIO_NAMESPACE} get configmap istio-ca-root-cert -o jsonpath='{.data.root-cert\\.pem}') ${certPath(plan.cluster.name, 'root-cert.pem')}`,
      `kubectl --context ${ctx} -n ${ISTIO_NAMESPACE} logs deployment/istiod | grep -iE 'root cert|cacerts|x509' | tail`,
    );
  }
  lines.push('```', '', `2. Proxies in every cluster (remotes too) trust ${rotation.bundle.includes('old') ? 'both roots' : 'root B only'}: their \`ROOTCA\` lists ${serials || 'the roots above'}:`, '', '```sh');
  for (const plan of meshPlan.installOrder) lines.push(`istioctl --context ${contextOf(plan.cluster)} proxy-config secret <pod> -n <namespace>`);
  lines.push('```');
  if (rotation.signer === 'new') {
    lines.push(
      '',
      '3. Workload certificates come from the new intermediate: the issuer of `default` is the cluster\'s',
      '   intermediate under B (`openssl x509 -noout -subject -in <cluster>/certs/ca-cert.pem`):',
      '',
      '```sh',
      ...meshPlan.installOrder.map(
        (p) =>
          `istioctl --context ${contextOf(p.cluster)} proxy-config secret <pod> -n <namespace> -o json | jq -r '.dynamicActiveSecrets[] | select(.name == "default") | .secret.tlsCertificate.certificateChain.inlineBytes' | base64 -d | openssl x509 -noout -issuer`,
      ),
      '```',
    );
  }
  lines.push('', 'And traffic between clusters still flows (for instance the verification workloads, when on).');
  return lines;
}

/** After drop-old: archive A, move B up, remove spec.pki.rotation. meshgen itself never moves CA material. */
function finishing(clusters: string[], pkiDir: string, roots: RootDescription[] | undefined): string[] {
  const archive = `retired.${(roots?.[0]?.sha256 ?? '').replace(/:/g, '').slice(0, 16).toLowerCase() || 'root-a'}`;
  return [
    '',
    '### Finishing the rotation',
    '',
    'Once every cluster passes the checks, make B the root of the pki directory: archive A (its',
    'files are kept, not deleted), move B and its intermediates up, then remove `spec.pki.rotation`',
    'from mesh.yaml and build. That build keeps every certificate and bundle byte for byte; only',
    '`ISTIO_MULTIROOT_MESH` and `PROXY_CONFIG_XDS_AGENT` leave the values (istiod restarts).',
    '',
    '```sh',
    `cd ${pkiDir}`,
    `mkdir ${archive}`,
    `mv root-cert.pem root-key.pem ${clusters.join(' ')} ${archive}/`,
    `mv ${NEW_ROOT_DIR}/* . && rmdir ${NEW_ROOT_DIR}`,
    '```',
  ];
}
