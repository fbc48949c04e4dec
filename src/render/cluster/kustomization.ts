import { compareText } from '../../diagnostics/diagnostic.js';

/** The cluster's kustomization.yaml: every manifest, so `kubectl apply -k out/<cluster>` applies them all. */
export function kustomization(manifestPaths: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...manifestPaths].sort(compareText),
  };
}
