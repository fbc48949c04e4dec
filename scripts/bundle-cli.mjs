// Build step (after tsc and compile-schema): bundles the CLI with esbuild, so that `meshgen`
// reads and compiles one file instead of the ESM graph of dist/ and the CommonJS trees of cdk8s
// and its dependencies (module resolution and loading were about 60% of a small build), and
// makes a V8 code cache for it.
//
//   dist/cli.js                 the bin (package.json "bin"): scripts/cli-loader.mjs, which runs
//                               the bundle with its code cache; replaces tsc's dist/cli.js
//   dist/cli-bundle.js          the CLI and the packages it uses, one file: a CommonJS bundle
//                               in a function expression (see WRAPPER_PARAMETERS)
//   dist/cli-bundle.js.map      its source map, read only when an internal error is reported
//                               (src/internal-error.ts)
//   dist/cli-bundle.js.cache    V8's code cache of the bundle after a warm build of
//                               examples/multi-primary (in a temporary directory), so the
//                               functions a build runs are not compiled again on every run
//
// The library (dist/index.js and the modules tsc wrote next to it) is not bundled: it stays
// importable module by module. esbuild runs here only; at run time the bin needs Node 20 and
// the files in dist/ and schemas/ (and node_modules for the few packages left outside).
//
// Four source patterns are rewritten for the bundle (only in the bundle; tsc's output and
// tsx runs see the sources as written):
// - `createRequire(import.meta.url)('pkg')`, meshgen's lazy synchronous load of a CommonJS
//   package (cdk8s, the k8s classes), becomes `require('pkg')`, so that esbuild bundles the
//   package and still initialises it only on first use;
// - `import.meta.url` becomes the URL the module has in dist/ (dist/validate/schema.js for
//   src/validate/schema.ts), so that paths relative to a module (../../schemas/...) are the same
//   in the bundle as in tsc's output;
// - `import('age-encryption')` (left outside the bundle) becomes
//   `importPackage(...)` (see WRAPPER_PARAMETERS);
// - the nested copy of `yaml` that cdk8s ships (the same version) is replaced by meshgen's, so
//   the YAML library is loaded once.
import { build } from 'esbuild';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(REPO, 'src');
const DIST = join(REPO, 'dist');

const BUNDLE = join(DIST, 'cli-bundle.js');
// The bundle is a script: one function expression, which cli-loader.mjs compiles with vm.Script
// (the only way to give V8 a code cache in Node 20) and calls with what a CommonJS module gets,
// and `importPackage`, import() from an ES module in dist/: an import() inside code compiled
// from a code cache has no module loader to call in Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
const WRAPPER_PARAMETERS = 'exports, require, module, __filename, __dirname, importPackage';

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
      text = text.replace(/\bimport\((['"])(age-encryption)\1\)/g, 'importPackage($1$2$1)');
      const inDist = relative(SRC, args.path).split(sep).join('/').replace(/\.ts$/, '.js');
      text = text.replace(/import\.meta\.url/g, `new URL(${JSON.stringify(`./${inDist}`)}, __meshgenBundleUrl).href`);
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
  entryPoints: ['src/cli.ts'],
  outfile: BUNDLE,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Loaded from node_modules when used, not bundled: the full ajv compiler (only without the
  // precompiled validator) and age-encryption (only to encrypt for SOPS).
  external: ['ajv', 'ajv/*', 'age-encryption'],
  // "use strict" first, where it is a directive: the bundle is strict code like the ES modules it is made of
  banner: { js: "'use strict';\nconst __meshgenBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  // less to read and parse; names are kept, so stacks stay readable without the map
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
  write: false,
  plugins: [meshgenSources, oneYaml],
});
for (const output of result.outputFiles) {
  // the #! line becomes the head of the function expression, so the source map's lines still fit
  writeFileSync(output.path, output.path === BUNDLE ? `${output.text.replace(/^#![^\n]*/, `(function (${WRAPPER_PARAMETERS}) {`)}\n})\n` : output.contents);
}
copyFileSync(join(REPO, 'scripts/cli-loader.mjs'), join(DIST, 'cli.js'));
rmSync(join(DIST, 'cli.js.map'), { force: true });

if (process.env.MESHGEN_BUNDLE_ANALYZE) {
  const { analyzeMetafile } = await import('esbuild');
  console.log(await analyzeMetafile(result.metafile));
}

// The code cache: the bundle compiled as cli-loader.mjs compiles it, a warm build of an example
// run with it (the functions a build runs are compiled then), and V8's cache of all of it.
const script = new vm.Script(readFileSync(BUNDLE, 'utf8'), { filename: BUNDLE });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(BUNDLE), bundle, BUNDLE, DIST, (specifier) => import(specifier));
const work = mkdtempSync(join(tmpdir(), 'meshgen-code-cache-'));
try {
  cpSync(join(REPO, 'examples/multi-primary'), work, { recursive: true, filter: (source) => !/[\\/](out|\.meshgen[^\\/]*)$/.test(source) });
  const quiet = () => {};
  const cwd = process.cwd();
  process.chdir(work);
  try {
    for (let run = 0; run < 2; run++) {
      const code = await bundle.exports.main(['build', 'mesh.yaml', '--quiet'], quiet, quiet);
      if (code !== 0) throw new Error(`bundle-cli: the warm build for the code cache exited ${code}`);
    }
  } finally {
    process.chdir(cwd);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
writeFileSync(`${BUNDLE}.cache`, script.createCachedData());
