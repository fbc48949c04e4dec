// Build step (after tsc and compile-schema): bundles the CLI with esbuild into dist/cli.js, so
// that `meshgen` loads a few files instead of the ESM graph of dist/ and the CommonJS trees of
// cdk8s and its dependencies (module resolution and loading were about 60% of a small build).
//
//   dist/cli.js            the bin (package.json "bin"), ESM; replaces tsc's dist/cli.js
//   dist/cli-chunk-*.js    what it imports lazily (import()): the build pipeline, node-forge, init...
//   dist/*.js.map          source maps, read only when an internal error is reported (src/internal-error.ts)
//
// The library (dist/index.js and the modules tsc wrote next to it) is not bundled: it stays
// importable module by module. esbuild runs here only; the bundle needs Node 20 and nothing else
// at run time but the files in dist/ and schemas/.
//
// Three source patterns are rewritten for the bundle (only in the bundle; tsc's output and
// tsx runs see the sources as written):
// - `createRequire(import.meta.url)('pkg')`, meshgen's lazy synchronous load of a CommonJS
//   package (cdk8s, the k8s classes), becomes `require('pkg')`, so that esbuild bundles the
//   package and still initialises it only on first use;
// - `import.meta.url` becomes the URL the module has in dist/ (dist/validate/schema.js for
//   src/validate/schema.ts), so that paths relative to a module (../../schemas/...) are the same
//   in the bundle as in tsc's output; every output of this script is in dist/ itself for that;
// - the nested copy of `yaml` that cdk8s ships (the same version) is replaced by meshgen's, so
//   the YAML library is loaded once.
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(REPO, 'src');
const DIST = join(REPO, 'dist');

// a previous build's chunks (their names carry a hash)
for (const name of readdirSync(DIST)) if (/^cli-chunk-.*\.js(\.map)?$/.test(name)) rmSync(join(DIST, name));

const yamlVersion = (dir) => JSON.parse(readFileSync(join(REPO, dir, 'package.json'), 'utf8')).version;
const ownYaml = 'node_modules/yaml';
const cdk8sYaml = 'node_modules/cdk8s/node_modules/yaml';

/** @type {import('esbuild').Plugin} */
const meshgenSources = {
  name: 'meshgen-sources',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      text = text.replace(/createRequire\(import\.meta\.url\)\((?=['"])/g, 'require(');
      const inDist = relative(SRC, args.path).split(sep).join('/').replace(/\.ts$/, '.js');
      text = text.replace(/import\.meta\.url/g, `new URL(${JSON.stringify(`./${inDist}`)}, import.meta.url).href`);
      return { contents: text, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

/** @type {import('esbuild').Plugin} */
const oneYaml = {
  name: 'one-yaml',
  setup(b) {
    let checked = false;
    b.onResolve({ filter: /^yaml$/ }, (args) => {
      if (!args.importer.includes(`${sep}node_modules${sep}cdk8s${sep}`)) return undefined;
      if (!checked) {
        if (yamlVersion(ownYaml) !== yamlVersion(cdk8sYaml)) throw new Error(`cdk8s ships yaml ${yamlVersion(cdk8sYaml)}, meshgen depends on ${yamlVersion(ownYaml)}: one copy cannot replace the other`);
        checked = true;
      }
      return { path: join(REPO, ownYaml, 'dist/index.js') };
    });
  },
};

const result = await build({
  absWorkingDir: REPO,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  chunkNames: 'cli-chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Loaded from node_modules when used, not bundled: the full ajv compiler (only without the
  // precompiled validator), node-forge (only to make CA keys; test/pki/lazy-forge.test.ts
  // watches for it in require.cache) and age-encryption (only to encrypt for SOPS).
  external: ['ajv', 'ajv/*', 'node-forge', 'age-encryption'],
  // CommonJS packages in an ES module: their require() of Node's built-ins and of ajv
  banner: { js: "import { createRequire as __meshgenCreateRequire } from 'node:module';\nconst require = __meshgenCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  // less to read and parse on every run; names are kept, so stacks stay readable without the maps
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [meshgenSources, oneYaml],
});

if (process.env.MESHGEN_BUNDLE_ANALYZE) {
  const { analyzeMetafile } = await import('esbuild');
  console.log(await analyzeMetafile(result.metafile));
}
