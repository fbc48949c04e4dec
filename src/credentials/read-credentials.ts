import { isAbsolute, join } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { ClusterModel } from '../model/mesh-model.js';
import { errorCode, FileTooLargeError, formatBytes, NotRegularFileError, readRegularFile, type Host } from '../host/host.js';
import type { YamlPath } from '../load/mesh-source.js';
import { parseCertificate } from '../pki/x509.js';

// The credentials stage: what other clusters need to read a cluster's API server (its URL,
// its CA and the istio-reader-service-account token), read at build time from the files and
// environment variables mesh.yaml names. Values are never put in a diagnostic.

export interface ClusterCredentials {
  server: string;
  /** base64 of the PEM CA bundle, as kubeconfig's certificate-authority-data */
  caData?: string;
  token?: string;
}

export interface CredentialsInput {
  host: Host;
  /** clusters some other cluster must read (the plan's readClusters) */
  readClusters: readonly ClusterModel[];
  /** absolute directory of mesh.yaml; relative credential paths start here */
  meshDir: string;
  /** where a cluster's field is in mesh.yaml, for positions */
  at: (path: YamlPath, which?: 'value' | 'key') => Pick<Diagnostic, 'file' | 'position'>;
}

/**
 * A CA bundle is a few KiB and a service-account token about 1 KiB; 1 MiB keeps a wrong path
 * (a log, a disk image) from being read whole. A FIFO or device is never read at all.
 */
export const CREDENTIAL_FILE_LIMIT = 1024 * 1024;

export function readCredentials({ host, readClusters, meshDir, at }: CredentialsInput): { credentials: Map<string, ClusterCredentials>; diagnostics: Diagnostic[] } {
  const credentials = new Map<string, ClusterCredentials>();
  const diagnostics: Diagnostic[] = [];
  for (const cluster of readClusters) {
    const path = (...rest: (string | number)[]): YamlPath => ['spec', 'clusters', cluster.index, ...rest];
    const server = cluster.apiServer?.url;
    if (!server) continue; // a semantic error (MG2201), reported by validation
    diagnostics.push(...serverWarnings(cluster, server, at(path('apiServer', 'url'))));
    const problems = diagnostics.length;
    const ca = readCa(host, cluster, meshDir, at, path, diagnostics);
    const token = readToken(host, cluster, meshDir, at, path, diagnostics);
    credentials.set(cluster.name, { server, caData: ca, token: token.value });
    const missing = [ca ? undefined : 'the API server CA (apiServer.caFile or caData)', token.value ? undefined : `the reader token (${token.missing})`].filter(Boolean);
    if (missing.length && diagnostics.length === problems) {
      diagnostics.push(
        warning(
          Codes.RemoteSecretNotRendered,
          `remote secret of cluster "${cluster.name}" not rendered: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not available; a copy an earlier build wrote is left as it is, and may hold an outdated token`,
          {
            ...at(path(token.value ? 'apiServer' : cluster.reader ? 'reader' : 'name'), token.value || cluster.reader ? 'key' : 'value'),
            hint: 'apply the cluster\'s manifests first: its reader token Secret then holds both; see "Remote secrets" in out/README.md, then rebuild',
          },
        ),
      );
    }
  }
  return { credentials, diagnostics };
}

/** istioctl warns about loopback servers; a reader in another cluster cannot reach them. */
function serverWarnings(cluster: ClusterModel, server: string, where: Pick<Diagnostic, 'file' | 'position'>): Diagnostic[] {
  const found: Diagnostic[] = [];
  const host = new URL(server).hostname;
  if (host === 'localhost' || host.startsWith('127.') || host === '[::1]') {
    found.push(warning(Codes.ApiServerLoopback, `API server URL of cluster "${cluster.name}" is a loopback address, which other clusters cannot reach`, { ...where, hint: 'use an address reachable from the other clusters\' istiod (a kind or minikube cluster needs its container or node address)' }));
  }
  if (!server.startsWith('https://')) {
    found.push(warning(Codes.ApiServerNotHttps, `API server URL of cluster "${cluster.name}" is not https`, { ...where, hint: 'the reader token would travel in clear text' }));
  }
  return found;
}

function readCa(host: Host, cluster: ClusterModel, meshDir: string, at: CredentialsInput['at'], path: (...r: (string | number)[]) => YamlPath, diagnostics: Diagnostic[]): string | undefined {
  const api = cluster.apiServer ?? {};
  let pem: string | undefined;
  if (api.caData !== undefined) {
    pem = Buffer.from(api.caData, 'base64').toString('utf8');
  } else if (api.caFile !== undefined) {
    const read = readOptional(host, resolvePath(meshDir, api.caFile), at(path('apiServer', 'caFile')), `apiServer.caFile of cluster "${cluster.name}"`);
    if (read.diagnostic) diagnostics.push(read.diagnostic);
    if (read.text === undefined) return undefined;
    pem = read.text;
  } else {
    return undefined;
  }
  const field = api.caData !== undefined ? 'caData' : 'caFile';
  const invalid = (message: string, hint: string) => {
    diagnostics.push(error(Codes.ApiServerCaInvalid, `apiServer.${field} of cluster "${cluster.name}" ${message}`, { ...at(path('apiServer', field)), hint }));
    return undefined;
  };
  // Only certificates go into the remote secrets, which every reader holds: a key (or anything
  // else) in the file is refused, by its label only, never quoted.
  const blocks = pemBlocks(pem);
  const foreign = [...new Set(blocks.filter((b) => b.label !== 'CERTIFICATE').map((b) => b.label))];
  if (foreign.length) {
    const key = foreign.some((l) => l.includes('PRIVATE KEY'));
    return invalid(
      `holds ${foreign.map((l) => `a ${l.length > 30 ? `${l.slice(0, 30)}…` : l} block`).join(' and ')}; only CERTIFICATE blocks may be in it`,
      key ? 'remove the private key from the file: it would be copied into every remote secret, and the API server CA is public' : "keep only the API server's CA certificates in it",
    );
  }
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certificates.length === 0 || !certificates.every((b) => isCertificate(b.text))) {
    return invalid('is not a PEM certificate', field === 'caData' ? "caData is the base64 of the PEM file (as in a kubeconfig's certificate-authority-data)" : 'the file should start with -----BEGIN CERTIFICATE-----');
  }
  // the certificates alone: whatever else the file says between them stays out of the secrets
  return Buffer.from(certificates.map((b) => b.text).join('\n') + '\n', 'utf8').toString('base64');
}

interface TokenRead {
  value?: string;
  /** why there is no token, for W2201, e.g. "environment variable X is empty" */
  missing?: string;
}

function readToken(host: Host, cluster: ClusterModel, meshDir: string, at: CredentialsInput['at'], path: (...r: (string | number)[]) => YamlPath, diagnostics: Diagnostic[]): TokenRead {
  const reader = cluster.reader ?? {};
  let raw: string | undefined;
  let source: string;
  let field: 'tokenEnv' | 'tokenFile';
  if (reader.tokenEnv !== undefined) {
    field = 'tokenEnv';
    source = `environment variable ${reader.tokenEnv}`;
    raw = host.env[reader.tokenEnv];
    if (raw === undefined) return { missing: `${source} is not set` };
  } else if (reader.tokenFile !== undefined) {
    field = 'tokenFile';
    source = reader.tokenFile;
    const read = readOptional(host, resolvePath(meshDir, reader.tokenFile), at(path('reader', 'tokenFile')), `reader.tokenFile of cluster "${cluster.name}"`);
    if (read.diagnostic) {
      diagnostics.push(read.diagnostic);
      return {};
    }
    if (read.text === undefined) return { missing: `${source} does not exist` };
    raw = read.text;
  } else {
    return { missing: 'reader.tokenFile or tokenEnv is not set' };
  }
  const token = raw.trim();
  if (!token) return { missing: `${source} is empty` };
  const problem = tokenProblem(token);
  if (problem) {
    diagnostics.push(
      error(Codes.ReaderTokenMalformed, `the reader token of cluster "${cluster.name}" (${field === 'tokenEnv' ? source : `reader.tokenFile ${source}`}) is not a bearer token: it ${problem}`, {
        ...at(path('reader', field)),
        hint: 'a service-account token is a JWT: three base64url parts separated by dots, starting with eyJ; take it from the istio-reader-service-account token Secret (see "Remote secrets" in out/README.md)',
      }),
    );
    return {};
  }
  return { value: token };
}

/**
 * What is wrong with a token, in words that never quote it; undefined for one an API server
 * could accept: RFC 6750's b64token (letters, digits, -._~+/ and trailing "="), which a JWT is.
 */
function tokenProblem(token: string): string | undefined {
  if (/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) return undefined;
  if (token.includes('-----BEGIN')) return 'holds a PEM block (a key or certificate)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f\u007f-\uffff]/.test(token)) return 'holds binary data or characters outside ASCII';
  if (/\s/.test(token)) return 'has white space inside';
  return 'holds characters a bearer token cannot have';
}

/**
 * The text of a credential file; neither text nor diagnostic when it does not exist yet (the
 * two-phase bootstrap); a diagnostic when it cannot be read, is not a regular file or is too large.
 */
function readOptional(host: Host, file: string, where: Pick<Diagnostic, 'file' | 'position'>, what: string): { text?: string; diagnostic?: Diagnostic } {
  try {
    return { text: readRegularFile(host, file, CREDENTIAL_FILE_LIMIT) };
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') return {};
    if (e instanceof FileTooLargeError) {
      return { diagnostic: error(Codes.FileTooLarge, `${what} is larger than ${formatBytes(CREDENTIAL_FILE_LIMIT)}`, { ...where, hint: 'point it at the CA certificate or token file itself' }) };
    }
    const message = e instanceof NotRegularFileError ? `${what} is not a regular file (${e.what})` : `${what} cannot be read (${code ?? 'error'})`;
    return { diagnostic: error(Codes.CredentialUnreadable, message, { ...where, hint: 'point it at a readable file' }) };
  }
}

function resolvePath(meshDir: string, file: string): string {
  return isAbsolute(file) ? file : join(meshDir, file);
}

interface PemBlock {
  label: string;
  /** from BEGIN to END, with LF line endings */
  text: string;
}

/** The PEM blocks of a text, in order, without the text between them; an unterminated block counts too. */
function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const lf = text.replace(/\r\n?/g, '\n');
  const begin = /-----BEGIN ([^-\n]{1,80})-----/g;
  for (let match = begin.exec(lf); match; match = begin.exec(lf)) {
    const label = match[1];
    const endMarker = `-----END ${label}-----`;
    const end = lf.indexOf(endMarker, match.index);
    if (end < 0) {
      blocks.push({ label, text: lf.slice(match.index) });
      break;
    }
    blocks.push({ label, text: lf.slice(match.index, end + endMarker.length) });
    begin.lastIndex = end + endMarker.length;
  }
  return blocks;
}

function isCertificate(text: string): boolean {
  try {
    parseCertificate(text);
    return true;
  } catch {
    return false;
  }
}
