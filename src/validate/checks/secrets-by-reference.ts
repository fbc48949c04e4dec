import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { parseIstioVersion } from '../../rules/istio-versions.js';
import type { Context } from './check-context.js';

const FIRST_MINOR_WITH_TLS_CACERTS = 15;

/**
 * secrets.mode external-secrets needs the store its objects name; pki.provider cert-manager
 * needs the issuer of the intermediates and the public root they chain to. Settings of a mode
 * or provider that is not chosen are ignored, with a warning (a mode switched off by mistake).
 */
export function checkSecretsByReference({ document, at, report }: Context) {
  const { secrets, pki } = document.spec;
  const externalSecretsMode = secrets?.mode === 'external-secrets';
  if (externalSecretsMode && !secrets?.externalSecrets?.storeRef) {
    report(
      error(Codes.ExternalSecretsStoreMissing, 'secrets.mode is external-secrets, but no secrets.externalSecrets.storeRef names the store', {
        ...(secrets?.externalSecrets ? at(['spec', 'secrets', 'externalSecrets'], 'key') : at(['spec', 'secrets', 'mode'])),
        hint: 'add externalSecrets: { storeRef: { kind: ClusterSecretStore, name: <store> } }: a store that exists in every cluster',
      }),
    );
  }
  if (secrets?.externalSecrets && !externalSecretsMode) {
    report(
      warning(Codes.ExternalSecretsIgnored, `secrets.externalSecrets is ignored: secrets.mode is ${secrets.mode ?? 'plain (the default)'}`, {
        ...at(['spec', 'secrets', 'externalSecrets'], 'key'),
        hint: 'set secrets.mode: external-secrets to use it, or remove it',
      }),
    );
  }
  if (externalSecretsMode) {
    document.spec.clusters.forEach((c, i) => {
      // the URL goes into the PushSecret's kubeconfig template as text (render/secrets/external-secrets.ts)
      if (c.apiServer?.url && /\{\{|\}\}/.test(c.apiServer.url)) {
        report(
          error(Codes.ApiServerUrlTemplateDelimiter, `cluster "${c.name}": apiServer.url holds "{{" or "}}", which External Secrets' template engine would read as the start or end of an expression`, {
            ...at(['spec', 'clusters', i, 'apiServer', 'url']),
            hint: 'percent-encode the braces (%7B, %7D), or give the address without them',
          }),
        );
      }
      if (!c.reader) return;
      report(
        warning(Codes.ReaderTokenNotRead, `cluster "${c.name}": reader is ignored in secrets.mode external-secrets, which reads no token (a PushSecret in the cluster takes it from its reader token Secret)`, {
          ...at(['spec', 'clusters', i, 'reader'], 'key'),
          hint: 'remove reader',
        }),
      );
    });
  }

  const certManagerProvider = pki?.provider === 'cert-manager';
  if (certManagerProvider) {
    const place = pki?.certManager ? at(['spec', 'pki', 'certManager'], 'key') : at(['spec', 'pki', 'provider']);
    if (!pki?.certManager?.issuerRef) {
      report(
        error(Codes.CertManagerIssuerMissing, 'pki.provider is cert-manager, but no pki.certManager.issuerRef names the issuer of the intermediate CAs', {
          ...place,
          hint: 'add certManager: { issuerRef: { kind: ClusterIssuer, name: <issuer> } }: an issuer in every primary that can sign CA certificates',
        }),
      );
    }
    // istiod reads cacerts in the kubernetes.io/tls form since 1.15 (istio/istio#39732,
    // pilot/pkg/bootstrap/istio_ca.go detectSigningCABundleAndCRL)
    const version = parseIstioVersion(document.spec.istio.version);
    if (version && version.major === 1 && version.minor < FIRST_MINOR_WITH_TLS_CACERTS) {
      report(
        error(Codes.CertManagerIstioTooOld, `pki.provider is cert-manager, but Istio ${document.spec.istio.version} reads cacerts only in its classic form, not as the tls.crt/tls.key/ca.crt cert-manager writes`, {
          ...at(['spec', 'istio', 'version']),
          hint: 'use Istio 1.15 or later, or pki.provider: meshgen',
        }),
      );
    }
    if (!pki?.certManager?.rootCertFile) {
      report(
        error(Codes.CertManagerRootMissing, 'pki.provider is cert-manager, but no pki.certManager.rootCertFile gives the public root the issuer chains to', {
          ...place,
          hint: 'add certManager.rootCertFile: the PEM of that root CA, relative to mesh.yaml (no key: it is public)',
        }),
      );
    }
  }
  if (pki?.certManager && !certManagerProvider) {
    report(
      warning(Codes.CertManagerIgnored, `pki.certManager is ignored: pki.provider is ${pki.provider ?? 'meshgen (the default)'}`, {
        ...at(['spec', 'pki', 'certManager'], 'key'),
        hint: 'set pki.provider: cert-manager to use it, or remove it',
      }),
    );
  }
}
