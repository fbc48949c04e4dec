// Where things are in the GitOps repository. mesh.yaml says where out/ is committed
// (spec.gitops.*.path); every path a wrapper references is that path joined with a path
// under out/, so the tests can map each one back to a rendered file.

/** "./out/", "out", "." and "" name out/ (or the repository root) without decoration. */
export function normalizeRepoPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/** A path in the repository, for Argo CD (no leading "./"): `out/east/manifests`. */
export function repoPath(outPath: string, underOut: string): string {
  const base = normalizeRepoPath(outPath);
  return base ? `${base}/${underOut}` : underOut;
}

/** A path in the Flux source, in Flux's own "./" style: `./out/east`. */
export function fluxPath(outPath: string, underOut: string): string {
  return `./${repoPath(outPath, underOut)}`;
}
