// The usage text of each meshgen command (`meshgen <command> --help`); src/cli.ts prints it.
// Flags and defaults here must match cli.ts's FLAGS table (test/cli-help.test.ts checks it).

export const COMMAND_USAGE: Record<string, string> = {
  build: `Usage: meshgen build [MESH_FILE] [--out DIR] [--check] [--strict] [--quiet]

Compiles MESH_FILE (default ./mesh.yaml) into DIR (default ./out): per-cluster manifests,
Helm values, CA material (created in spec.pki.dir where missing) and out/README.md.

  --out DIR  where to write (default ./out); meshgen owns only the files it wrote there
  --check    render in memory and compare with DIR; write nothing; exit 1 on any difference,
             printing each changed file's unified diff (at most 40 lines per file)
  --strict   warnings count as errors
  --quiet    print only warnings and errors

Exit status: 0 built (or up to date), 1 invalid input or drift, 2 usage error.`,
  validate: `Usage: meshgen validate [MESH_FILE] [--strict]

Checks MESH_FILE (default ./mesh.yaml): syntax, schema and meaning. Writes nothing and reads
no credentials or CA material.

  --strict   warnings count as errors

Exit status: 0 valid, 1 invalid, 2 usage error.`,
  init: `Usage: meshgen init [DIR] [--topology multi-primary|primary-remote|legacy-global] [--clusters N]

Writes a commented DIR/mesh.yaml (DIR defaults to .) that builds as it is, for the topology
(default multi-primary) and number of clusters (default 2). It never overwrites an existing
mesh file. Its yaml-language-server line points at meshgen's schema where meshgen is installed.

  --topology T  multi-primary, primary-remote or legacy-global
  --clusters N  how many clusters (a primary-remote mesh needs at least 2)

Exit status: 0 written, 1 a mesh file is in the way, 2 usage error.`,
  certs: `Usage: meshgen certs status [MESH_FILE]

Prints each CA certificate of the mesh (spec.pki.dir): subject, issuer, serial, expiry,
days left, SHA-256 fingerprint and whether it verifies. MESH_FILE defaults to ./mesh.yaml.

Exit status: 0 every certificate verifies, 1 one does not (or the mesh file is invalid), 2 usage error.`,
};
