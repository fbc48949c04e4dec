import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { crdObjectSchema, loadCrds, UPSTREAM } from './gitops-crds.js';

// The objects that carry private material by reference, checked against the real CRDs in
// ../shared/upstream: ExternalSecret (external-secrets.io/v1) and PushSecret (v1alpha1) of
// External Secrets 2.9.0, Certificate (cert-manager.io/v1) of cert-manager 1.21.1. Closed
// where structural, as for the GitOps objects (gitops-crds.ts). Only the CRD files of these
// kinds are compiled: the stores' CRDs are large and meshgen writes none.

const FILES = ['external-secrets-2.9.0/external-secrets.io_externalsecrets.yaml', 'external-secrets-2.9.0/external-secrets.io_pushsecrets.yaml', 'cert-manager-v1.21.1/cert-manager.io_certificates.yaml'];

export const secretsCrdsAvailable = FILES.every((f) => existsSync(join(UPSTREAM, f)));

/** Whether meshgen writes this kind to carry private material by reference. */
export function isByReferenceKind(object: any): boolean {
  return /^(external-secrets\.io|cert-manager\.io)\//.test(String(object?.apiVersion));
}

let validators: Map<string, ValidateFunction> | undefined;

/** Problems of one object against its real CRD; undefined for a kind none of these CRDs defines. */
export function byReferenceObjectProblems(object: any): string[] | undefined {
  if (!validators) {
    if (!secretsCrdsAvailable) throw new Error(`the External Secrets and cert-manager CRDs are not in ${UPSTREAM}; check secretsCrdsAvailable first`);
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    validators = new Map(loadCrds(FILES).filter((c) => c.served).map((c) => [`${c.group}/${c.version}/${c.kind}`, ajv.compile(crdObjectSchema(c))]));
  }
  const validate = validators.get(`${object?.apiVersion}/${object?.kind}`);
  if (!validate) return undefined;
  return validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}
