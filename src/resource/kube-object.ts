// One Kubernetes object per file, named <group>_<Kind>_<namespace>_<name>.yaml. No part can
// contain "_" (API groups and names are DNS subdomains, kinds are alphanumeric), so two
// different objects can never map to one file name. The core group is written "core";
// a cluster-scoped object has an empty namespace part.

export interface ResId {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * A finished object, as it is written out. Renderers build each one from typed props with
 * kubeObject() below (or a cdk8s-plus construct); from here on it is only read (its ResId,
 * its file name) and serialized, so it stays an open map.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * The metadata meshgen writes: always an explicit name (cdk8s never invents one), a namespace
 * where the kind is namespaced, labels and annotations. Closed, unlike cdk8s's
 * ApiObjectMetadata, which takes any key: a misspelled key is a compile error.
 */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * A class made by `cdk8s import`: the custom resources in src/imports/, or the Kubernetes kinds
 * cdk8s-plus-27 ships (cdk8s-plus-27/lib/imports/k8s). Its static manifest() turns typed props
 * into the plain object, without a construct scope.
 */
export interface ManifestClass<Props> {
  manifest(props?: Props): unknown;
}

/** The props of a generated class, with meshgen's closed ObjectMeta as their metadata. */
export type TypedProps<Props> = Omit<Props, 'metadata'> & { readonly metadata: ObjectMeta };

/**
 * One object built from typed props by its generated class: `kubeObject(Gateway, { metadata, spec })`.
 * A field the kind does not have, or a value of the wrong type, is a compile error; what comes
 * out is the plain object that canonical YAML writes.
 */
export function kubeObject<Props>(kind: ManifestClass<Props>, props: TypedProps<NoInfer<Props>>): KubeObject {
  return kind.manifest(props as unknown as Props) as KubeObject;
}

export function resIdOf(object: KubeObject): ResId {
  const slash = object.apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : object.apiVersion.slice(0, slash),
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}

export function manifestFileName(id: ResId): string {
  return `${id.group || 'core'}_${id.kind}_${id.namespace}_${id.name}.yaml`;
}

export function describeResId(id: ResId): string {
  return `${id.kind}${id.group ? `.${id.group}` : ''} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}
