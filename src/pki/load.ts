import { errorCode, FileTooLargeError, formatBytes, NotRegularFileError, readRegularFile, type Host } from '../host/host.js';
import { absolutePath, CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT, ROOT_KEY, type PkiLayout } from './layout.js';
import { intermediateSlots, slotFile, type IntermediateSlot } from '../rules/pki-intermediates.js';

// Reads the files of the pki directory that this mesh uses, all at once. Nothing else in the
// directory is looked at: Makefile leftovers (root-cert.srl, *.csr, *.conf) and the
// directories of clusters no longer in the mesh are left alone.

export type FileContent =
  | { state: 'absent' }
  /** mode: the permission bits, when the host reports them */
  | { state: 'present'; text: string; mode?: number }
  /** exists but cannot be read (permissions, a directory or FIFO in its place, too large) */
  | { state: 'unreadable'; reason: string; tooLarge?: boolean };

/** A certificate is about 2 KiB and a key 3 KiB; 1 MiB is room for any bundle, and keeps a wrong file (a device, a log) from being read whole. */
export const PKI_FILE_LIMIT = 1024 * 1024;

export interface RootFiles {
  cert: FileContent;
  key: FileContent;
}

/**
 * The files of one intermediate CA (a slot of rules/pki-intermediates.ts): a cluster's directory,
 * or, for a shared intermediate, the top of the pki directory. There the root copy is the root
 * itself (`rootCert` is root-cert.pem, read once more), and it is not one of the slot's own files.
 */
export interface ClusterFiles {
  /** the cluster's name, or "shared" */
  cluster: string;
  slot: IntermediateSlot;
  caCert: FileContent;
  caKey: FileContent;
  certChain: FileContent;
  rootCert: FileContent;
}

export interface PkiFiles {
  root: RootFiles;
  clusters: ClusterFiles[];
}

/** `slots`: the intermediates to read (rules/pki-intermediates.ts); a cluster's name stands for its own directory. */
export function readPkiFiles(host: Host, layout: PkiLayout, slots: readonly (string | IntermediateSlot)[]): PkiFiles {
  const read = (file: string) => readFileContent(host, absolutePath(layout, file));
  return {
    root: { cert: read(ROOT_CERT), key: read(ROOT_KEY) },
    clusters: slots.map((given) => {
      const slot = typeof given === 'string' ? intermediateSlots('per-cluster', [given])[0] : given;
      const [caCert, caKey, certChain, rootCert] = [CA_CERT, CA_KEY, CERT_CHAIN, ROOT_CERT].map((name) => read(slotFile(slot, name)));
      return { cluster: slot.id, slot, caCert, caKey, certChain, rootCert };
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
    const text = readRegularFile(host, filePath, PKI_FILE_LIMIT);
    const mode = host.stat(filePath)?.mode;
    return { state: 'present', text, ...(mode !== undefined ? { mode } : {}) };
  } catch (cause) {
    if (cause instanceof NotRegularFileError) return { state: 'unreadable', reason: `not a regular file: ${cause.what}` };
    if (cause instanceof FileTooLargeError) return { state: 'unreadable', reason: `larger than ${formatBytes(PKI_FILE_LIMIT)}`, tooLarge: true };
    const code = errorCode(cause);
    // ENOTDIR (the pki dir or a cluster's directory is a file) is reported by the pki stage before it reads
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'absent' };
    return { state: 'unreadable', reason: code ?? 'unknown error' };
  }
}
