import { compareText } from '../../diagnostics/diagnostic.js';

/** A kustomization.yaml that only lists resources (kustomize.config.k8s.io/v1beta1). */
export interface ResourceKustomization {
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  kind: 'Kustomization';
  resources: string[];
}

/** The cluster's kustomization.yaml: every manifest, so `kubectl apply -k out/<cluster>` applies them all. */
export function kustomization(manifestPaths: readonly string[]): ResourceKustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...manifestPaths].sort(compareText),
  };
}
