import { X509Certificate } from 'node:crypto';

// Parsed certificates, by their PEM text. A build reads the same certificate in several stages
// (CA checks, credentials, the README and the manifest's review facts), and a mesh's root in
// every cluster's files: 200 primaries parsed about 1,400 certificates where 401 differ.
// X509Certificate is immutable, so sharing one is safe.

const MAX_ENTRIES = 10_000;
const parsed = new Map<string, X509Certificate>();

/** `new X509Certificate(pem)`, once per distinct text; throws as the constructor does. */
export function parseCertificate(pem: string): X509Certificate {
  let cert = parsed.get(pem);
  if (!cert) {
    cert = new X509Certificate(pem);
    if (parsed.size >= MAX_ENTRIES) parsed.clear();
    parsed.set(pem, cert);
  }
  return cert;
}
