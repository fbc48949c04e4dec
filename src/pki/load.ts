import { readFile } from 'node:fs/promises';
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

export async function readPkiFiles(layout: PkiLayout, clusters: readonly string[]): Promise<PkiFiles> {
  const read = (file: string) => readFileContent(absolutePath(layout, file));
  const readRoot = async (): Promise<RootFiles> => {
    const [cert, key] = await Promise.all([read(ROOT_CERT), read(ROOT_KEY)]);
    return { cert, key };
  };
  const readCluster = async (cluster: string): Promise<ClusterFiles> => {
    const [caCert, caKey, certChain, rootCert] = await Promise.all(
      [CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT].map((name) => read(clusterFile(cluster, name))),
    );
    return { cluster, caCert, caKey, certChain, rootCert };
  };
  const [root, perCluster] = await Promise.all([readRoot(), Promise.all(clusters.map(readCluster))]);
  return { root, clusters: perCluster };
}

export function exists(file: FileContent): boolean {
  return file.state !== 'absent';
}

export function textOf(file: FileContent): string | undefined {
  return file.state === 'present' ? file.text : undefined;
}

async function readFileContent(filePath: string): Promise<FileContent> {
  try {
    return { state: 'present', text: await readFile(filePath, 'utf8') };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'absent' };
    return { state: 'unreadable', reason: code ?? 'unknown error' };
  }
}
