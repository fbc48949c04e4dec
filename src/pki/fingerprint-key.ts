import { randomBytes } from 'node:crypto';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { errorCode, FileTooLargeError, NotRegularFileError, readRegularFile, type Host } from '../host/host.js';
import { absolutePath, displayPath, KEY_FILE_MODE, type PkiLayout } from './layout.js';
import type { PendingWrite } from './plan.js';

// The key of the `meshgen.dev/encrypted-from` fingerprints (render/secrets/fingerprint.ts) when
// meshgen holds no CA key: with pki.provider cert-manager the issuer owns every CA key, yet the
// remote secrets of secrets.mode sops or sealed-secrets must still be kept byte for byte by a
// rebuild whose plaintext did not change. meshgen then keys their fingerprints with a random
// key of its own, `<pki.dir>/fingerprint.key`: made once (32 random bytes, base64, mode 0600 in
// a 0700 directory, published atomically with the rest of pki/), reused by every later build,
// never printed and never under out/. Losing it costs one re-encryption of those files, nothing
// else: it protects no secret, it only keeps a guessed token from being confirmed against the
// fingerprint in git. With pki.provider meshgen the key is still derived from each cluster's CA
// key, so the committed files of those meshes do not change.

export const FINGERPRINT_KEY_FILE = 'fingerprint.key';
const KEY_BYTES = 32;
/** 44 base64 characters and a newline; anything much larger is not this file */
const KEY_FILE_LIMIT = 4096;
const KEY_LINE = /^[A-Za-z0-9+/]{43}=$/;

export interface FingerprintKeyInput {
  host: Host;
  layout: PkiLayout;
  /** false for `build --check`, which encrypts nothing it keeps and writes nothing */
  allowGenerate: boolean;
}

export interface FingerprintKeyResult {
  key?: Buffer;
  writes: PendingWrite[];
  diagnostics: Diagnostic[];
}

/** Reads `<pki.dir>/fingerprint.key`, or plans its creation when it does not exist. */
export function fingerprintKeyFile({ host, layout, allowGenerate }: FingerprintKeyInput): FingerprintKeyResult {
  const path = absolutePath(layout, FINGERPRINT_KEY_FILE);
  const shown = displayPath(layout, FINGERPRINT_KEY_FILE);
  const hint = `remove ${shown}: the next build makes a new one, and encrypts the remote secrets once more`;
  const refuse = (why: string, position?: { line: number; col: number; length: number }) => ({ writes: [], diagnostics: [error(Codes.FingerprintKeyInvalid, `${shown} ${why}`, { file: shown, ...(position ? { position } : {}), hint })] });
  let text: string;
  try {
    if (host.lstat(path)?.kind === 'symlink') return refuse('is a symbolic link: meshgen reads its keys only from regular files in spec.pki.dir');
    text = readRegularFile(host, path, KEY_FILE_LIMIT);
  } catch (e) {
    if (e instanceof FileTooLargeError) return refuse('is too large for a fingerprint key (44 base64 characters)');
    if (e instanceof NotRegularFileError) return refuse(`is not a regular file (${e.what})`);
    const code = errorCode(e);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return refuse(`cannot be read (${code ?? 'error'})`);
    if (!allowGenerate) return { writes: [], diagnostics: [] };
    const key = randomBytes(KEY_BYTES);
    return { key, writes: [{ path, content: `${key.toString('base64')}\n`, mode: KEY_FILE_MODE }], diagnostics: [] };
  }
  const lines = text.split('\n');
  const first = lines[0].replace(/\r$/, '');
  if (!KEY_LINE.test(first)) {
    const col = [...first].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
    const why = first.length === 0 ? 'is empty' : col >= 0 ? 'holds a character that is not base64' : `holds ${first.length} characters, not the 44 base64 characters of a ${KEY_BYTES}-byte key`;
    return refuse(why, { line: 1, col: col >= 0 ? col + 1 : 1, length: col >= 0 ? 1 : Math.max(first.length, 1) });
  }
  const extra = lines.slice(1).findIndex((l) => l.trim() !== '');
  if (extra >= 0) return refuse('holds more than the one line of its key', { line: extra + 2, col: 1, length: Math.max(lines[extra + 1].length, 1) });
  return { key: Buffer.from(first, 'base64'), writes: [], diagnostics: [] };
}
