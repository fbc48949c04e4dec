import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { TOOLS_CONFIG } from './lib.js';
import { closeStructural, crdObjectSchema, loadCrds, type CrdVersion } from '../helpers/gitops-crds.js';

// Schemas of every object meshgen writes: the real CRDs in ../shared/upstream for custom
// resources, the OpenAPI v3 of the pinned Kubernetes for built-in kinds. Both are closed where
// the API server would prune or reject an unknown field.

/** Every CRD the project has reference copies of (all of ../shared/upstream but charts and values), from tools.json. */
export const CRD_SOURCES: string[] = TOOLS_CONFIG.crds.sources;

export interface SchemaSet {
  /** problems of one object, or undefined when no schema knows its apiVersion and kind */
  problems(object: any): string[] | undefined;
  /** where the schema of an apiVersion/kind comes from */
  source(apiVersion: string, kind: string): string | undefined;
}

const format = (errors: ValidateFunction['errors']) => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);

export function schemaSet(kubernetesOpenAPI: string): SchemaSet {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  const crds = new Map<string, CrdVersion>();
  for (const crd of loadCrds(CRD_SOURCES)) if (crd.served) crds.set(`${crd.group}/${crd.version}/${crd.kind}`, crd);

  // Kubernetes OpenAPI v3: one document per group-version, each schema marked with the
  // group-version-kinds it serves
  const builtins = new Map<string, { ref: string; file: string }>();
  for (const file of readdirSync(kubernetesOpenAPI).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(kubernetesOpenAPI, file), 'utf8'));
    const schemas = doc.components?.schemas ?? {};
    if (!Object.keys(schemas).length) continue;
    for (const schema of Object.values<any>(schemas)) closeStructural(schema);
    const id = `k8s:${file}`;
    ajv.addSchema({ $id: id, components: { schemas } });
    for (const [name, schema] of Object.entries<any>(schemas)) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        const key = `${apiVersion}/${gvk.kind}`;
        // the same schema (by name) in every document that includes it: the first will do
        if (!builtins.has(key)) builtins.set(key, { ref: `${id}#/components/schemas/${name}`, file });
      }
    }
  }

  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (apiVersion: string, kind: string): ValidateFunction | undefined => {
    const key = `${apiVersion}/${kind}`;
    if (compiled.has(key)) return compiled.get(key);
    let validate: ValidateFunction | undefined;
    const crd = crds.get(key);
    if (crd) validate = ajv.compile(crdObjectSchema(crd));
    else if (builtins.has(key)) validate = ajv.compile({ $ref: builtins.get(key)!.ref });
    if (validate) compiled.set(key, validate);
    return validate;
  };

  return {
    problems(object) {
      const validate = validatorFor(object?.apiVersion, object?.kind);
      if (!validate) return undefined;
      return validate(object) ? [] : format(validate.errors);
    },
    source(apiVersion, kind) {
      const key = `${apiVersion}/${kind}`;
      const crd = crds.get(key);
      if (crd) return `CRD ${crd.file}`;
      const builtin = builtins.get(key);
      return builtin ? `Kubernetes OpenAPI ${builtin.file}` : undefined;
    },
  };
}
