import { cacertsSecret, type ClusterCaMaterial } from '../../pki/index.js';
import { yamlFile } from '../../resource/canonical-yaml.js';
import type { OutputFile } from '../../resource/output-files.js';
import type { MeshModel } from '../../model/mesh-model.js';

// A primary's CA material in out/: the public certificates under certs/ (so a rotation shows
// in the pull request), and the `cacerts` Secret under secrets/ (reference section 4). The
// Secret's path depends only on mesh.yaml; without the key at hand it is listed, not written.

export function caMaterialFiles(mesh: MeshModel, cluster: string, material: ClusterCaMaterial, sourceLabel: string): OutputFile[] {
  const files: OutputFile[] = [
    { path: `${cluster}/certs/root-cert.pem`, content: material.rootCertPem, private: false },
    { path: `${cluster}/certs/ca-cert.pem`, content: material.caCertPem, private: false },
    { path: `${cluster}/certs/cert-chain.pem`, content: material.certChainPem, private: false },
  ];
  if (mesh.secretsMode === 'plain') {
    const content = material.caKeyPem === undefined ? undefined : yamlFile(sourceLabel, cacertsSecret(material));
    files.push({ path: `${cluster}/secrets/cacerts.yaml`, content, private: true });
  }
  return files;
}

/** The clusters that run istiod, and so need an intermediate CA: the primaries. */
export function clustersWithCa(mesh: MeshModel): MeshModel['clusters'] {
  return mesh.clusters.filter((c) => c.role === 'primary');
}
