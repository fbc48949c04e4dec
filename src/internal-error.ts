import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The bin runs a bundle (scripts/bundle-cli.mjs): the stack of an internal error points into
// dist/cli-bundle.js. This maps each such frame back to the TypeScript source with the
// bundle's source map (dist/cli-bundle.js.map), so a bug report names src/ files and lines. It runs only
// when an internal error is reported: Node's --enable-source-maps would read the maps of every
// module on every run. A frame without a map (tsc's output, node_modules, node:) stays as it is.

const FRAME = /((?:file:\/\/)?\/[^\s()]+\.[cm]?js):(\d+):(\d+)/g;

export function sourceMappedStack(stack: string, readMap: (file: string) => SourceMap | undefined = bundleMap): string {
  return stack.replace(FRAME, (whole, location: string, line: string, column: string) => {
    const file = location.startsWith('file://') ? fileURLToPath(location) : location;
    const map = readMap(file);
    if (!map) return whole;
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return whole;
    // esbuild writes sources relative to the map (../src/cli.ts)
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

const maps = new Map<string, SourceMap | undefined>();

/** The linked source map of a bundle file (`<file>.map`), or undefined. */
function bundleMap(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      if (/[\\/]dist[\\/]cli-bundle\.js$/.test(file)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(file, map);
  }
  return maps.get(file);
}
