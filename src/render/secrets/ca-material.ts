import type { ClusterCaMaterial } from '../../pki/index.js';
import { yamlFile } from '../../resource/canonical-yaml.js';
import type { OutputFile } from '../../resource/output-files.js';
import { cacertsPath, certPath } from '../../resource/out-layout.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { isEncrypted } from '../../plan/secret-delivery.js';
import { cacertsSecret } from './cacerts-secret.js';
import { fingerprintKey } from './fingerprint.js';
import type { PendingEncryption } from './encrypt-secrets.js';

// A primary's CA material in out/: the public certificates under certs/ (so a rotation shows
// in the pull request), and the `cacerts` Secret under secrets/ (plain), or to be encrypted
// (sops, sealed-secrets: encrypt-secrets.ts). The Secret's path depends only on mesh.yaml;
// without the key at hand it is listed, not written.

export function caMaterialFiles(plan: ClusterPlan, material: ClusterCaMaterial, sourceLabel: string): { files: OutputFile[]; pending: PendingEncryption[] } {
  const cluster = plan.cluster.name;
  const files: OutputFile[] = [
    { path: certPath(cluster, 'root-cert.pem'), content: material.rootCertPem, private: false },
    { path: certPath(cluster, 'ca-cert.pem'), content: material.caCertPem, private: false },
    { path: certPath(cluster, 'cert-chain.pem'), content: material.certChainPem, private: false },
  ];
  const pending: PendingEncryption[] = [];
  if (plan.cacerts === 'file') {
    const content = material.caKeyPem === undefined ? undefined : yamlFile(sourceLabel, cacertsSecret(material));
    files.push({ path: cacertsPath(cluster), content, private: true });
  } else if (isEncrypted(plan.cacerts) && plan.encryption && plan.cacertsPath) {
    pending.push({
      path: plan.cacertsPath,
      cluster,
      name: 'cacerts',
      secret: material.caKeyPem === undefined ? undefined : cacertsSecret(material),
      encryption: plan.encryption,
      fingerprintKey: material.caKeyPem === undefined ? undefined : fingerprintKey(material.caKeyPem),
    });
  }
  return { files, pending };
}
