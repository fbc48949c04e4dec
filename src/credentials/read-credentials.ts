import { X509Certificate } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { ClusterModel } from '../model/mesh-model.js';
import { errorCode, type Host } from '../host/host.js';
import type { YamlPath } from '../load/mesh-source.js';

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
    credentials.set(cluster.name, { server, caData: ca, token });
    const missing = [ca ? undefined : 'the API server CA (apiServer.caFile or caData)', token ? undefined : `the reader token (${tokenSource(cluster)})`].filter(Boolean);
    if (missing.length && diagnostics.length === problems) {
      diagnostics.push(
        warning(Codes.RemoteSecretNotRendered, `remote secret of cluster "${cluster.name}" not rendered: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not available yet`, {
          ...at(path(token ? 'apiServer' : cluster.reader ? 'reader' : 'name'), token || cluster.reader ? 'key' : 'value'),
          hint: 'apply the cluster\'s manifests first: its reader token Secret then holds both; see "Remote secrets" in out/README.md, then rebuild',
        }),
      );
    }
  }
  return { credentials, diagnostics };
}

function tokenSource(cluster: ClusterModel): string {
  const reader = cluster.reader;
  if (reader?.tokenEnv) return `environment variable ${reader.tokenEnv} is not set`;
  if (reader?.tokenFile) return `${reader.tokenFile} does not exist or is empty`;
  return 'reader.tokenFile or tokenEnv is not set';
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
    const text = readOptional(host, resolvePath(meshDir, api.caFile), diagnostics, at(path('apiServer', 'caFile')), `apiServer.caFile of cluster "${cluster.name}"`);
    if (text === undefined) return undefined;
    pem = text;
  } else {
    return undefined;
  }
  if (!isPemCertificate(pem)) {
    const field = api.caData !== undefined ? 'caData' : 'caFile';
    diagnostics.push(error(Codes.ApiServerCaInvalid, `apiServer.${field} of cluster "${cluster.name}" is not a PEM certificate`, { ...at(path('apiServer', field)), hint: field === 'caData' ? 'caData is the base64 of the PEM file (as in a kubeconfig\'s certificate-authority-data)' : 'the file should start with -----BEGIN CERTIFICATE-----' }));
    return undefined;
  }
  return Buffer.from(pem.replace(/\r\n/g, '\n'), 'utf8').toString('base64');
}

function readToken(host: Host, cluster: ClusterModel, meshDir: string, at: CredentialsInput['at'], path: (...r: (string | number)[]) => YamlPath, diagnostics: Diagnostic[]): string | undefined {
  const reader = cluster.reader ?? {};
  let token: string | undefined;
  if (reader.tokenEnv !== undefined) token = host.env[reader.tokenEnv];
  else if (reader.tokenFile !== undefined) token = readOptional(host, resolvePath(meshDir, reader.tokenFile), diagnostics, at(path('reader', 'tokenFile')), `reader.tokenFile of cluster "${cluster.name}"`);
  token = token?.trim();
  return token ? token : undefined;
}

/** undefined when the file does not exist yet (the two-phase bootstrap); an error when it cannot be read. */
function readOptional(host: Host, file: string, diagnostics: Diagnostic[], where: Pick<Diagnostic, 'file' | 'position'>, what: string): string | undefined {
  try {
    return host.readFile(file);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') return undefined;
    diagnostics.push(error(Codes.CredentialUnreadable, `${what} cannot be read (${code ?? 'error'})`, { ...where, hint: 'point it at a readable file' }));
    return undefined;
  }
}

function resolvePath(meshDir: string, file: string): string {
  return isAbsolute(file) ? file : join(meshDir, file);
}

function isPemCertificate(text: string): boolean {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return false;
  try {
    new X509Certificate(text);
    return true;
  } catch {
    return false;
  }
}
