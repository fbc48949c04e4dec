import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './fixtures.js';

// New CA material without generating keys: what createCaMaterial returns, taken from the
// suite's fake CA (test/fixtures/pki). Tests that make a build create a CA mock
// src/pki/generate.js with this, so they cost no RSA-4096 key generation and every run
// creates the same bytes:
//
//   vi.mock('../src/pki/generate.js', async (original) => ({ ...(await original()), createCaMaterial: fixtureCaMaterial }));

const FIXTURE = join(REPO, 'test/fixtures/pki');
const read = (file: string) => readFileSync(join(FIXTURE, file), 'utf8');

export const creations: { root: boolean; intermediates: string[] }[] = [];

export async function fixtureCaMaterial(request: { newRoot?: unknown; intermediates: { cluster: string }[] }) {
  creations.push({ root: request.newRoot !== undefined, intermediates: request.intermediates.map((i) => i.cluster) });
  return {
    root: request.newRoot ? { keyPem: read('root-key.pem'), certPem: read('root-cert.pem') } : undefined,
    intermediates: new Map(request.intermediates.map(({ cluster }) => [cluster, { keyPem: read(`${cluster}/ca-key.pem`), certPem: read(`${cluster}/ca-cert.pem`) }])),
  };
}
