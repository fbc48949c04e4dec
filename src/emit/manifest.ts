import { compareText } from '../diagnostics/diagnostic.js';

// out/.meshgen-manifest.json lists every file meshgen wrote. It is how a later build knows
// which files it may prune: meshgen never deletes a file that is not listed here.

export { MANIFEST_PATH } from '../resource/out-layout.js';
import { MANIFEST_PATH } from '../resource/out-layout.js';

/** `review`: the facts the review summary compares (emit/summary.ts), when the build gives them. */
export function manifestContent(paths: Iterable<string>, review?: unknown): string {
  const files = [...paths].filter((p) => p !== MANIFEST_PATH).sort(compareText);
  return JSON.stringify({ generator: 'meshgen', files, ...(review !== undefined ? { review } : {}) }, null, 2) + '\n';
}

/** The facts a manifest recorded (undefined for a manifest without them, or not a manifest). */
export function manifestReview(text: string): unknown {
  try {
    return (JSON.parse(text) as { review?: unknown } | null)?.review;
  } catch {
    return undefined;
  }
}

/** The listed paths, or undefined when the text is not a meshgen manifest. Unsafe paths are dropped. */
export function parseManifest(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) return undefined;
  return files.filter(isSafeRelativePath);
}

/** A hand-edited manifest must never make meshgen delete anything outside out/. */
export function isSafeRelativePath(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && !path.includes('\\') && !/^[A-Za-z]:/.test(path) && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}
