import { Ajv, type ValidateFunction } from 'ajv';

// The shapes of the GitOps objects meshgen emits, written from the published CRDs and API
// types (not from meshgen's output):
//   argoproj.io/v1alpha1 Application        argoproj/argo-cd manifests/crds/application-crd.yaml
//   helm.toolkit.fluxcd.io/v2 HelmRelease   fluxcd/helm-controller api/v2/helmrelease_types.go
//   kustomize.toolkit.fluxcd.io/v1 Kustomization   fluxcd/kustomize-controller api/v1/kustomization_types.go
//   source.toolkit.fluxcd.io/v1 HelmRepository     fluxcd/source-controller api/v1/helmrepository_types.go
// Only the fields of each CRD that meshgen may set are listed, and objects are closed, so a
// misspelled or misplaced field fails here instead of being pruned by the API server. The rules
// the CRDs state in prose or CEL (chart xor chartRef, server or name) are written out too.

const string = { type: 'string' };
const boolean = { type: 'boolean' };
const strings = { type: 'array', items: string };
const stringMap = { type: 'object', additionalProperties: string };
/** metav1.Duration as the Flux CRDs constrain it */
const duration = { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$' };
const dnsSubdomain = { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' };

function closed(properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return { type: 'object', properties, required, additionalProperties: false };
}

const metadata = closed({ name: dnsSubdomain, namespace: { type: 'string', maxLength: 63 }, labels: stringMap, annotations: stringMap }, ['name', 'namespace']);

function object(apiVersion: string, kind: string, spec: Record<string, unknown>): Record<string, unknown> {
  return closed({ apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec }, ['apiVersion', 'kind', 'metadata', 'spec']);
}

const applicationSource = {
  ...closed(
    {
      repoURL: string,
      targetRevision: string,
      path: string,
      chart: string,
      ref: string,
      name: string,
      helm: closed({ releaseName: string, valueFiles: strings, values: string, valuesObject: { type: 'object' }, ignoreMissingValueFiles: boolean, skipCrds: boolean, passCredentials: boolean, namespace: string, version: string }),
      directory: closed({ recurse: boolean, include: string, exclude: string }),
    },
    ['repoURL'],
  ),
  // a Helm repository source names its chart; a git source has a path, or is only a `ref`
  oneOf: [{ required: ['chart'], not: { required: ['path'] } }, { required: ['path'], not: { required: ['chart'] } }, { required: ['ref'], not: { anyOf: [{ required: ['chart'] }, { required: ['path'] }] } }],
};

/** Sync options Argo CD documents, as Key=Value. */
const syncOption = { type: 'string', pattern: '^(Validate|CreateNamespace|PruneLast|ApplyOutOfSyncOnly|PrunePropagationPolicy|Replace|ServerSideApply|FailOnSharedResource|RespectIgnoreDifferences|Prune|Delete|SkipDryRunOnMissingResource)=[A-Za-z]+$' };

const application = object('argoproj.io/v1alpha1', 'Application', {
  ...closed(
    {
      project: string,
      // "server ... must be set if name is not set" (CRD field descriptions)
      destination: { ...closed({ server: string, name: string, namespace: string }), anyOf: [{ required: ['server'] }, { required: ['name'] }] },
      source: applicationSource,
      sources: { type: 'array', items: applicationSource, minItems: 1 },
      syncPolicy: closed({
        automated: closed({ prune: boolean, selfHeal: boolean, allowEmpty: boolean }),
        syncOptions: { type: 'array', items: syncOption },
        managedNamespaceMetadata: closed({ labels: stringMap, annotations: stringMap }),
      }),
      ignoreDifferences: {
        type: 'array',
        items: closed({ group: string, kind: string, name: string, namespace: string, jsonPointers: strings, jqPathExpressions: strings, managedFieldsManagers: strings }, ['kind']),
      },
    },
    ['destination', 'project'],
  ),
  // an Application has a source or sources
  oneOf: [{ required: ['source'] }, { required: ['sources'] }],
});

const namespacedReference = closed({ name: string, namespace: string }, ['name']);

const helmRelease = object('helm.toolkit.fluxcd.io/v2', 'HelmRelease', {
  ...closed(
    {
      interval: duration,
      releaseName: { type: 'string', minLength: 1, maxLength: 53 },
      targetNamespace: { type: 'string', minLength: 1, maxLength: 63 },
      storageNamespace: { type: 'string', minLength: 1, maxLength: 63 },
      chart: closed(
        {
          spec: closed(
            {
              chart: { type: 'string', minLength: 1, maxLength: 2048 },
              version: string,
              sourceRef: closed({ apiVersion: string, kind: { enum: ['HelmRepository', 'GitRepository', 'Bucket'] }, name: string, namespace: string }, ['kind', 'name']),
              interval: duration,
            },
            ['chart', 'sourceRef'],
          ),
        },
        ['spec'],
      ),
      chartRef: { type: 'object' },
      dependsOn: { type: 'array', items: namespacedReference },
      install: closed({
        remediation: closed({ retries: { type: 'integer' }, remediateLastFailure: boolean }),
        createNamespace: boolean,
        crds: { enum: ['Skip', 'Create', 'CreateReplace'] },
        timeout: duration,
      }),
      upgrade: closed({ remediation: closed({ retries: { type: 'integer' }, strategy: { enum: ['rollback', 'uninstall'] } }), crds: { enum: ['Skip', 'Create', 'CreateReplace'] } }),
      timeout: duration,
      values: { type: 'object' },
    },
    ['interval'],
  ),
  // CEL rule on the CRD: "either chart or chartRef must be set"
  oneOf: [{ required: ['chart'] }, { required: ['chartRef'] }],
});

const sourceReference = closed({ apiVersion: string, kind: { enum: ['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact'] }, name: string, namespace: string }, ['kind', 'name']);

const kustomization = object(
  'kustomize.toolkit.fluxcd.io/v1',
  'Kustomization',
  closed(
    {
      interval: duration,
      retryInterval: duration,
      timeout: duration,
      path: string,
      prune: boolean,
      wait: boolean,
      sourceRef: sourceReference,
      dependsOn: { type: 'array', items: namespacedReference },
      targetNamespace: { type: 'string', minLength: 1, maxLength: 63 },
    },
    ['interval', 'prune', 'sourceRef'],
  ),
);

const helmRepository = object(
  'source.toolkit.fluxcd.io/v1',
  'HelmRepository',
  closed(
    {
      url: { type: 'string', pattern: '^(http|https|oci)://.*$' },
      interval: duration,
      timeout: duration,
      type: { enum: ['default', 'oci'] },
      provider: { enum: ['generic', 'aws', 'azure', 'gcp'] },
    },
    ['url'],
  ),
);

let validators: Map<string, ValidateFunction> | undefined;

function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  if (!validators) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    validators = new Map([
      ['argoproj.io/v1alpha1/Application', ajv.compile(application)],
      ['helm.toolkit.fluxcd.io/v2/HelmRelease', ajv.compile(helmRelease)],
      ['kustomize.toolkit.fluxcd.io/v1/Kustomization', ajv.compile(kustomization)],
      ['source.toolkit.fluxcd.io/v1/HelmRepository', ajv.compile(helmRepository)],
    ]);
  }
  return validators.get(`${apiVersion}/${kind}`);
}

/** Problems of one GitOps object against its CRD shape; undefined for a kind not listed here. */
export function gitopsObjectProblems(object: any): string[] | undefined {
  const validate = validatorFor(object?.apiVersion, object?.kind);
  if (!validate) return undefined;
  const problems = validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  // argocd.argoproj.io/sync-wave is an integer, written as a string
  const wave = object?.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];
  if (wave !== undefined && !/^-?\d+$/.test(wave)) problems.push(`/metadata/annotations sync-wave "${wave}" is not an integer`);
  return problems;
}
