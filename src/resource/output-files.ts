// What a build produces: relative POSIX paths under out/ and their bytes.

export interface OutputFile {
  /** POSIX path relative to out/, e.g. "east/helm/istiod.values.yaml" */
  path: string;
  /**
   * The file's text. Undefined only for private files whose source material is not at hand
   * (a `--check` run without CA keys): the path is known, the content cannot be compared.
   */
  content?: string;
  /** private material (keys, tokens): mode 0600, kept out of git, never printed */
  private: boolean;
  /** a script: mode 0755 */
  executable?: boolean;
}

export type OutputSet = Map<string, OutputFile>;

export function addFile(set: OutputSet, file: OutputFile): void {
  if (set.has(file.path)) throw new Error(`internal: two outputs for ${file.path}`);
  set.set(file.path, file);
}

/**
 * The cluster a path belongs to: its first segment, or the second under the GitOps
 * directories (argocd/<cluster>/, flux/<cluster>/; no cluster may take those names).
 * Undefined for mesh-level files.
 */
export function clusterOfPath(path: string, clusters: readonly string[]): string | undefined {
  const [first, second] = path.split('/');
  if (clusters.includes(first)) return first;
  return (first === 'argocd' || first === 'flux') && second !== undefined && clusters.includes(second) ? second : undefined;
}

/**
 * Private material lives in `<cluster>/secrets/`. Files that are no longer rendered are known
 * only by path (from the manifest), so this is how a removed file is recognised as private.
 */
export function isPrivatePath(path: string): boolean {
  return path.split('/')[1] === 'secrets';
}
