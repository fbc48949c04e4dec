import { errorCode, type Host } from '../host/host.js';
import { absolutePath, CA_CERT, CA_KEY, CERT_CHAIN, clusterFile, ROOT_CERT, ROOT_KEY, type PkiLayout } from './layout.js';

// Reads the files of the pki directory that this mesh uses, all at once. Nothing else in the
// directory is looked at: Makefile leftovers (root-cert.srl, *.csr, *.conf) and the
// directories of clusters no longer in the mesh are left alone.

export type FileContent =
  | { state: 'absent' }
  | { state: 'present'; text: string }
  /** exists but cannot be read (permissions, a directory in its place) */
  | { state: 'unreadable'; reason: string };

export interface RootFiles {
  cert: FileContent;
  key: FileContent;
}

export interface ClusterFiles {
  cluster: string;
  caCert: FileContent;
  caKey: FileContent;
  certChain: FileContent;
  rootCert: FileContent;
}

export interface PkiFiles {
  root: RootFiles;
  clusters: ClusterFiles[];
}

export function readPkiFiles(host: Host, layout: PkiLayout, clusters: readonly string[]): PkiFiles {
  const read = (file: string) => readFileContent(host, absolutePath(layout, file));
  return {
    root: { cert: read(ROOT_CERT), key: read(ROOT_KEY) },
    clusters: clusters.map((cluster) => {
      const [caCert, caKey, certChain, rootCert] = [CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT].map((name) => read(clusterFile(cluster, name)));
      return { cluster, caCert, caKey, certChain, rootCert };
    }),
  };
}

export function exists(file: FileContent): boolean {
  return file.state !== 'absent';
}

export function textOf(file: FileContent): string | undefined {
  return file.state === 'present' ? file.text : undefined;
}

function readFileContent(host: Host, filePath: string): FileContent {
  try {
    return { state: 'present', text: host.readFile(filePath) };
  } catch (cause) {
    const code = errorCode(cause);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'absent' };
    return { state: 'unreadable', reason: code ?? 'unknown error' };
  }
}
