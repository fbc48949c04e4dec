import forge from 'node-forge';
import type { TbsCertificate } from '../../src/pki/certificate.js';
import { CA_KEY_USAGE, ISTIOD_SAN_DNS } from '../../src/pki/profile.js';

// An independent encoder for the oracle of test/pki/certificate-encoding.test.ts: node-forge
// lays out the same TBSCertificate from the same fields (meshgen encoded its certificates with
// forge until it got its own DER writer). node-forge is a devDependency only.

type Asn1 = forge.asn1.Asn1;
const { asn1, pki, util } = forge;

export function forgeTbsCertificate(tbs: TbsCertificate): Buffer {
  const cert = pki.createCertificate();
  // forge encodes only RSA public keys: a placeholder, replaced by the real SubjectPublicKeyInfo below
  cert.publicKey = pki.setRsaPublicKey(new forge.jsbn.BigInteger('3', 10), new forge.jsbn.BigInteger('3', 10));
  cert.serialNumber = tbs.serialNumber.toString('hex');
  cert.validity.notBefore = tbs.notBefore;
  cert.validity.notAfter = tbs.notAfter;
  // @types/node-forge declares valueTagClass as asn1.Class; forge reads it as an asn1.Type.
  const valueTagClass = asn1.Type.UTF8 as number as forge.asn1.Class;
  const subject = [
    { shortName: 'O', value: tbs.subject.organization, valueTagClass },
    { shortName: 'CN', value: tbs.subject.commonName, valueTagClass },
  ];
  if (tbs.subject.locality !== undefined) subject.push({ shortName: 'L', value: tbs.subject.locality, valueTagClass });
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const common = [
    { name: 'subjectKeyIdentifier', value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, tbs.subjectKeyIdentifier.toString('binary')) },
    tbs.kind === 'root' ? { name: 'basicConstraints', critical: true, cA: true } : { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, ...CA_KEY_USAGE },
  ];
  cert.setExtensions(
    tbs.kind === 'root'
      ? common
      : [
          ...common,
          { name: 'subjectAltName', altNames: [{ type: 2, value: ISTIOD_SAN_DNS }] },
          { name: 'authorityKeyIdentifier', keyIdentifier: tbs.authorityKeyIdentifier?.toString('binary') },
        ],
  );
  cert.siginfo.algorithmOid = tbs.signature.oid;
  // getTBSCertificate exists in forge 1.x but is missing from @types/node-forge.
  const encoded = (pki as unknown as { getTBSCertificate(c: typeof cert): Asn1 }).getTBSCertificate(cert);
  const fields = encoded.value as Asn1[];
  const parts = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(tbs.signature.oid).getBytes())];
  if (tbs.signature.nullParameters) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  fields[2] = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
  fields[6] = asn1.fromDer(util.createBuffer(tbs.subjectPublicKeyInfo.toString('binary')));
  if (tbs.rawIssuer) fields[3] = asn1.fromDer(util.createBuffer(tbs.rawIssuer.toString('binary')));
  return Buffer.from(asn1.toDer(encoded).getBytes(), 'binary');
}

