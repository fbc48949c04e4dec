import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages } from '../../imports/cert-manager.io.js';
import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';
import { CACERTS_SECRET, type CacertsCertificatePlan } from '../../plan/by-reference-plan.js';

// pki.provider cert-manager: each primary's intermediate CA is a cert-manager Certificate that
// writes the `cacerts` Secret itself, so meshgen never holds a CA key. The Secret has the
// kubernetes.io/tls keys (tls.crt, tls.key, ca.crt), which istiod reads as its plugged-in CA
// since Istio 1.15 (pilot/pkg/bootstrap/istio_ca.go detectSigningCABundleAndCRL: tls.crt takes
// precedence; the chain is tls.crt followed by ca.crt; no CRL in this form).
// The profile follows Istio's tools/certs/Makefile.selfsigned.mk intermediate: subject O, CN and
// L=<cluster>, the SAN istiod.istio-system.svc, key usages digitalSignature, nonRepudiation
// (cert-manager: "content commitment"), keyEncipherment and keyCertSign; isCA adds "cert sign"
// too (cert-manager Certificate API reference).

const KEY_ALGORITHMS: Record<CacertsCertificatePlan['privateKey']['algorithm'], CertificateSpecPrivateKeyAlgorithm> = {
  RSA: CertificateSpecPrivateKeyAlgorithm.RSA,
  ECDSA: CertificateSpecPrivateKeyAlgorithm.ECDSA,
};

export function cacertsCertificate(plan: CacertsCertificatePlan): KubeObject {
  return kubeObject(Certificate, {
    metadata: { name: CACERTS_SECRET, namespace: ISTIO_NAMESPACE },
    spec: {
      secretName: CACERTS_SECRET,
      isCa: true,
      commonName: plan.commonName,
      subject: { organizations: [plan.organization], localities: [plan.locality] },
      dnsNames: [`istiod.${ISTIO_NAMESPACE}.svc`],
      duration: `${plan.validityDays * 24}h`,
      usages: [CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.CONTENT_COMMITMENT, CertificateSpecUsages.KEY_ENCIPHERMENT],
      // a new key with each renewal (the default since cert-manager 1.18; explicit for older ones)
      privateKey: { algorithm: KEY_ALGORITHMS[plan.privateKey.algorithm], size: plan.privateKey.size, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
      issuerRef: { kind: plan.issuerRef.kind, name: plan.issuerRef.name, group: plan.issuerRef.group },
    },
  });
}
