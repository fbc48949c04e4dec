// Diagnostic codes of the PKI stage (MG3xxx errors, W3xxx warnings).
// To be merged into src/codes.ts; a code, once published, keeps its meaning.
export const PkiCodes = {
  /** a PEM file that cannot be read or does not hold what it should (one certificate, one private key) */
  PemUnreadable: 'MG3001',
  /** a private key that does not belong to the certificate next to it */
  KeyMismatch: 'MG3002',
  /** an intermediate that the shared root did not sign */
  NotSignedByRoot: 'MG3003',
  /** a root or intermediate without basicConstraints CA:true */
  NotACa: 'MG3004',
  /** an intermediate whose basicConstraints pathlen is absent or not 0 */
  WrongPathLength: 'MG3005',
  /** <cluster>/root-cert.pem differs from the shared root-cert.pem */
  RootCopyDiffers: 'MG3006',
  /** <cluster>/cert-chain.pem is not ca-cert.pem followed by root-cert.pem */
  ChainMismatch: 'MG3007',
  CertificateExpired: 'MG3008',
  CertificateNotYetValid: 'MG3009',
  /** a new intermediate is needed but root-key.pem is absent */
  RootKeyMissing: 'MG3010',
  /** material is absent and this run may not create it (validate, build --check) */
  MaterialMissing: 'MG3011',
  /** some files of a root or cluster exist and others that cannot be derived do not */
  IncompleteMaterial: 'MG3012',
  /** a key type istiod cannot use (only RSA and ECDSA are supported) */
  UnsupportedKeyType: 'MG3013',
  /** root-cert.pem is not a self-signed certificate */
  RootNotSelfSigned: 'MG3014',

  CertificateExpiresSoon: 'W3001',
} as const;

export type PkiCode = (typeof PkiCodes)[keyof typeof PkiCodes];
