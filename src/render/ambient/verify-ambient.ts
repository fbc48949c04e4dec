import type { MeshModel } from '../../model/mesh-model.js';

// The ambient variant of out/verify.sh (issue #17): when the verification namespace is an
// ambient one, each cluster's sleep pod must first be in the ambient mesh, or a reply from the
// other cluster's helloworld would prove nothing about ztunnel. istio-cni marks a pod it has
// redirected into ztunnel with the annotation ambient.istio.io/redirection=enabled
// (istio.io/api annotation AmbientRedirection; istio:pkg/config/constants AmbientRedirectionEnabled).

export function isAmbientNamespace(mesh: MeshModel, namespace: string): boolean {
  return mesh.namespaces.some((n) => n.name === namespace && n.injection === 'ambient');
}

/** Lines for the check() function of verify.sh, before the requests: the sleep pod is ztunnel's. */
export function ambientCaptureCheck(namespace: string): string[] {
  return [
    `  local redirection`,
    `  redirection="$(kubectl --context "$context" -n ${namespace} get pods -l app=sleep -o jsonpath='{.items[*].metadata.annotations.ambient\\.istio\\.io/redirection}' 2>&1 || true)"`,
    '  if [[ "$redirection" != *enabled* ]]; then',
    '    echo "FAIL $cluster: the sleep pod is not in the ambient mesh (no ambient.istio.io/redirection=enabled; is istio-cni running?)"',
    '    status=1',
    '    return',
    '  fi',
  ];
}
