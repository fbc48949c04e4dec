import { createHash, X509Certificate } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { errorCode, FileTooLargeError, NotRegularFileError, readRegularFile, type Host } from '../host/host.js';
import type { YamlPath } from '../load/mesh-source.js';
import type { ClusterPlan } from '../plan/cluster-plan.js';
import { CREDENTIAL_FILE_LIMIT } from './read-credentials.js';

// secrets.mode sealed-secrets: each cluster's sealed-secrets controller certificate
// (`kubeseal --fetch-cert`), read at build time. As `kubeseal --cert` does
// (bitnami-labs/sealed-secrets pkg/kubeseal/kubeseal.go ParseKey), the first certificate of
// the PEM file is used; its key must be RSA and it must be valid now.

export interface SealingCert {
  publicKey: X509Certificate['publicKey'];
  /** SHA-256 of the certificate (DER), hex */
  sha256: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/;

export function readSealingCerts(input: {
  host: Host;
  clusters: readonly ClusterPlan[];
  meshDir: string;
  at: (path: YamlPath, which?: 'value' | 'key') => Pick<Diagnostic, 'file' | 'position'>;
}): { certs: Map<string, SealingCert>; diagnostics: Diagnostic[] } {
  const certs = new Map<string, SealingCert>();
  const diagnostics: Diagnostic[] = [];
  for (const plan of input.clusters) {
    if (plan.encryption?.format !== 'sealed' || certs.has(plan.encryption.certFile)) continue;
    const file = plan.encryption.certFile;
    const where = input.at(['spec', 'clusters', plan.cluster.index, 'secrets', 'sealedSecrets', 'certFile']);
    const fail = (code: typeof Codes.SealingCertUnreadable | typeof Codes.SealingCertNotRsa | typeof Codes.SealingCertExpired, message: string, hint: string) =>
      diagnostics.push(error(code, message, { ...where, hint }));
    const fetchHint = `fetch the current one: kubeseal --controller-name ${plan.encryption.controllerName} --controller-namespace ${plan.encryption.controllerNamespace} --fetch-cert > ${file}`;
    let text: string;
    try {
      text = readRegularFile(input.host, isAbsolute(file) ? file : join(input.meshDir, file), CREDENTIAL_FILE_LIMIT);
    } catch (e) {
      const reason = e instanceof FileTooLargeError ? 'it is larger than 1 MiB' : e instanceof NotRegularFileError ? `it is not a regular file (${e.what})` : errorCode(e) === 'ENOENT' ? 'no such file' : (errorCode(e) ?? 'it cannot be read');
      fail(Codes.SealingCertUnreadable, `sealing certificate ${file} of cluster "${plan.cluster.name}" cannot be read: ${reason}`, fetchHint);
      continue;
    }
    const pem = PEM_CERTIFICATE.exec(text)?.[0];
    let cert: X509Certificate | undefined;
    try {
      cert = pem ? new X509Certificate(pem) : undefined;
    } catch {
      cert = undefined;
    }
    if (!cert) {
      fail(Codes.SealingCertUnreadable, `sealing certificate ${file} of cluster "${plan.cluster.name}" holds no PEM certificate`, fetchHint);
      continue;
    }
    const keyType = cert.publicKey.asymmetricKeyType;
    if (keyType !== 'rsa') {
      fail(Codes.SealingCertNotRsa, `sealing certificate ${file} of cluster "${plan.cluster.name}" has a ${keyType?.toUpperCase() ?? 'unknown'} key; a sealed-secrets controller seals with RSA`, `is it the controller's certificate? ${fetchHint}`);
      continue;
    }
    const now = input.host.now().getTime();
    if (now > Date.parse(cert.validTo) || now < Date.parse(cert.validFrom)) {
      const expired = now > Date.parse(cert.validTo);
      fail(
        Codes.SealingCertExpired,
        `sealing certificate ${file} of cluster "${plan.cluster.name}" ${expired ? `expired on ${new Date(cert.validTo).toISOString().slice(0, 10)}` : `is not valid before ${new Date(cert.validFrom).toISOString().slice(0, 10)}`}; kubeseal refuses it too`,
        fetchHint,
      );
      continue;
    }
    certs.set(file, { publicKey: cert.publicKey, sha256: createHash('sha256').update(cert.raw).digest('hex') });
  }
  return { certs, diagnostics };
}
