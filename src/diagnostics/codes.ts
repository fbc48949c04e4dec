import { PkiCodes } from '../pki/pki-codes.js';

// The stable diagnostic codes. README.md documents each one; a test keeps the two in step.
// MG3xxx/W3xxx (CA material) are defined beside the PKI stage.
export const Codes = {
  ...PkiCodes,
  // MG1xxx: reading and shape
  YamlSyntax: 'MG1001',
  DuplicateKey: 'MG1002',
  NotAMapping: 'MG1003',
  /** a YAML alias (*name) with no anchor (&name) before it, inside the node it names, or aliases that expand the document too far */
  YamlAlias: 'MG1004',
  /** collections nested deeper than the load stage allows (MAX_NESTING) */
  NestingTooDeep: 'MG1005',
  /** a file meshgen reads (mesh.yaml, a credential file, a CA file) is larger than its limit */
  FileTooLarge: 'MG1006',
  /** an explicit YAML tag other than the core schema's (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) */
  UnsupportedTag: 'MG1007',
  UnknownKey: 'MG1101',
  MissingKey: 'MG1102',
  WrongType: 'MG1103',
  NotAllowedValue: 'MG1104',
  BadFormat: 'MG1105',
  OutOfRange: 'MG1106',
  SchemaOther: 'MG1199',

  // MG3xxx additions (the rest are in pki/pki-codes.ts)
  /** spec.pki.dir, or a cluster's directory in it, exists but is not a directory */
  PkiDirNotADirectory: 'MG3015',
  /** spec.pki.dir is the --out directory or inside it, so keys would be published with out/ */
  PkiDirInsideOut: 'MG3016',
  /** a build (secrets.mode plain) finds an intermediate certificate without its ca-key.pem */
  IntermediateKeyMissing: 'MG3017',

  // MG2xxx: meaning
  DuplicateName: 'MG2001',
  UnknownCluster: 'MG2002',
  UnknownNetwork: 'MG2003',
  UnsupportedIstioVersion: 'MG2004',
  InvalidCidr: 'MG2005',
  ConflictingFields: 'MG2006',
  /** a URL that carries credentials (user:password@), which would be copied into public files */
  UrlWithCredentials: 'MG2007',
  NotImplemented: 'MG2099',
  RemoteWithoutControlPlane: 'MG2101',
  ControlPlaneNotPrimary: 'MG2102',
  ControlPlaneOnPrimary: 'MG2103',
  ControlPlaneAddressMissing: 'MG2104',
  ControlPlaneGatewayDisabled: 'MG2105',
  ApiServerUrlMissing: 'MG2201',
  CredentialUnreadable: 'MG2202',
  ApiServerCaInvalid: 'MG2203',
  /** the reader token (tokenFile or tokenEnv) does not have the shape of a bearer token */
  ReaderTokenMalformed: 'MG2204',
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
  /** a file in out/ cannot be read (permissions, a symlink loop) while comparing it with the build */
  OutputUnreadable: 'MG4004',

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
  /** a CA key file that group or others may read */
  KeyFileReadable: 'W3002',
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];
