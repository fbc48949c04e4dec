import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, certsStatus, validate } from '../src/pipeline.js';
import { ENCRYPTED_FILE_MARK, EXAMPLES, REPO } from './helpers/fixtures.js';
import { diskFiles, MEMORY_REPO, memoryHostWith } from './helpers/memory.js';

// The stages take their filesystem, environment and clock from an injected Host. Against an
// in-memory host, `build`, `validate` and `certs status` run the very functions the CLI runs,
// and produce exactly what the CLI produces on disk.

const goldenDir = (example: string) => (example === 'multi-primary-multi-network' ? 'out' : join('test/golden', example));
const meshFile = (example: string) => join(MEMORY_REPO, 'examples', example, 'mesh.yaml');

describe.each(EXAMPLES)('example %s built in memory', (example) => {
  it('writes the golden tree, public files byte for byte, and nothing on disk', async () => {
    const host = memoryHostWith([`examples/${example}`]);
    // the golden's place relative to the examples, so that generated headers name the mesh file alike
    const outDir = join(MEMORY_REPO, goldenDir(example));
    // the committed encrypted files in place, as a rebuild finds them (secrets.mode sops, sealed-secrets)
    for (const [path, content] of diskFiles(join(REPO, goldenDir(example)))) {
      if (!path.endsWith('.yaml') || !content.includes(ENCRYPTED_FILE_MARK)) continue;
      host.mkdir(join(outDir, path, '..'));
      host.writeFile(join(outDir, path), content, { mode: 0o644 });
    }
    const result = await build({ meshFile: meshFile(example), outDir }, host);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(existsSync(MEMORY_REPO)).toBe(false);
    const written = new Map([...host.files(outDir)].filter(([path]) => path.split('/')[1] !== 'secrets'));
    const golden = new Map([...diskFiles(join(REPO, goldenDir(example)))].filter(([path]) => path.split('/')[1] !== 'secrets'));
    expect([...written.keys()]).toEqual([...golden.keys()]);
    for (const [path, content] of golden) expect(written.get(path), path).toBe(content);
  });
});

describe('the in-memory host', () => {
  it('gives build the environment: a reader token from tokenEnv is read from host.env, not process.env', async () => {
    const example = 'multi-primary';
    const host = memoryHostWith([`examples/${example}`]);
    const mesh = host.readFile(meshFile(example)).replace(/tokenFile: credentials\/cluster1\.token/, 'tokenEnv: MESHGEN_TEST_TOKEN_ONLY_IN_HOST');
    expect(mesh).toContain('MESHGEN_TEST_TOKEN_ONLY_IN_HOST');
    host.writeFile(meshFile(example), mesh, { mode: 0o644 });
    const withoutToken = await build({ meshFile: meshFile(example), outDir: '/out-a' }, host);
    expect(withoutToken.diagnostics.map((d) => d.code)).toContain('W2201');

    host.env.MESHGEN_TEST_TOKEN_ONLY_IN_HOST = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl';
    const withToken = await build({ meshFile: meshFile(example), outDir: '/out-b' }, host);
    expect(withToken.diagnostics.map((d) => d.code)).not.toContain('W2201');
    expect(host.readFile('/out-b/cluster2/secrets/istio-remote-secret-cluster1.yaml')).toContain('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl');
  });

  it('gives certs status the clock: the same certificates verify now and are reported expired in 2100', () => {
    const example = 'multi-primary';
    const now = memoryHostWith([`examples/${example}`]);
    expect(certsStatus(meshFile(example), now).ok).toBe(true);
    const later = memoryHostWith([`examples/${example}`], { now: new Date('2100-01-01T00:00:00Z') });
    const report = certsStatus(meshFile(example), later);
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map((d) => d.code)).toContain('MG3008');
  });

  it('lets validate read a mesh file that exists only in memory', () => {
    const host = memoryHostWith([]);
    host.mkdir('/m');
    host.writeFile('/m/mesh.yaml', 'apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  istio: { version: "1.30.3" }\n  secrets: { mode: omit }\n  clusters: [{ name: east, network: n1 }]\n', { mode: 0o644 });
    expect(validate({ meshFile: '/m/mesh.yaml' }, host).ok).toBe(true);
  });
});
