// The meshes `npm run bench` measures, written into a directory with everything a build
// reads: mesh.yaml, FAKE but well-formed credentials (one self-signed EC certificate as
// every API server's CA, a JWT-shaped reader token) and, for the large meshes, CA material
// made once with openssl (ECDSA P-256, the Makefile's profile), so that no case waits for
// hundreds of RSA-4096 keys. Nothing here is secret; never use it for a real mesh.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = 'apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: bench }\nspec:\n  istio: { version: "1.30.3" }\n';

/** A 10.x.y.z address unique per index (up to 65,536). */
const ip = (prefix, i) => `${prefix}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function clusterLines(count, { role = 'primary', credentials = true, legacy = false } = {}) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const parts = [`name: c${i}`, `network: net-${i}`, `eastWestGateway: { address: ${ip('10.200', i)} }`];
    if (role !== 'primary') parts.push(`role: ${role}`);
    if (legacy) parts.push('dns: { version: "1.11.1" }');
    if (credentials) parts.push(`apiServer: { url: "https://${ip('10.100', i)}:6443", caFile: credentials/api-ca.crt }`, 'reader: { tokenFile: credentials/reader.token }');
    lines.push(`    - { ${parts.join(', ')} }`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Legacy: each service runs in one cluster. Otherwise in two clusters (the others get its
 * Service so the name resolves), every other one with a weighted split between them.
 */
function serviceLines(count, clusters, { legacy } = {}) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const [a, b] = [`c${i % clusters}`, `c${(i + 1) % clusters}`];
    const where = legacy || clusters < 2 ? `, clusters: [${a}]` : `, clusters: [${a}, ${b}]${i % 2 ? '' : `, trafficPolicy: { weights: { ${a}: 80, ${b}: 20 } }`}`;
    lines.push(`    - { name: svc-${i}, namespace: ns-${i % 10}, ports: [{ name: http, port: 8080, protocol: HTTP }]${where} }`);
  }
  return lines.join('\n') + '\n';
}

/** mesh.yaml text. `keyType` is left out unless given (older builds do not know the field). */
export function meshText({ clusters, services = 0, legacy = false, credentials = true, keyType, port = 8080 }) {
  let text = HEADER;
  if (keyType) text += `  pki: { keyType: ${keyType} }\n`;
  if (legacy) text += '  legacy: { global: { enabled: true } }\n';
  text += '  clusters:\n' + clusterLines(clusters, { credentials, legacy });
  if (services) {
    text += '  namespaces:\n' + Array.from({ length: Math.min(10, services) }, (_, i) => `    - { name: ns-${i} }\n`).join('');
    text += '  services:\n' + serviceLines(services, clusters, { legacy });
    if (port !== 8080) text = text.replace('name: svc-0, namespace: ns-0, ports: [{ name: http, port: 8080', `name: svc-0, namespace: ns-0, ports: [{ name: http, port: ${port}`);
  }
  return text;
}

const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

/** credentials/api-ca.crt (a real, self-signed EC certificate) and credentials/reader.token. */
export function writeCredentials(dir) {
  const creds = join(dir, 'credentials');
  mkdirSync(creds, { recursive: true });
  sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'api-ca.key', '-out', 'api-ca.crt', '-days', '3650', '-subj', '/CN=FAKE bench API server CA'], creds);
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  writeFileSync(join(creds, 'reader.token'), `${b64({ alg: 'RS256', kid: 'bench' })}.${b64({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:istio-system:istio-reader-service-account' })}.${'A'.repeat(342)}\n`);
}

const EXT = `[root]
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign
subjectAltName = DNS:istiod.istio-system.svc
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

/** pki/ with a root and one intermediate per cluster, made by openssl with ECDSA P-256 keys. */
export function writeEcPki(dir, clusters) {
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  writeFileSync(join(pki, 'bench-ext.cnf'), EXT);
  const ecKey = (out) => sh('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out], pki);
  ecKey('root-key.pem');
  sh('openssl', ['req', '-x509', '-new', '-key', 'root-key.pem', '-sha256', '-days', '3650', '-subj', '/O=Istio/CN=Root CA', '-extensions', 'root', '-config', 'bench-ext.cnf', '-out', 'root-cert.pem'], pki);
  // openssl req needs a [req] section in -config: give it one
  for (let i = 0; i < clusters; i++) {
    const c = `c${i}`;
    mkdirSync(join(pki, c), { recursive: true, mode: 0o700 });
    ecKey(`${c}/ca-key.pem`);
    sh('openssl', ['req', '-new', '-key', `${c}/ca-key.pem`, '-subj', `/O=Istio/CN=Intermediate CA/L=${c}`, '-out', `${c}/cluster-ca.csr`], pki);
    sh('openssl', ['x509', '-req', '-in', `${c}/cluster-ca.csr`, '-CA', 'root-cert.pem', '-CAkey', 'root-key.pem', '-CAcreateserial', '-days', '730', '-sha256', '-extensions', 'intermediate', '-extfile', 'bench-ext.cnf', '-out', `${c}/ca-cert.pem`], pki);
    copyFileSync(join(pki, 'root-cert.pem'), join(pki, c, 'root-cert.pem'));
    writeFileSync(join(pki, c, 'cert-chain.pem'), readFileSync(join(pki, c, 'ca-cert.pem'), 'utf8') + readFileSync(join(pki, 'root-cert.pem'), 'utf8'));
  }
}

/** The Makefile steps of Istio's tools/certs for a root and `clusters` intermediates, RSA-4096, as make rules (run with make -j). */
export function makefileText(clusters) {
  const names = Array.from({ length: clusters }, (_, i) => `c${i}`);
  let text = `all: ${names.map((c) => `${c}/cert-chain.pem`).join(' ')}\n`;
  text += 'root-key.pem:\n\topenssl genrsa -out $@ 4096 2>/dev/null\n';
  text += 'root-cert.csr: root-key.pem\n\topenssl req -new -key $< -subj "/O=Istio/CN=Root CA" -out $@\n';
  text += 'root-cert.pem: root-cert.csr\n\topenssl x509 -req -days 3650 -signkey root-key.pem -extensions root -extfile bench-ext.cnf -in $< -out $@ 2>/dev/null\n';
  for (const c of names) {
    text += `${c}/ca-key.pem:\n\tmkdir -p ${c} && openssl genrsa -out $@ 4096 2>/dev/null\n`;
    text += `${c}/cluster-ca.csr: ${c}/ca-key.pem\n\topenssl req -new -key $< -subj "/O=Istio/CN=Intermediate CA/L=${c}" -out $@\n`;
    text += `${c}/ca-cert.pem: ${c}/cluster-ca.csr root-cert.pem\n\topenssl x509 -req -days 730 -CA root-cert.pem -CAkey root-key.pem -CAcreateserial -extensions intermediate -extfile bench-ext.cnf -in $< -out $@ 2>/dev/null\n`;
    text += `${c}/cert-chain.pem: ${c}/ca-cert.pem root-cert.pem\n\tcat $^ > $@\n`;
  }
  return text;
}

export function writeMakefile(dir, clusters) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Makefile'), makefileText(clusters));
  writeFileSync(join(dir, 'bench-ext.cnf'), EXT);
}
