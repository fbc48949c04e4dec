import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../usage-error.js';
import { clusterNames, INIT_TOPOLOGIES, MAX_INIT_CLUSTERS, meshNameFor, meshTemplate, minimumClusters, type InitTopology } from './mesh-template.js';

// `meshgen init [DIR] --topology T --clusters N`: writes DIR/mesh.yaml, never over an existing
// one. A flag value that is not allowed is a usage error (exit 2); a mesh.yaml in the way, or a
// topology this version cannot render, is a user error (exit 1).

export interface InitOptions {
  dir: string;
  topology?: string;
  clusters?: string;
}

export interface InitResult {
  ok: boolean;
  /** what to print: on success to stdout, otherwise to stderr */
  message: string;
}

export function initMesh(options: InitOptions): InitResult {
  const topology = parseTopology(options.topology ?? 'multi-primary');
  const clusters = parseClusters(options.clusters ?? '2', topology);
  const file = join(options.dir, 'mesh.yaml');
  if (existsSync(file)) {
    return { ok: false, message: `meshgen: ${file} already exists; meshgen init never overwrites a mesh file. Move it aside, or name another directory: meshgen init DIR` };
  }
  const text = meshTemplate({ topology, clusters, name: meshNameFor(basename(resolve(options.dir))), schemaPath: schemaPathFrom(options.dir) });
  try {
    mkdirSync(options.dir, { recursive: true });
    // 'wx': fail rather than overwrite, should the file appear in between
    writeFileSync(file, text, { flag: 'wx' });
  } catch (e) {
    return { ok: false, message: `meshgen: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return {
    ok: true,
    message: [
      `wrote ${file}: ${/^[aeiou]/.test(topology) ? 'an' : 'a'} ${topology} mesh of ${clusters} cluster${clusters === 1 ? '' : 's'} (${clusterNames(clusters).join(', ')})`,
      `next: replace the placeholder addresses in it, then run: meshgen build ${file}`,
    ].join('\n'),
  };
}

function parseTopology(text: string): InitTopology {
  if ((INIT_TOPOLOGIES as readonly string[]).includes(text)) return text as InitTopology;
  throw new UsageError(`--topology must be one of ${INIT_TOPOLOGIES.join(', ')}; got "${text}"`);
}

function parseClusters(text: string, topology: InitTopology): number {
  const minimum = minimumClusters(topology);
  const count = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(count >= minimum && count <= MAX_INIT_CLUSTERS)) {
    throw new UsageError(`--clusters must be a whole number from ${minimum} to ${MAX_INIT_CLUSTERS}${topology === 'primary-remote' ? ' (a primary-remote mesh has a primary and at least one remote)' : ''}; got "${text}"`);
  }
  return count;
}

/** meshgen's own schema file, where this copy of meshgen is installed (dist/init/ or src/init/ → schemas/). */
export const INSTALLED_SCHEMA = fileURLToPath(new URL('../../schemas/mesh.schema.json', import.meta.url));

/**
 * The $schema of the mesh file in dir: the path from there to the schema of the meshgen that
 * runs, so that it resolves however meshgen is installed (a dev dependency in node_modules/, a
 * global install, a checkout). Relative, with forward slashes, as editors resolve it.
 */
export function schemaPathFrom(dir: string): string {
  return relative(resolve(dir), INSTALLED_SCHEMA).split(sep).join('/');
}
