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
  CollectionKey: { code: 'MG1008', severity: 'error', summary: 'a mapping key that is itself a mapping or a list (`? {a: 1}`, `[a, b]: x`): keys must be plain strings' },
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
    summary: 'an `istio.version` meshgen does not render (it renders 1.13.x to 1.31.x, and 1.4.x to 1.7.x with `legacy.global`)',
  },
  InvalidCidr: { code: 'MG2005', severity: 'error', summary: 'a CIDR that does not parse, or two CIDRs on one network that overlap' },
  ConflictingFields: { code: 'MG2006', severity: 'error', summary: 'two fields set that cannot be set together' },
  UrlWithCredentials: { code: 'MG2007', severity: 'error', summary: 'a URL with a password (`user:password@`), which would be copied into public files' },
  UnwritableMapKey: { code: 'MG2008', severity: 'error', summary: 'an annotation or selector key meshgen cannot write (`constructor`, `__proto__`, `prototype`)' },
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
    summary: '`ingressGateway` on Istio 1.4-1.7, where istio-ingressgateway already is the cross-cluster gateway',
  },
  DnsProxyingNeedsNewerIstio: { code: 'MG2312', severity: 'error', summary: '`dns.capture` or `dns.autoAllocate` on Istio 1.4-1.7, which have no DNS proxying' },
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
  // ambient multicluster (issue #17)
  AmbientWithRemoteClusters: { code: 'MG2901', severity: 'error', summary: 'an ambient namespace in a mesh with remote clusters: ambient multicluster is multi-primary only' },
  AmbientMulticlusterIstioTooOld: {
    code: 'MG2902',
    severity: 'error',
    summary: 'an ambient namespace in more than one cluster on an Istio release before ambient multicluster (1.27.0)',
  },
  AmbientClusterLocalService: {
    code: 'MG2903',
    severity: 'error',
    summary: '`clusterLocal` on a service of an ambient namespace in several clusters: ambient scopes services by label, and the namespace is global',
  },
  AmbientWithLegacyGlobal: { code: 'MG2904', severity: 'error', summary: 'an ambient namespace in a legacy `.global` mesh, whose names only sidecars resolve' },
  AmbientNeedsSharedRoot: {
    code: 'MG2905',
    severity: 'error',
    summary: "ambient across clusters, and a primary's intermediate CA that does not chain to the one shared root in `spec.pki.dir`",
  },
  AmbientWithIstioctlInstaller: { code: 'MG2906', severity: 'error', summary: 'an ambient namespace with `istio.installer: istioctl`: meshgen renders the ambient data plane (istio-cni, ztunnel) as Helm releases only' },

  // day-2 lifecycle: canary control-plane upgrade (spec.istio.upgrade)
  UpgradeVersionWindow: { code: 'MG2801', severity: 'error', summary: '`istio.upgrade.version` is not newer than `istio.version`, or more than two minor versions ahead of it (Istio supports canary upgrades of at most two minors)' },
  UpgradeVersionUnsupported: { code: 'MG2802', severity: 'error', summary: '`istio.upgrade.version` is a release meshgen does not render' },
  UpgradeRevisionClash: { code: 'MG2803', severity: 'error', summary: '`istio.upgrade.revision` is the current `istio.revision`, or a name the upgrade uses for its revision tags (`prod-stable`, `prod-canary`, `default`)' },
  UpgradeUnknownNamespace: { code: 'MG2804', severity: 'error', summary: '`istio.upgrade.namespaces` names a namespace `spec.namespaces` does not define, or is set outside the `migrate` phase' },
  UpgradeNotSupported: { code: 'MG2805', severity: 'error', summary: 'a canary upgrade of a mesh meshgen installs without Helm (the legacy `.global` model on Istio 1.4-1.7)' },
  UpgradeOfInstallerOrDataPlane: { code: 'MG2807', severity: 'error', summary: 'a canary upgrade meshgen does not stage: with `istio.installer: istioctl`, or with ambient namespaces (istio-cni and ztunnel are upgraded in place, not by revision)' },
  RotationOnLegacyInstall: { code: 'MG2806', severity: 'error', summary: 'a root rotation on an Istio meshgen installs with istioctl 1.4-1.7, which has no multi-root trust (`ISTIO_MULTIROOT_MESH`)' },
  // MG2810-MG2819: canary upgrade phase changes, checked against the last build's manifest
  UpgradePhaseSkipped: { code: 'MG2810', severity: 'error', summary: 'a change of `istio.upgrade.phase` (or its removal) that skips a step or goes back more than one, compared with the phase `out/.meshgen-manifest.json` records from the last build' },
  UpgradeTargetChanged: { code: 'MG2811', severity: 'error', summary: '`istio.upgrade.version` or `revision` changed while that upgrade is in progress' },
  UpgradeSourceChanged: { code: 'MG2812', severity: 'error', summary: '`istio.version` or `istio.revision` changed while a canary upgrade from them is in progress' },
  IstiodReleaseRenamed: { code: 'W2810', severity: 'warning', summary: 'the last build installed a revisioned istiod as the Helm release `istiod`; this one names it `istiod-<revision>`, as every revisioned istiod now is' },
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
  IntermediateKeyMissing: { code: 'MG3017', severity: 'error', summary: 'a build that writes `cacerts` (`secrets.mode` plain, sops or sealed-secrets) finds an intermediate certificate without its `ca-key.pem`' },

  // day-2 lifecycle: staged root rotation, intermediate rotation (spec.pki.rotation, meshgen certs rotate-intermediate)
  RotationNewRootMissing: { code: 'MG3301', severity: 'error', summary: 'a root rotation phase after `trust-both` without the new root in `<pki>/rotation.new/` (a phase was skipped)' },
  RotationIntermediateNotMoved: { code: 'MG3302', severity: 'error', summary: '`drop-old` while a primary\'s intermediate is still signed by the old root (`sign-with-new` was skipped for it)' },
  RotationNewRootKeyMissing: { code: 'MG3303', severity: 'error', summary: '`sign-with-new` must sign new intermediates but the new root\'s `root-key.pem` is missing' },
  RotationSameSubject: { code: 'MG3304', severity: 'error', summary: 'the new root has the same subject as the current root, so istiod and proxies could not tell their chains apart' },
  RotationNotSupported: { code: 'MG3305', severity: 'error', summary: 'a root rotation meshgen cannot stage for this mesh (for example the root is owned by an external issuer)' },
  RotateIntermediateRefused: { code: 'MG3306', severity: 'error', summary: '`meshgen certs rotate-intermediate` cannot renew this cluster\'s intermediate (not a primary, no root key, a root rotation in progress, or no intermediate yet)' },
  RotationPhaseInconsistent: { code: 'MG3307', severity: 'error', summary: '`certs status`: a cluster\'s CA material does not match the rotation phase' },
  // MG3350-MG3359, W3350-W3359: spec.pki.intermediates shared (one intermediate for every primary, issue #15)
  SharedIntermediateConflict: { code: 'MG3350', severity: 'error', summary: '`pki.intermediates: shared` with a setting that needs an intermediate per primary (`pki.provider: cert-manager`, `pki.rotation`)' },
  SharedIntermediateMissing: { code: 'MG3351', severity: 'error', summary: '`pki.intermediates: shared` finds no intermediate at the top of `spec.pki.dir` and no `root-key.pem` to sign one' },
  SharedIntermediateRotateRefused: { code: 'MG3352', severity: 'error', summary: '`meshgen certs rotate-intermediate <cluster>` with `pki.intermediates: shared`: the one intermediate belongs to every primary' },
  IntermediateInSeveralClusters: { code: 'W3350', severity: 'warning', summary: 'one intermediate CA used by two or more primaries (`pki.intermediates: shared`, or the same `ca-cert.pem` in several cluster directories): its key is in every one of them' },
  // MG3101-MG3149: sealing certificates (secrets.mode sealed-secrets, issue #13)
  SealingCertUnreadable: { code: 'MG3101', severity: 'error', summary: 'a `secrets.sealedSecrets.certFile` that cannot be read or does not start with a PEM certificate' },
  SealingCertNotRsa: { code: 'MG3102', severity: 'error', summary: 'a sealed-secrets controller certificate whose key is not RSA (the controller seals with RSA-OAEP only)' },
  SealingCertExpired: { code: 'MG3103', severity: 'error', summary: 'a sealed-secrets controller certificate that has expired or is not valid yet (kubeseal refuses it too)' },
  // MG3160-MG3169: the fingerprint key of encrypted files when meshgen holds no CA key (pki.provider cert-manager)
  FingerprintKeyInvalid: { code: 'MG3160', severity: 'error', summary: '`<pki.dir>/fingerprint.key` (the key of the `meshgen.dev/encrypted-from` fingerprints under `pki.provider: cert-manager`) is not one line of 44 base64 characters, or not a regular file' },

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
    summary: 'the `.global` DNS stub is not rendered yet: `dns.istiocorednsAddress` is not given (Istio 1.4-1.7)',
  },
  GlobalNamesOnlyInSidecars: { code: 'W2303', severity: 'warning', summary: 'kube-dns with `dns.capture`: only pods with a sidecar resolve the `.global` names' },
  VerificationNeedsTwoClusters: { code: 'W2502', severity: 'warning', summary: 'verification in a mesh of one cluster' },
  // ambient multicluster (issue #17); W2501 ("meshgen does not install istio-cni and ztunnel yet") is retired
  AmbientSingleNetworkAlpha: { code: 'W2901', severity: 'warning', summary: 'an ambient namespace in several clusters on one network: single-network ambient multicluster is alpha' },
  AmbientMultiNetworkAlpha: { code: 'W2902', severity: 'warning', summary: 'ambient namespaces across networks on Istio 1.27-1.28, where multi-network ambient is alpha (beta from 1.29)' },
  // Escape hatches and installer paths (issue 15: Helm values overlays, extra manifests, istioctl, the version window)
  ExtraManifestsDirUnreadable: { code: 'MG1201', severity: 'error', summary: '`extraManifests` names no readable directory (missing, a file, or a symbolic link)' },
  ExtraManifestFileUnreadable: { code: 'MG1202', severity: 'error', summary: 'a file in an `extraManifests` directory cannot be read (a symbolic link, not a regular file, larger than 1 MiB)' },
  ExtraManifestYaml: { code: 'MG1203', severity: 'error', summary: 'a file in an `extraManifests` directory is not valid YAML (syntax, duplicate key, alias, tag)' },
  HelmOverlayUnknownKey: { code: 'MG2701', severity: 'error', summary: 'a Helm values overlay key that the chart of `istio.version` does not read (the hint suggests the closest key)' },
  HelmOverlayOwnedKey: { code: 'MG2702', severity: 'error', summary: 'a Helm values overlay sets a value meshgen derives from mesh.yaml (mesh ID, cluster name, network, revision, ...); the hint names the field to change' },
  HelmOverlayWithoutRelease: { code: 'MG2703', severity: 'error', summary: 'a cluster\'s Helm values overlay for a release the cluster does not install' },
  ExtraManifestInvalid: { code: 'MG2704', severity: 'error', summary: 'an object in `extraManifests` without `apiVersion`, `kind` or `metadata.name`, or not a mapping' },
  ExtraManifestCollision: { code: 'MG2705', severity: 'error', summary: 'an object in `extraManifests` that meshgen renders itself for that cluster' },
  ExtraManifestDuplicate: { code: 'MG2706', severity: 'error', summary: 'the same object (group, kind, namespace, name) twice in one cluster\'s `extraManifests`' },
  ExtraManifestPrivate: { code: 'MG2707', severity: 'error', summary: 'a Secret with `data` or `stringData` in `extraManifests`: out/ is committed, so secret values would be in git in plain text' },
  IstioVersionLacksFeature: { code: 'MG2708', severity: 'error', summary: 'a feature the mesh uses that `istio.version` does not have; the message names the first release that has it' },
  IstioVersionEndOfLife: { code: 'W2701', severity: 'warning', summary: 'an `istio.version` whose minor release is past its end of life (no more security fixes)' },
  // W2601-W2649: encrypted secrets (issue #13)
  SecretsSettingsUnused: { code: 'W2601', severity: 'warning', summary: 'settings of a `secrets.mode` other than the one chosen; they are ignored' },
  CertificateExpiresSoon: { code: 'W3001', severity: 'warning', summary: 'a CA certificate expires within 30 days' },
  KeyFileReadable: { code: 'W3002', severity: 'warning', summary: 'a CA key file that group or others may read; the hint gives the `chmod 600` to run' },
  ManifestMissing: { code: 'W4101', severity: 'warning', summary: 'out/ holds files but no `.meshgen-manifest.json`, so none of them will be pruned' },
  UnknownOutputFile: { code: 'W4102', severity: 'warning', summary: 'a file meshgen did not write in a directory it owns (manifests/, helm/, certs/, argocd/, flux/); `--check` counts it as drift, and it is never deleted' },
  FluxReleaseMovesToControlPlane: {
    code: 'W4104',
    severity: 'warning',
    summary: "a HelmRelease moves from a cluster's root Flux Kustomization into `istio-control-plane`: unless it is migrated by hand, the root prunes it (an uninstall) before `istio-control-plane` installs it again",
  },
  NamespaceLeftInCluster: { code: 'W4103', severity: 'warning', summary: 'a Namespace leaves out/, but no GitOps tool prunes it (nor does kubectl apply -k): it stays in the cluster until deleted by hand' },
  // Secrets by reference: secrets.mode external-secrets and pki.provider cert-manager (issue 13)
  ExternalSecretsStoreMissing: { code: 'MG2650', severity: 'error', summary: '`secrets.mode: external-secrets` without `secrets.externalSecrets.storeRef`' },
  CertManagerIssuerMissing: { code: 'MG2651', severity: 'error', summary: '`pki.provider: cert-manager` without `pki.certManager.issuerRef`' },
  CertManagerRootMissing: { code: 'MG2652', severity: 'error', summary: '`pki.provider: cert-manager` without `pki.certManager.rootCertFile`, the public root the issuer chains to' },
  CertManagerIstioTooOld: { code: 'MG2653', severity: 'error', summary: '`pki.provider: cert-manager` on an Istio release before 1.15, whose istiod cannot read `cacerts` as `tls.crt`/`tls.key`/`ca.crt`' },
  ApiServerUrlTemplateDelimiter: { code: 'MG2654', severity: 'error', summary: 'in mode external-secrets, an `apiServer.url` holding `{{` or `}}`, which the PushSecret template would read as an expression' },
  ExternalSecretsIgnored: { code: 'W2650', severity: 'warning', summary: '`secrets.externalSecrets` is set, but `secrets.mode` is not external-secrets: it is ignored' },
  CertManagerIgnored: { code: 'W2651', severity: 'warning', summary: '`pki.certManager` is set, but `pki.provider` is not cert-manager: it is ignored' },
  ReaderTokenNotRead: { code: 'W2652', severity: 'warning', summary: 'a reader token source (`reader.tokenFile`, `reader.tokenEnv`) in mode external-secrets, which reads no token: it is ignored' },
  CertManagerRootUnreadable: { code: 'MG3150', severity: 'error', summary: '`pki.certManager.rootCertFile` cannot be read, or holds no PEM certificate' },
  CertManagerRootNotCa: { code: 'MG3151', severity: 'error', summary: 'a certificate in `pki.certManager.rootCertFile` is not a CA certificate' },
  CertManagerRootExpired: { code: 'MG3152', severity: 'error', summary: 'a certificate in `pki.certManager.rootCertFile` is expired or not yet valid' },
  CertManagerRootNotSelfSigned: { code: 'W3150', severity: 'warning', summary: 'a certificate in `pki.certManager.rootCertFile` is not self-signed: the clusters trust it as their root all the same' },
  // north-south traffic, sidecar capture, verification (issue #15, second half)
  ExposeWithoutIngressGateway: { code: 'MG2750', severity: 'error', summary: '`expose.clusters` names a cluster whose `ingressGateway` is not enabled' },
  ExposeNotReachable: { code: 'MG2751', severity: 'error', summary: 'an exposed service cannot be reached from that cluster\'s ingress gateway (it does not run there and is `clusterLocal`, or the mesh is legacy `.global`)' },
  ExposeHostInvalid: { code: 'MG2752', severity: 'error', summary: 'an `expose.hosts` entry that is not a DNS name (optionally `*.`-prefixed), or a host two services expose on one cluster' },
  ExposeTlsFields: { code: 'MG2753', severity: 'error', summary: '`expose.tls` fields that do not fit its mode (SIMPLE needs `credentialName`; PASSTHROUGH takes neither `credentialName` nor `httpsRedirect`)' },
  ExposePortUnknown: { code: 'MG2754', severity: 'error', summary: '`expose.port` is not one of the service\'s ports, or is missing while the service has no single port' },
  ExposeTlsBehindIngress: { code: 'MG2755', severity: 'error', summary: 'an exposed service with `tls` on a gateway that has an `ingress` in front, which sends plain HTTP to port 80' },
  AlbHealthCheckWithoutNodePort: { code: 'MG2757', severity: 'error', summary: 'an Ingress of class alb in instance mode, whose health check needs the node port of the status port (`ingressGateway.nodePorts.status`, on a NodePort or LoadBalancer gateway)' },
  NodePortsOnClusterIp: { code: 'MG2758', severity: 'error', summary: '`ingressGateway.nodePorts` on a ClusterIP gateway, which has no node ports' },
  IngressNamespaceConflict: { code: 'MG2759', severity: 'error', summary: '`ingressGateway.namespace` is a Kubernetes namespace or one declared in `spec.namespaces`' },
  IncludeIpRangesAutoWithoutCidrs: { code: 'MG2760', severity: 'error', summary: '`proxy.includeIPRanges: auto` on a network where no cluster gives a `podCIDR` or `serviceCIDR`' },
  IncludeIpRangesInvalid: { code: 'MG2761', severity: 'error', summary: '`proxy.includeIPRanges` is neither `auto` nor a list of CIDR ranges' },
  IncludeIpRangesOnRemote: { code: 'MG2762', severity: 'error', summary: '`proxy.includeIPRanges` on a remote, whose pods are injected by its primary\'s istiod' },
  PodCidrOverlapsServiceCidr: { code: 'MG2763', severity: 'error', summary: 'a `podCIDR` that overlaps the `serviceCIDR` of another cluster on its network' },
  OwnCidrsOverlap: { code: 'MG2764', severity: 'error', summary: 'a cluster whose own `podCIDR` and `serviceCIDR` overlap' },
  VerificationNamespaceReserved: { code: 'MG2765', severity: 'error', summary: '`verification.namespace` is a namespace meshgen or Kubernetes owns' },
  VerificationLegacyWithoutGlobalName: { code: 'MG2766', severity: 'error', summary: 'verification in a legacy `.global` mesh without helloworld among `spec.services`, served by every cluster' },
  IngressSettingsWithoutGateway: { code: 'W2750', severity: 'warning', summary: '`ingressGateway` settings (`ingress`, `nodePorts`, `namespace`, `name`) on a cluster whose ingress gateway is not enabled' },
  // legacy .global on Istio 1.4 (issue #15): MG2950-MG2959, W2950-W2959
  HelmInstallerOnIstioctlOnlyRelease: { code: 'MG2950', severity: 'error', summary: '`istio.installer: helm` with an Istio release meshgen installs only with istioctl (1.4.x to 1.7.x, legacy `.global`)' },
  // Helm values overlays: value types (issue #15)
  HelmOverlayValueShape: { code: 'MG2770', severity: 'error', summary: 'a Helm values overlay value that is a mapping where the chart takes a scalar or list, or the other way round' },
  HelmOverlaySchemaType: { code: 'MG2771', severity: 'error', summary: 'a Helm values overlay value of a type the chart\'s values.schema.json refuses (helm would fail)' },
  HelmOverlayDefaultType: { code: 'W2770', severity: 'warning', summary: 'a Helm values overlay value of another type than the chart\'s default (string, number, boolean): it may render differently than meant' },
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
