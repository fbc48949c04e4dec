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

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
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
