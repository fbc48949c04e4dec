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
