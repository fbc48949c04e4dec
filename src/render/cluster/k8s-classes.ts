import { createRequire } from 'node:module';
import type * as K8s from 'cdk8s-plus-27/lib/imports/k8s.js';

// The Kubernetes 1.27 classes that cdk8s-plus-27 ships (its `cdk8s import` of the Kubernetes
// API), for the core kinds meshgen writes: Namespace, Service, Secret, ConfigMap. They fit
// where cdk8s-plus-27's own constructs do not: those add fields (a Namespace's `spec: {}`, a
// Service's type and externalIPs, `immutable: false`) that would change the output.
//
// The module is 2.5 MB of CommonJS. It is required on first use, not imported: an ESM import
// would scan all of it for export names on every run, and `validate` would pay for it too.

let k8s: typeof K8s | undefined;

export function k8sClasses(): typeof K8s {
  k8s ??= createRequire(import.meta.url)('cdk8s-plus-27/lib/imports/k8s.js') as typeof K8s;
  return k8s;
}
