import type { ClusterCaMaterial } from '../../pki/index.js';
import { yamlFile } from '../../resource/canonical-yaml.js';
import type { OutputFile } from '../../resource/output-files.js';
import { cacertsPath, certPath } from '../../resource/out-layout.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { cacertsSecret } from './cacerts-secret.js';

// A primary's CA material in out/: the public certificates under certs/ (so a rotation shows
// in the pull request), and the `cacerts` Secret under secrets/. The Secret's path depends
// only on mesh.yaml; without the key at hand it is listed, not written.

export function caMaterialFiles(plan: ClusterPlan, material: ClusterCaMaterial, sourceLabel: string): OutputFile[] {
  const cluster = plan.cluster.name;
  const files: OutputFile[] = [
    { path: certPath(cluster, 'root-cert.pem'), content: material.rootCertPem, private: false },
    { path: certPath(cluster, 'ca-cert.pem'), content: material.caCertPem, private: false },
    { path: certPath(cluster, 'cert-chain.pem'), content: material.certChainPem, private: false },
  ];
  if (plan.cacerts === 'file') {
    const content = material.caKeyPem === undefined ? undefined : yamlFile(sourceLabel, cacertsSecret(material));
    files.push({ path: cacertsPath(cluster), content, private: true });
  }
  return files;
}
