import { PkiCodes } from '../pki/pki-codes.js';

// The stable diagnostic codes. README.md documents each one; a test keeps the two in step.
// MG3xxx/W3xxx (CA material) are defined beside the PKI stage.
export const Codes = {
  ...PkiCodes,
  // MG1xxx: reading and shape
  YamlSyntax: 'MG1001',
  DuplicateKey: 'MG1002',
  NotAMapping: 'MG1003',
  UnknownKey: 'MG1101',
  MissingKey: 'MG1102',
  WrongType: 'MG1103',
  NotAllowedValue: 'MG1104',
  BadFormat: 'MG1105',
  OutOfRange: 'MG1106',
  SchemaOther: 'MG1199',

  // MG2xxx: meaning
  DuplicateName: 'MG2001',
  UnknownCluster: 'MG2002',
  UnknownNetwork: 'MG2003',
  UnsupportedIstioVersion: 'MG2004',
  InvalidCidr: 'MG2005',
  ConflictingFields: 'MG2006',
  NotImplemented: 'MG2099',
  RemoteWithoutControlPlane: 'MG2101',
  ControlPlaneNotPrimary: 'MG2102',
  ControlPlaneOnPrimary: 'MG2103',
  ControlPlaneAddressMissing: 'MG2104',
  ControlPlaneGatewayDisabled: 'MG2105',
  ApiServerUrlMissing: 'MG2201',
  CredentialUnreadable: 'MG2202',
  ApiServerCaInvalid: 'MG2203',
  ServiceNamespaceUndeclared: 'MG2501',
  WeightsNot100: 'MG2502',
  WeightForClusterWithoutService: 'MG2503',
  FailoverWithoutLocality: 'MG2504',
  ServicePortsMissing: 'MG2505',
  ReservedNamespace: 'MG2506',
  // legacy .global model (MG23xx)
  LegacyRemoteCluster: 'MG2301',
  LegacyServiceNotServed: 'MG2302',
  LegacyServingClusterUnreachable: 'MG2303',
  LegacySuffixReserved: 'MG2304',
  VipInvalid: 'MG2305',
  VipInAutoAllocateRange: 'MG2306',
  VipCollision: 'MG2307',
  LegacyServiceWithoutPorts: 'MG2308',
  IstiocorednsAddressInvalid: 'MG2309',
  KubeDnsCannotAnswerGlobal: 'MG2310',
  LegacyIngressGatewayConflict: 'MG2311',
  DnsProxyingNeedsNewerIstio: 'MG2312',
  // GitOps wrappers (MG24xx)
  ArgoCdDestinationMissing: 'MG2401',
  GitOpsPathOutsideRepository: 'MG2402',
  ClusterNameReservedByGitOps: 'MG2403',

  // MG4xxx: output
  OutputCollision: 'MG4001',
  OutputUnwritable: 'MG4002',
  ManifestUnreadable: 'MG4003',
  OutputSymlink: 'MG4004', // a symlink where meshgen reads, writes or prunes in out/ or pki/
  OutputLocked: 'MG4005', // another build holds the lock of out/ or pki/
  PkiUnwritable: 'MG4006', // CA material could not be written (disk full, permissions); none of it was
  JournalUnreadable: 'MG4007', // out/.meshgen-journal.json is not a journal meshgen wrote
  PkiCommitPending: 'MG4008', // --check: an interrupted build left CA material half put in place (pki/.meshgen-commit)

  // warnings
  GatewayMissingOnNetwork: 'W2101',
  NodePortWithoutSelector: 'W2102',
  DnsAutoAllocateDeprecated: 'W2103',
  DnsAutoAllocateWithoutCapture: 'W2104',
  RemotePilotAddressHostname: 'W2105',
  ControlPlaneBehindNodePort: 'W2106',
  RemoteSecretNotRendered: 'W2201',
  ApiServerLoopback: 'W2202',
  ApiServerNotHttps: 'W2203',
  AmbientNotInstalled: 'W2501',
  VerificationNeedsTwoClusters: 'W2502',
  CorednsVersionUnknown: 'W2301',
  IstiocorednsAddressMissing: 'W2302',
  GlobalNamesOnlyInSidecars: 'W2303',
  ManifestMissing: 'W4101',
  UnknownOutputFile: 'W4102', // a file meshgen did not write in a directory it owns (manifests/, helm/, certs/, argocd/, flux/)
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];
