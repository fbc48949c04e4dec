#!/usr/bin/env node
// dist/cli.js, the bin (copied there by scripts/bundle-cli.mjs; tsc's dist/cli.js is replaced).
//
// It runs the bundle, dist/cli-bundle.js (all of meshgen's CLI and the packages it uses, one
// function expression; see scripts/bundle-cli.mjs), with the V8 code cache the build made for
// it (dist/cli-bundle.js.cache): the
// functions a build runs are compiled once, at `npm run build`, instead of on every run (Node 20
// has no module compile cache; module.enableCompileCache() is Node 22.1+). V8 checks the cache
// against the source and its own version and flags: a cache that does not fit (another Node
// version) is ignored, and the bundle is compiled as usual. Nothing is written at run time.
//
// Importing this module (tests do, for main()) runs nothing: the bundle starts a command only
// when process.argv[1] is the bin (src/cli.ts, invokedAsBin).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const file = fileURLToPath(new URL('./cli-bundle.js', import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined; // no cache (a build without one): compiled as usual
}
const script = new vm.Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
const bundle = { exports: {} };
// exports, require, module, __filename, __dirname, and import() of the packages left outside the bundle
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, fileURLToPath(new URL('.', import.meta.url)), (specifier) => import(specifier));

export const { main, report, progressText, ProgressLine } = bundle.exports;
