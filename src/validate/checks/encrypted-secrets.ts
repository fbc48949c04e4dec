import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import { ageRecipientProblem } from '../../rules/age-recipient.js';
import type { Context } from './check-context.js';

// secrets.mode sops and sealed-secrets: what each cluster that receives private Secrets (every
// primary: its cacerts and the remote secrets its istiod reads) needs to encrypt them for.

export function checkEncryptedSecrets({ document, at, report }: Context): void {
  const secrets = document.spec.secrets;
  const mode = secrets?.mode ?? 'plain';
  const clusters = document.spec.clusters;

  // every recipient is checked, whatever the mode: a typo should not wait for the mode switch
  const checkRecipients = (list: string[] | undefined, where: YamlPath) =>
    list?.forEach((recipient, i) => {
      const problem = ageRecipientProblem(recipient);
      if (!problem) return;
      report(
        error(Codes.AgeRecipientMalformed, `not an age recipient: ${problem}`, {
          ...at([...where, i]),
          hint: 'give the public key of an age identity, as `age-keygen -y key.txt` prints it (age1 followed by 58 characters)',
        }),
      );
    });
  checkRecipients(secrets?.sops?.age, ['spec', 'secrets', 'sops', 'age']);
  clusters.forEach((c, i) => checkRecipients(c.secrets?.sops?.age, ['spec', 'clusters', i, 'secrets', 'sops', 'age']));

  const unused = (where: YamlPath, settings: string) =>
    report(
      warning(Codes.SecretsSettingsUnused, `${settings} is ignored: secrets.mode is ${mode}`, {
        ...at(where, 'key'),
        hint: `remove it, or set spec.secrets.mode to ${settings.startsWith('sops') ? 'sops' : 'sealed-secrets'}`,
      }),
    );
  if (mode !== 'sops' && secrets?.sops) unused(['spec', 'secrets', 'sops'], 'sops');
  if (mode !== 'sealed-secrets' && secrets?.sealedSecrets) unused(['spec', 'secrets', 'sealedSecrets'], 'sealedSecrets');
  clusters.forEach((c, i) => {
    if (mode !== 'sops' && c.secrets?.sops) unused(['spec', 'clusters', i, 'secrets', 'sops'], 'sops');
    if (mode !== 'sealed-secrets' && c.secrets?.sealedSecrets) unused(['spec', 'clusters', i, 'secrets', 'sealedSecrets'], 'sealedSecrets');
  });

  // primaries receive private Secrets (cacerts; remote secrets are read by primaries only)
  clusters.forEach((c, i) => {
    if ((c.role ?? 'primary') !== 'primary') return;
    const where: YamlPath = c.secrets ? ['spec', 'clusters', i, 'secrets'] : ['spec', 'clusters', i, 'name'];
    const which = c.secrets ? 'key' : 'value';
    if (mode === 'sops' && (secrets?.sops?.age?.length ?? 0) === 0 && (c.secrets?.sops?.age?.length ?? 0) === 0) {
      report(
        error(Codes.SopsNoRecipient, `cluster "${c.name}" receives SOPS-encrypted Secrets but nobody could decrypt them: it has no age recipient`, {
          ...at(where, which),
          hint: 'add secrets: { sops: { age: [age1...] } } to the cluster (the public key of its Flux decryption key), or spec.secrets.sops.age for every cluster',
        }),
      );
    }
    if (mode === 'sealed-secrets' && c.secrets?.sealedSecrets?.certFile === undefined) {
      report(
        error(Codes.SealedCertFileMissing, `cluster "${c.name}" receives SealedSecrets but has no sealing certificate`, {
          ...at(where, which),
          hint: 'fetch it with `kubeseal --fetch-cert > sealed/<cluster>.pem` and add secrets: { sealedSecrets: { certFile: sealed/<cluster>.pem } }',
        }),
      );
    }
  });
}
