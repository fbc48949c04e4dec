import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/pki/x509.js';
import { REPO } from '../helpers/fixtures.js';

// A build reads the same certificate in several stages and the root in every cluster's files:
// each distinct text is parsed once.

const root = readFileSync(join(REPO, 'test/fixtures/pki/root-cert.pem'), 'utf8');
const east = readFileSync(join(REPO, 'test/fixtures/pki/east/ca-cert.pem'), 'utf8');

describe('parseCertificate', () => {
  it('gives the certificate Node parses from the text', () => {
    expect(parseCertificate(root).fingerprint256).toBe(new X509Certificate(root).fingerprint256);
  });

  it('parses a text once: the same object for the same text, another for another text', () => {
    expect(parseCertificate(root)).toBe(parseCertificate(`${root}`));
    expect(parseCertificate(east)).not.toBe(parseCertificate(root));
    expect(parseCertificate(east).fingerprint256).not.toBe(parseCertificate(root).fingerprint256);
  });

  it('throws for what is not a certificate, each time (a failure is not remembered)', () => {
    expect(() => parseCertificate('not a certificate\n')).toThrow();
    expect(() => parseCertificate('not a certificate\n')).toThrow();
  });
});
