import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import path from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { readBasicConstraints, readCertificateFields, readSubjectKeyIdentifier, type BasicConstraints, type CertificateFields } from './der.js';
import {
  CA_CERT,
  CA_KEY,
  CERT_CHAIN,
  displayPath,
  regenerateRootHint,
  regenerateSlotHint,
  ROOT_CERT,
  ROOT_KEY,
  type PkiLayout,
} from './layout.js';
import { exists, textOf, type ClusterFiles, type FileContent, type PkiFiles } from './load.js';
import { countPemBlocks } from './pem.js';
import { keepsRootCopy, slotFile, slotOwner, type IntermediateSlot } from '../rules/pki-intermediates.js';
import { Codes, type ErrorCode } from '../diagnostics/catalog.js';
import { DAY_MS, EXPIRY_WARNING_DAYS } from './profile.js';
import { parseCertificate } from './x509.js';

// Checks the material that exists, the way istiod will when it loads cacerts (reference
// section 4): parseable PEM, key matches certificate, intermediate chains to the shared root,
// CA flags, validity window, cert-chain.pem = ca-cert.pem + root-cert.pem. Only Node's own
// crypto is used here: verifying never loads node-forge. Diagnostics never quote file contents.

export interface ParsedCertificate {
  text: string;
  cert: X509Certificate;
  fields: CertificateFields;
  /** parsed when the certificate is read: a malformed extension makes the certificate unreadable */
  basicConstraints?: BasicConstraints;
}

export interface InspectedRoot {
  /** absent: neither file exists and no cluster has material, so a new root may be made */
  state: 'absent' | 'present' | 'incomplete';
  certificate?: ParsedCertificate;
  /** the root key, parsed, of a supported type and matching the certificate */
  key?: KeyObject;
  /** no error on root-cert.pem or root-key.pem */
  sound: boolean;
}

export interface InspectedCluster {
  /** the cluster's name, or "shared" (rules/pki-intermediates.ts) */
  cluster: string;
  slot: IntermediateSlot;
  /** present: ca-cert.pem exists; incomplete: it does not, but other files of the cluster do */
  state: 'absent' | 'present' | 'incomplete';
  files: ClusterFiles;
  certificate?: ParsedCertificate;
}

export interface Inspection {
  root: InspectedRoot;
  clusters: InspectedCluster[];
  diagnostics: Diagnostic[];
}

interface Context {
  layout: PkiLayout;
  now: Date;
  diagnostics: Diagnostic[];
}

/** Where a problem is and how to get out of it. */
interface Subject {
  file: string;
  /** how messages name it, e.g. `intermediate certificate of cluster "east"` */
  label: string;
  hint?: string;
}

export function inspectPki(files: PkiFiles, layout: PkiLayout, now: Date): Inspection {
  const context: Context = { layout, now, diagnostics: [] };
  const root = inspectRoot(files, context);
  const clusters = files.clusters.map((cluster) => inspectCluster(cluster, root, context));
  return { root, clusters, diagnostics: context.diagnostics };
}

function inspectRoot(files: PkiFiles, context: Context): InspectedRoot {
  const { layout } = context;
  const { cert: certFile, key: keyFile } = files.root;
  const certSubject: Subject = { file: ROOT_CERT, label: 'root certificate', hint: regenerateRootHint(layout) };
  const keySubject: Subject = { file: ROOT_KEY, label: 'root key', hint: regenerateRootHint(layout) };

  if (!exists(certFile)) {
    // A new root is made only into an empty directory: intermediates or a key without their
    // certificate mean the real root is somewhere else, and replacing it would split the mesh.
    const clustersWithMaterial = files.clusters.filter(hasAnyFile).map((c) => (c.slot.shared ? 'the shared intermediate' : c.cluster));
    if (exists(keyFile)) {
      report(context, Codes.IncompleteMaterial, certSubject, `root certificate is missing but ${ROOT_KEY} exists`, {
        hint: `restore ${displayPath(layout, ROOT_CERT)}, or move ${displayPath(layout, ROOT_KEY)} aside to create a new root`,
      });
      return { state: 'incomplete', sound: false };
    }
    if (clustersWithMaterial.length > 0) {
      report(context, Codes.IncompleteMaterial, certSubject, `root certificate is missing while intermediates exist for ${clustersWithMaterial.join(', ')}`, {
        hint: `restore ${displayPath(layout, ROOT_CERT)} and ${ROOT_KEY}; meshgen never replaces a root that existing intermediates chain to`,
      });
      return { state: 'incomplete', sound: false };
    }
    return { state: 'absent', sound: false };
  }

  const errorsBefore = errorCount(context);
  const certificate = readCertificate(certFile, certSubject, context);
  if (certificate) {
    const { cert } = certificate;
    if (!(safeCheckIssued(cert, cert) && safeVerify(cert, cert))) {
      report(context, Codes.RootNotSelfSigned, certSubject, 'root certificate is not self-signed');
    }
    if (!certificate.basicConstraints?.ca) {
      report(context, Codes.NotACa, certSubject, 'root certificate is not a CA (basicConstraints CA:true is missing)');
    }
    checkValidity(certificate, certSubject, context);
  }
  const key = exists(keyFile) ? readKey(keyFile, keySubject, certificate, certSubject, context) : undefined;
  return { state: 'present', certificate, key, sound: errorCount(context) === errorsBefore };
}

function inspectCluster(files: ClusterFiles, root: InspectedRoot, context: Context): InspectedCluster {
  const { layout } = context;
  const { cluster, slot } = files;
  const hint = regenerateSlotHint(layout, slot);
  const owner = slotOwner(slot);
  const subject = (name: string, what: string): Subject => ({ file: slotFile(slot, name), label: `${what} ${owner}`, hint });
  const certSubject = subject(CA_CERT, 'intermediate certificate');

  if (!exists(files.caCert)) {
    if (hasAnyFile(files)) {
      report(context, Codes.IncompleteMaterial, certSubject, `intermediate certificate ${owner} is missing while ${slot.shared ? `${CA_KEY} or ${CERT_CHAIN} exists` : 'other files in its directory exist'}`);
      return { cluster, slot, state: 'incomplete', files };
    }
    return { cluster, slot, state: 'absent', files };
  }

  const certificate = readCertificate(files.caCert, certSubject, context);
  if (certificate) {
    checkIntermediateConstraints(certificate, certSubject, context);
    if (root.certificate) checkSignedByRoot(certificate, root.certificate, certSubject, context);
    checkValidity(certificate, certSubject, context);
  }
  if (exists(files.caKey)) readKey(files.caKey, subject(CA_KEY, 'intermediate key'), certificate, certSubject, context);

  const rootText = root.certificate?.text;
  const rootCopySubject = subject(ROOT_CERT, 'root certificate copy');
  // a shared intermediate has no copy: its root-cert.pem is the root itself
  const rootCopy = !keepsRootCopy(slot) ? undefined : readText(files.rootCert, rootCopySubject, context);
  if (rootCopy !== undefined && rootText !== undefined && rootCopy !== rootText) {
    report(context, Codes.RootCopyDiffers, rootCopySubject, `root certificate copy ${owner} differs from ${displayPath(layout, ROOT_CERT)}`, {
      hint: `copy it: cp ${displayPath(layout, ROOT_CERT)} ${displayPath(layout, rootCopySubject.file)}`,
    });
  }
  const chainSubject = subject(CERT_CHAIN, 'certificate chain');
  const chain = readText(files.certChain, chainSubject, context);
  // compared only when both certificates parsed: a broken one is already reported
  if (chain !== undefined && certificate && rootText !== undefined && chain !== certificate.text + rootText) {
    report(context, Codes.ChainMismatch, chainSubject, `certificate chain ${owner} is not ${CA_CERT} followed by ${ROOT_CERT}`, {
      hint: `rebuild it: cat ${displayPath(layout, slotFile(slot, CA_CERT))} ${displayPath(layout, ROOT_CERT)} > ${displayPath(layout, chainSubject.file)}`,
    });
  }
  return { cluster, slot, state: 'present', files, certificate };
}

function checkIntermediateConstraints({ basicConstraints: constraints }: ParsedCertificate, subject: Subject, context: Context): void {
  if (!constraints?.ca) {
    report(context, Codes.NotACa, subject, `${subject.label} is not a CA (basicConstraints CA:true is missing)`);
  } else if (constraints.pathLength !== 0) {
    // pathlen:0 keeps the intermediate from minting further CAs: istiod signs only workload certificates.
    const found = constraints.pathLength === undefined ? 'has no pathlen' : `has pathlen:${constraints.pathLength}`;
    report(context, Codes.WrongPathLength, subject, `${subject.label} ${found} where pathlen:0 is required`);
  }
}

function checkSignedByRoot(intermediate: ParsedCertificate, root: ParsedCertificate, subject: Subject, context: Context): void {
  const rootFile = displayPath(context.layout, ROOT_CERT);
  if (!(safeCheckIssued(intermediate.cert, root.cert) && safeVerify(intermediate.cert, root.cert))) {
    report(context, Codes.NotSignedByRoot, subject, `${subject.label} is not signed by the root in ${rootFile}`);
  } else if (!intermediate.fields.rawIssuer.equals(root.fields.rawSubject)) {
    // OpenSSL matches names loosely; Go's x509 (istiod) compares the encoded bytes.
    report(context, Codes.NotSignedByRoot, subject, `${subject.label} encodes its issuer name differently from the subject of ${rootFile}, so istiod cannot chain it`);
  }
}

function checkValidity({ fields }: ParsedCertificate, subject: Subject, context: Context): void {
  const { now } = context;
  if (now < fields.notBefore) {
    report(context, Codes.CertificateNotYetValid, subject, `${subject.label} is not valid before ${isoDate(fields.notBefore)}`, {
      hint: 'check the clock of this machine',
    });
  } else if (now > fields.notAfter) {
    report(context, Codes.CertificateExpired, subject, `${subject.label} expired on ${isoDate(fields.notAfter)}`);
  } else {
    const daysLeft = Math.floor((fields.notAfter.getTime() - now.getTime()) / DAY_MS);
    if (daysLeft < EXPIRY_WARNING_DAYS) {
      context.diagnostics.push(
        warning(Codes.CertificateExpiresSoon, `${subject.label} expires on ${isoDate(fields.notAfter)}, in ${plural(daysLeft, 'day')}`, {
          file: displayPath(context.layout, subject.file),
          hint: subject.hint,
        }),
      );
    }
  }
}

function readCertificate(file: FileContent, subject: Subject, context: Context): ParsedCertificate | undefined {
  const text = readText(file, subject, context);
  if (text === undefined) return undefined;
  const count = countPemBlocks(text, 'CERTIFICATE');
  if (count !== 1) {
    const found = count === 0 ? 'holds no PEM certificate' : `holds ${count} certificates where one is expected`;
    report(context, Codes.PemUnreadable, subject, `${subject.label} ${found}`);
    return undefined;
  }
  let cert: X509Certificate;
  let fields: CertificateFields;
  try {
    cert = parseCertificate(text);
    fields = readCertificateFields(cert.raw);
  } catch {
    report(context, Codes.PemUnreadable, subject, `${subject.label} is not a valid PEM certificate`);
    return undefined;
  }
  // Node accepts a certificate without looking inside its extensions: the ones meshgen reads
  // are parsed here, so that a malformed one is reported instead of failing later.
  const extensions: [string, () => unknown][] = [
    ['basicConstraints', () => readBasicConstraints(fields)],
    ['subjectKeyIdentifier', () => readSubjectKeyIdentifier(fields)],
  ];
  const parsed: Record<string, unknown> = {};
  for (const [name, read] of extensions) {
    try {
      parsed[name] = read();
    } catch {
      report(context, Codes.PemUnreadable, subject, `${subject.label} has a malformed ${name} extension`);
      return undefined;
    }
  }
  return { text, cert, fields, basicConstraints: parsed.basicConstraints as BasicConstraints | undefined };
}

/** Parses a private key in any form istiod accepts (PKCS#1, PKCS#8, SEC1) and checks it against its certificate. */
function readKey(file: FileContent, subject: Subject, certificate: ParsedCertificate | undefined, certSubject: Subject, context: Context): KeyObject | undefined {
  if (file.state === 'present' && file.mode !== undefined && (file.mode & 0o077) !== 0) {
    const shown = displayPath(context.layout, subject.file);
    const who = (file.mode & 0o070) !== 0 && (file.mode & 0o007) !== 0 ? 'group and others' : (file.mode & 0o070) !== 0 ? 'group' : 'others';
    context.diagnostics.push(
      warning(Codes.KeyFileReadable, `${subject.label} can be read by ${who} (mode ${(file.mode & 0o777).toString(8).padStart(3, '0')})`, {
        file: shown,
        hint: `run: chmod 600 ${shellWord(shown)}`,
      }),
    );
  }
  const text = readText(file, subject, context);
  if (text === undefined) return undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    // Node's error text is not passed on: nothing from a key file may reach the output.
    report(context, Codes.PemUnreadable, subject, `${subject.label} is not an unencrypted PEM private key (PKCS#1, PKCS#8 or SEC1)`);
    return undefined;
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    report(context, Codes.UnsupportedKeyType, subject, `${subject.label} has key type ${key.asymmetricKeyType ?? 'unknown'}, but istiod signs only with RSA or ECDSA keys`);
    return undefined;
  }
  if (certificate && !safeCheckPrivateKey(certificate.cert, key)) {
    report(context, Codes.KeyMismatch, subject, `${subject.label} does not match ${path.basename(certSubject.file)}`);
    return undefined;
  }
  return key;
}

function readText(file: FileContent, subject: Subject, context: Context): string | undefined {
  if (file.state === 'unreadable') {
    report(context, file.tooLarge ? Codes.FileTooLarge : Codes.PemUnreadable, subject, `${subject.label} cannot be read (${file.reason})`);
  }
  return textOf(file);
}

function hasAnyFile(files: ClusterFiles): boolean {
  // the shared intermediate's rootCert is the root itself, not one of its own files
  return [files.caCert, files.caKey, files.certChain, ...(keepsRootCopy(files.slot) ? [files.rootCert] : [])].some(exists);
}

function report(context: Context, code: ErrorCode, subject: Subject, message: string, extra: { hint?: string } = {}): void {
  const hint = 'hint' in extra ? extra.hint : subject.hint;
  context.diagnostics.push(error(code, message, { file: displayPath(context.layout, subject.file), ...(hint ? { hint } : {}) }));
}

function errorCount(context: Context): number {
  return context.diagnostics.filter((d) => d.severity === 'error').length;
}

// Node's checks throw on some mismatches (e.g. an EC key against an RSA certificate): that is a "no".
function safeCheckIssued(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer);
  } catch {
    return false;
  }
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function safeCheckPrivateKey(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** A path as a shell reads it back: quoted when it holds anything but safe characters. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
