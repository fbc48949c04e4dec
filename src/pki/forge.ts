import type * as forgeModule from 'node-forge';

// node-forge is loaded only when a certificate has to be built: a build that reuses existing
// material never pays for it. This is the only place that imports it.

export type Forge = typeof forgeModule;

let loads = 0;

export async function loadForge(): Promise<Forge> {
  const module = await import('node-forge');
  loads++;
  return module.default;
}

/** How many times this process asked for node-forge (for tests of the lazy import). */
export function forgeLoadCount(): number {
  return loads;
}
