import type { X509Certificate } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { errorCode, FileTooLargeError, formatBytes, NotRegularFileError, readRegularFile, type Host } from '../host/host.js';
import { toLf } from './pem.js';
import { parseCertificate } from './x509.js';

// pki.provider cert-manager: meshgen makes no CA and reads no key. All it reads is the public
// root the issuer chains to (pki.certManager.rootCertFile), for out/README.md's trust root and
// each primary's certs/root-cert.pem. It must be CA certificates, valid now; only the
// CERTIFICATE blocks are kept, so nothing else in the file (a key by mistake) is ever copied.

/** A root bundle is a few KiB; 1 MiB keeps a wrong path from being read whole. */
const ROOT_FILE_LIMIT = 1024 * 1024;

export interface CertManagerRootInput {
  host: Host;
  /** absolute directory of mesh.yaml */
  meshDir: string;
  /** pki.certManager.rootCertFile as written */
  file: string;
  /** where pki.certManager.rootCertFile is in mesh.yaml */
  at: Pick<Diagnostic, 'file' | 'position'>;
}

export function readCertManagerRoot({ host, meshDir, file, at }: CertManagerRootInput): { rootCertPem?: string; diagnostics: Diagnostic[] } {
  const unreadable = (why: string, hint: string) => ({ diagnostics: [error(Codes.CertManagerRootUnreadable, `pki.certManager.rootCertFile ${file} ${why}`, { ...at, hint })] });
  let text: string;
  try {
    text = readRegularFile(host, isAbsolute(file) ? file : join(meshDir, file), ROOT_FILE_LIMIT);
  } catch (e) {
    if (e instanceof FileTooLargeError) return unreadable(`is larger than ${formatBytes(ROOT_FILE_LIMIT)}`, 'point it at the PEM file of the root CA');
    if (e instanceof NotRegularFileError) return unreadable(`is not a regular file (${e.what})`, 'point it at the PEM file of the root CA');
    const code = errorCode(e);
    return unreadable(code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`, 'the path is relative to mesh.yaml; export the root from your CA, e.g. the ca.crt of the issuer\'s Secret');
  }
  const blocks = certificateBlocks(toLf(text));
  const certificates: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certificates.push(parseCertificate(block));
    } catch {
      return unreadable('holds a CERTIFICATE block that does not parse', 'export the root again, as PEM');
    }
  }
  if (certificates.length === 0) return unreadable('holds no PEM certificate', 'the file should start with -----BEGIN CERTIFICATE-----');

  const diagnostics: Diagnostic[] = [];
  const now = host.now().getTime();
  certificates.forEach((cert, i) => {
    const which = certificates.length > 1 ? `certificate ${i + 1} of ${certificates.length} (${oneLine(cert.subject)})` : `the certificate (${oneLine(cert.subject)})`;
    if (!cert.ca) {
      diagnostics.push(error(Codes.CertManagerRootNotCa, `pki.certManager.rootCertFile: ${which} is not a CA certificate`, { ...at, hint: 'give the root CA the issuer chains to, not a leaf or serving certificate' }));
    }
    const from = new Date(cert.validFrom).getTime();
    const to = new Date(cert.validTo).getTime();
    if (now < from || now > to) {
      const state = now > to ? `expired on ${cert.validTo}` : `is not valid before ${cert.validFrom}`;
      diagnostics.push(error(Codes.CertManagerRootExpired, `pki.certManager.rootCertFile: ${which} ${state}`, { ...at, hint: 'workloads cannot verify certificates that chain to it; give the current root' }));
    }
    if (cert.ca && !(cert.checkIssued(cert) && cert.verify(cert.publicKey))) {
      diagnostics.push(warning(Codes.CertManagerRootNotSelfSigned, `pki.certManager.rootCertFile: ${which} is not self-signed (issuer ${oneLine(cert.issuer)})`, { ...at, hint: 'the clusters trust what this file holds as their root; give the self-signed root unless the mesh should trust this CA alone' }));
    }
  });
  return { rootCertPem: blocks.join('\n') + '\n', diagnostics };
}

function certificateBlocks(text: string): string[] {
  const blocks: string[] = [];
  const pattern = /-----BEGIN CERTIFICATE-----\n[\s\S]*?\n-----END CERTIFICATE-----/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) blocks.push(match[0]);
  return blocks;
}

function oneLine(dn: string): string {
  return dn.split('\n').join(', ');
}

/**
 * `meshgen certs status` with pki.provider cert-manager: the root from rootCertFile; the
 * intermediates live only in the clusters (the cacerts Secret cert-manager writes).
 */
export function certManagerStatusText(rootCertPem: string, file: string, now: Date, primaries: readonly string[]): string {
  const day = 24 * 60 * 60 * 1000;
  const roots = certificateBlocks(rootCertPem).map((block) => parseCertificate(block));
  const rows = roots.map((cert) => {
    const notAfter = new Date(cert.validTo);
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / day);
    return [
      `root  ${file}`,
      `  subject    ${oneLine(cert.subject)}`,
      `  issuer     ${oneLine(cert.issuer)}`,
      `  serial     ${cert.serialNumber}`,
      `  not after  ${notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z')} (${daysLeft >= 0 ? `${daysLeft} days left` : `expired ${-daysLeft} days ago`})`,
      `  sha256     ${cert.fingerprint256}`,
    ].join('\n');
  });
  const note = `intermediates of ${primaries.join(', ')}: made by cert-manager in each cluster (Certificate cacerts in istio-system); meshgen holds none.\n  kubectl -n istio-system get secret cacerts -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -subject -enddate`;
  return [...rows, note].join('\n\n');
}
