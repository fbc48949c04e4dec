// The diagnostic catalog: every code meshgen reports, once, with its severity and a one-line
// summary. `Codes` (name → code) is derived from it, README.md's table of codes is generated
// from it (`npm run docs:update`), and test/docs.test.ts keeps the two in step.
//
// Codes are stable: MG1xxx reading and shape, MG2xxx meaning, MG3xxx CA material, MG4xxx
// output; warnings are W plus the number range of their stage. A code, once published,
// keeps its meaning; a retired code is never reused.

export type Severity = 'error' | 'warning';

/** An error code is MG + four digits, a warning code W + four digits. */
type ErrorEntry = { readonly code: `MG${number}`; readonly severity: 'error'; readonly summary: string };
type WarningEntry = { readonly code: `W${number}`; readonly severity: 'warning'; readonly summary: string };
export type CatalogEntry = ErrorEntry | WarningEntry;

export const DiagnosticCatalog = {
  // MG1xxx: reading the file and its shape (JSON Schema)
  YamlSyntax: { code: 'MG1001', severity: 'error', summary: 'YAML syntax error' },
  DuplicateKey: { code: 'MG1002', severity: 'error', summary: 'the same key twice in one mapping' },
  NotAMapping: { code: 'MG1003', severity: 'error', summary: 'the file is empty, or its top level is not a mapping' },
  YamlAlias: { code: 'MG1004', severity: 'error', summary: 'a YAML alias (`*name`) with no anchor before it, inside the node it names, or aliases that expand the document too far' },
  NestingTooDeep: { code: 'MG1005', severity: 'error', summary: 'collections nested deeper than meshgen reads (64 levels)' },
  FileTooLarge: { code: 'MG1006', severity: 'error', summary: 'a file meshgen reads (mesh.yaml, a credential or CA file) is larger than its limit (1 MiB)' },
  UnsupportedTag: { code: 'MG1007', severity: 'error', summary: 'an explicit YAML tag other than the core schema\'s (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`)' },
  UnknownKey: { code: 'MG1101', severity: 'error', summary: 'unknown key (the hint suggests the closest known one)' },
  MissingKey: { code: 'MG1102', severity: 'error', summary: 'a required key is missing' },
  WrongType: { code: 'MG1103', severity: 'error', summary: 'a value of the wrong type' },
  NotAllowedValue: { code: 'MG1104', severity: 'error', summary: 'a value that is not one of the allowed ones' },
  BadFormat: { code: 'MG1105', severity: 'error', summary: 'a value in the wrong format (DNS-1123 label, URL, version, ...)' },
  OutOfRange: { code: 'MG1106', severity: 'error', summary: 'a number or length outside its allowed range' },
  SchemaOther: { code: 'MG1199', severity: 'error', summary: 'any other violation of the schema' },

  // MG2xxx: meaning
  DuplicateName: { code: 'MG2001', severity: 'error', summary: 'a name used twice (cluster, namespace, service, list item)' },
  UnknownCluster: { code: 'MG2002', severity: 'error', summary: 'a reference to a cluster that `spec.clusters` does not define' },
  UnknownNetwork: { code: 'MG2003', severity: 'error', summary: 'a cluster on a network that `spec.networks` does not declare' },
  UnsupportedIstioVersion: {
    code: 'MG2004',
    severity: 'error',
    summary: 'an `istio.version` meshgen does not render (it renders 1.24.x to 1.31.x, and 1.6.x to 1.7.x with `legacy.global`)',
  },
  InvalidCidr: { code: 'MG2005', severity: 'error', summary: 'a CIDR that does not parse, or two CIDRs on one network that overlap' },
  ConflictingFields: { code: 'MG2006', severity: 'error', summary: 'two fields set that cannot be set together' },
  UrlWithCredentials: { code: 'MG2007', severity: 'error', summary: 'a URL with a password (`user:password@`), which would be copied into public files' },
  NotImplemented: { code: 'MG2099', severity: 'error', summary: 'a part of the format this version of meshgen does not render yet' },
  RemoteWithoutControlPlane: { code: 'MG2101', severity: 'error', summary: 'a remote cluster without `controlPlane`' },
  ControlPlaneNotPrimary: { code: 'MG2102', severity: 'error', summary: '`controlPlane` names a cluster that is not a primary' },
  ControlPlaneOnPrimary: { code: 'MG2103', severity: 'error', summary: 'a primary cluster sets `controlPlane`' },
  ControlPlaneAddressMissing: {
    code: 'MG2104',
    severity: 'error',
    summary: "a remote's primary has no east-west gateway `address` (the remote's `global.remotePilotAddress`)",
  },
  ControlPlaneGatewayDisabled: { code: 'MG2105', severity: 'error', summary: 'a primary that serves remotes has its east-west gateway disabled' },
  ApiServerUrlMissing: {
    code: 'MG2201',
    severity: 'error',
    summary: 'a cluster that other clusters read has no `apiServer.url` (with `secrets.mode: plain`)',
  },
  CredentialUnreadable: { code: 'MG2202', severity: 'error', summary: 'a credential file (`caFile`, `tokenFile`) cannot be read' },
  ApiServerCaInvalid: { code: 'MG2203', severity: 'error', summary: "the API server's CA is not a PEM certificate" },
  ReaderTokenMalformed: { code: 'MG2204', severity: 'error', summary: 'the reader token (`tokenFile` or `tokenEnv`) is not a bearer token (a PEM block, binary, white space inside)' },
  // legacy .global model
  LegacyRemoteCluster: { code: 'MG2301', severity: 'error', summary: 'a remote cluster in a legacy `.global` mesh, where every cluster runs its own istiod' },
  LegacyServiceNotServed: { code: 'MG2302', severity: 'error', summary: 'a `.global` service that no cluster runs' },
  LegacyServingClusterUnreachable: {
    code: 'MG2303',
    severity: 'error',
    summary: 'a cluster that serves a `.global` service to others has no gateway they can reach (disabled, no `address`, or NodePort without `nodePort`)',
  },
  LegacySuffixReserved: { code: 'MG2304', severity: 'error', summary: '`legacy.global.suffix` is `local`, which would take over the `cluster.local` zone' },
  VipInvalid: { code: 'MG2305', severity: 'error', summary: 'a pinned `vip` that is not an IPv4 address in `240.0.0.0/4`' },
  VipInAutoAllocateRange: { code: 'MG2306', severity: 'error', summary: "a pinned `vip` in `240.240.0.0/16`, the range Istio allocates from itself" },
  VipCollision: { code: 'MG2307', severity: 'error', summary: 'two `.global` services with the same virtual IP' },
  LegacyServiceWithoutPorts: { code: 'MG2308', severity: 'error', summary: 'a `.global` service without `ports`' },
  IstiocorednsAddressInvalid: { code: 'MG2309', severity: 'error', summary: '`dns.istiocorednsAddress` is not an IP address' },
  KubeDnsCannotAnswerGlobal: { code: 'MG2310', severity: 'error', summary: 'kube-dns cannot answer the `.global` names on an Istio without istiocoredns' },
  LegacyIngressGatewayConflict: {
    code: 'MG2311',
    severity: 'error',
    summary: '`ingressGateway` on Istio 1.6-1.7, where istio-ingressgateway already is the cross-cluster gateway',
  },
  DnsProxyingNeedsNewerIstio: { code: 'MG2312', severity: 'error', summary: '`dns.capture` or `dns.autoAllocate` on Istio 1.6-1.7, which have no DNS proxying' },
  // GitOps wrappers
  ArgoCdDestinationMissing: {
    code: 'MG2401',
    severity: 'error',
    summary: "`spec.gitops.argocd` is set but a cluster has no `apiServer.url` (its Applications' `destination.server`)",
  },
  GitOpsPathOutsideRepository: {
    code: 'MG2402',
    severity: 'error',
    summary: 'a `spec.gitops.*.path` that leaves the repository (absolute, or climbing out with `..`)',
  },
  ClusterNameReservedByGitOps: { code: 'MG2403', severity: 'error', summary: 'a cluster named `argocd` or `flux`, the directories of the GitOps wrappers in out/' },
  // namespaces and services
  ServiceNamespaceUndeclared: { code: 'MG2501', severity: 'error', summary: 'a service in a cluster where its namespace is not declared' },
  WeightsNot100: { code: 'MG2502', severity: 'error', summary: 'the weights of a traffic split do not add up to 100' },
  WeightForClusterWithoutService: { code: 'MG2503', severity: 'error', summary: 'a weight for a cluster that does not run the service' },
  FailoverWithoutLocality: { code: 'MG2504', severity: 'error', summary: 'locality failover for a service whose clusters have no `region`' },
  ServicePortsMissing: {
    code: 'MG2505',
    severity: 'error',
    summary: 'a service without `ports` that needs them (its Service is rendered where it is called, or it is split by weight)',
  },
  ReservedNamespace: { code: 'MG2506', severity: 'error', summary: 'a reserved namespace (`istio-system`, `kube-system`, ...) in `spec.namespaces`' },

  // MG2601-MG2649: encrypted secrets (secrets.mode sops and sealed-secrets, issue #13)
  AgeRecipientMalformed: { code: 'MG2601', severity: 'error', summary: 'an age recipient in `secrets.sops.age` that is not an X25519 recipient (`age1...`, Bech32)' },
  SopsNoRecipient: { code: 'MG2602', severity: 'error', summary: '`secrets.mode: sops` and a cluster that receives private Secrets has no age recipient (neither `spec.secrets.sops.age` nor its own)' },
  SealedCertFileMissing: { code: 'MG2603', severity: 'error', summary: '`secrets.mode: sealed-secrets` and a cluster that receives private Secrets has no `secrets.sealedSecrets.certFile`' },

  // MG3xxx: CA material under spec.pki.dir
  PemUnreadable: {
    code: 'MG3001',
    severity: 'error',
    summary: 'a PEM file that cannot be read, or does not hold exactly one certificate or one private key',
  },
  KeyMismatch: { code: 'MG3002', severity: 'error', summary: 'a private key that does not belong to the certificate beside it' },
  NotSignedByRoot: { code: 'MG3003', severity: 'error', summary: 'an intermediate CA that the shared root did not sign' },
  NotACa: { code: 'MG3004', severity: 'error', summary: 'a root or intermediate certificate without `CA:true`' },
  WrongPathLength: { code: 'MG3005', severity: 'error', summary: 'an intermediate whose path length constraint is missing or not 0' },
  RootCopyDiffers: { code: 'MG3006', severity: 'error', summary: "a cluster's `root-cert.pem` is not the shared root" },
  ChainMismatch: { code: 'MG3007', severity: 'error', summary: "a cluster's `cert-chain.pem` is not its `ca-cert.pem` followed by `root-cert.pem`" },
  CertificateExpired: { code: 'MG3008', severity: 'error', summary: 'a certificate that has expired' },
  CertificateNotYetValid: { code: 'MG3009', severity: 'error', summary: 'a certificate that is not valid yet' },
  RootKeyMissing: { code: 'MG3010', severity: 'error', summary: 'a new intermediate CA is needed but `root-key.pem` is missing' },
  MaterialMissing: { code: 'MG3011', severity: 'error', summary: 'CA material is missing and this run may not create it (`validate`, `build --check`)' },
  IncompleteMaterial: { code: 'MG3012', severity: 'error', summary: 'incomplete CA material: some files exist, others that cannot be derived from them do not' },
  UnsupportedKeyType: { code: 'MG3013', severity: 'error', summary: 'a key type istiod cannot sign with (it takes RSA and ECDSA only)' },
  RootNotSelfSigned: { code: 'MG3014', severity: 'error', summary: '`root-cert.pem` is not self-signed' },
  PkiDirNotADirectory: { code: 'MG3015', severity: 'error', summary: '`spec.pki.dir`, or a cluster\'s directory in it, exists but is not a directory' },
  PkiDirInsideOut: { code: 'MG3016', severity: 'error', summary: '`spec.pki.dir` is the `--out` directory or inside it, so keys would be published with out/' },
  IntermediateKeyMissing: { code: 'MG3017', severity: 'error', summary: 'a build that writes `cacerts` (`secrets.mode: plain`) finds an intermediate certificate without its `ca-key.pem`' },

  // MG3101-MG3149: sealing certificates (secrets.mode sealed-secrets, issue #13)
  SealingCertUnreadable: { code: 'MG3101', severity: 'error', summary: 'a `secrets.sealedSecrets.certFile` that cannot be read or does not start with a PEM certificate' },
  SealingCertNotRsa: { code: 'MG3102', severity: 'error', summary: 'a sealed-secrets controller certificate whose key is not RSA (the controller seals with RSA-OAEP only)' },
  SealingCertExpired: { code: 'MG3103', severity: 'error', summary: 'a sealed-secrets controller certificate that has expired or is not valid yet (kubeseal refuses it too)' },

  // MG4xxx: output
  OutputCollision: { code: 'MG4001', severity: 'error', summary: 'two objects would be written to the same file' },
  OutputUnwritable: { code: 'MG4002', severity: 'error', summary: 'out/ cannot be written (a directory in the way, permissions, disk space)' },
  ManifestUnreadable: { code: 'MG4003', severity: 'error', summary: '`.meshgen-manifest.json` cannot be read' },
  OutputSymlink: { code: 'MG4004', severity: 'error', summary: 'a symlink where meshgen reads, writes or prunes in out/ or pki/; meshgen never follows one' },
  OutputLocked: { code: 'MG4005', severity: 'error', summary: 'another build holds the lock of out/ or pki/' },
  PkiUnwritable: { code: 'MG4006', severity: 'error', summary: 'CA material could not be written (disk full, permissions); none of it was' },
  JournalUnreadable: { code: 'MG4007', severity: 'error', summary: '`out/.meshgen-journal.json` is not a journal meshgen wrote' },
  PkiCommitPending: { code: 'MG4008', severity: 'error', summary: '`--check`: an interrupted build left CA material half put in place (`pki/.meshgen-commit`); run `meshgen build` to finish it' },
  OutputUnreadable: { code: 'MG4009', severity: 'error', summary: 'a file in out/ cannot be read (permissions, I/O error) while comparing it with the build' },

  // warnings
  GatewayMissingOnNetwork: { code: 'W2101', severity: 'warning', summary: 'a network without an east-west gateway, which other networks cannot reach' },
  NodePortWithoutSelector: {
    code: 'W2102',
    severity: 'warning',
    summary: 'a NodePort east-west gateway without the `traffic.istio.io/nodeSelector` annotation, which istiod ignores',
  },
  DnsAutoAllocateDeprecated: { code: 'W2103', severity: 'warning', summary: '`dns.autoAllocate` is deprecated by Istio' },
  DnsAutoAllocateWithoutCapture: { code: 'W2104', severity: 'warning', summary: '`dns.autoAllocate` does nothing without `dns.capture`' },
  RemotePilotAddressHostname: {
    code: 'W2105',
    severity: 'warning',
    summary: "a primary's east-west `address` is a hostname, so its remotes get an ExternalName `istiod` Service",
  },
  ControlPlaneBehindNodePort: {
    code: 'W2106',
    severity: 'warning',
    summary: 'a primary serves remotes through a NodePort gateway, which does not listen on 15012 and 15017',
  },
  RemoteSecretNotRendered: {
    code: 'W2201',
    severity: 'warning',
    summary: "a remote secret is not rendered yet: its cluster's token or CA is not at hand (see \"Remote secrets\" in out/README.md)",
  },
  ApiServerLoopback: { code: 'W2202', severity: 'warning', summary: 'an API server URL on a loopback address' },
  ApiServerNotHttps: { code: 'W2203', severity: 'warning', summary: 'an API server URL that is not https' },
  CorednsVersionUnknown: {
    code: 'W2301',
    severity: 'warning',
    summary: "a cluster whose whole Corefile meshgen writes does not give its CoreDNS `version`",
  },
  IstiocorednsAddressMissing: {
    code: 'W2302',
    severity: 'warning',
    summary: 'the `.global` DNS stub is not rendered yet: `dns.istiocorednsAddress` is not given (Istio 1.6-1.7)',
  },
  GlobalNamesOnlyInSidecars: { code: 'W2303', severity: 'warning', summary: 'kube-dns with `dns.capture`: only pods with a sidecar resolve the `.global` names' },
  AmbientNotInstalled: { code: 'W2501', severity: 'warning', summary: 'an ambient namespace: meshgen does not install istio-cni and ztunnel yet' },
  VerificationNeedsTwoClusters: { code: 'W2502', severity: 'warning', summary: 'verification in a mesh of one cluster' },
  // W2601-W2649: encrypted secrets (issue #13)
  SecretsSettingsUnused: { code: 'W2601', severity: 'warning', summary: 'settings of a `secrets.mode` other than the one chosen; they are ignored' },
  CertificateExpiresSoon: { code: 'W3001', severity: 'warning', summary: 'a CA certificate expires within 30 days' },
  KeyFileReadable: { code: 'W3002', severity: 'warning', summary: 'a CA key file that group or others may read; the hint gives the `chmod 600` to run' },
  ManifestMissing: { code: 'W4101', severity: 'warning', summary: 'out/ holds files but no `.meshgen-manifest.json`, so none of them will be pruned' },
  UnknownOutputFile: { code: 'W4102', severity: 'warning', summary: 'a file meshgen did not write in a directory it owns (manifests/, helm/, certs/, argocd/, flux/); `--check` counts it as drift, and it is never deleted' },
  NamespaceLeftInCluster: { code: 'W4103', severity: 'warning', summary: 'a Namespace leaves out/, but no GitOps tool prunes it (nor does kubectl apply -k): it stays in the cluster until deleted by hand' },
} as const satisfies Record<string, CatalogEntry>;

type Catalog = typeof DiagnosticCatalog;
export type CodeName = keyof Catalog;

/** Every diagnostic code, e.g. 'MG1001'. */
export type Code = Catalog[CodeName]['code'];
/** The codes whose catalog entry is an error. */
export type ErrorCode = Extract<Catalog[CodeName], { severity: 'error' }>['code'];
/** The codes whose catalog entry is a warning. */
export type WarningCode = Extract<Catalog[CodeName], { severity: 'warning' }>['code'];

/** Name → code, for call sites: `error(Codes.UnknownKey, ...)`. */
export const Codes = Object.freeze(
  Object.fromEntries(Object.entries(DiagnosticCatalog).map(([name, entry]) => [name, entry.code])),
) as { readonly [N in CodeName]: Catalog[N]['code'] };

/** The catalog entries, ordered by code. */
export function catalogEntries(): CatalogEntry[] {
  return Object.values(DiagnosticCatalog as Record<string, CatalogEntry>).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
