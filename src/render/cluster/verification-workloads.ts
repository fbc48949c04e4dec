import { createRequire } from 'node:module';
import type * as Cdk8s from 'cdk8s';
import type * as Kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

// Istio's multicluster verification: helloworld in every cluster (v1 in the first cluster of
// mesh.yaml, v2 in the next, v3 in the third, ...) behind one helloworld Service, and a sleep
// client in each; curling helloworld from sleep must reach every version, hence every cluster.
// Facts: Istio samples/helloworld (port 5000, GET /hello) and samples/sleep (curl image).
// Istio publishes images for v1 and v2 only; the app answers with its SERVICE_VERSION
// environment variable (samples/helloworld/src/app.py), so v3 and later run the v1 image with
// SERVICE_VERSION set.

export const HELLOWORLD_PORT = 5000;
const PUBLISHED_VERSIONS = ['v1', 'v2'];
const HELLOWORLD_IMAGE = (version: string) => `docker.io/istio/examples-helloworld-${PUBLISHED_VERSIONS.includes(version) ? version : 'v1'}:1.0`;
const SLEEP_IMAGE = 'curlimages/curl';

export function verificationWorkloads(plan: ClusterPlan): ((scope: Construct) => void) | undefined {
  const verification = plan.verification;
  return verification ? (scope) => addWorkloads(scope, verification.helloworldVersion, verification.namespace) : undefined;
}

function addWorkloads(scope: Construct, version: string, namespace: string): void {
  const kplus = createRequire(import.meta.url)('cdk8s-plus-27') as typeof Kplus; // loaded only when verification is on
  const { ApiObject, JsonPatch, Size } = createRequire(import.meta.url)('cdk8s') as typeof Cdk8s;
  const { Cpu } = kplus;
  // sample images: modest resources instead of cdk8s-plus's production defaults; the images
  // run as root or a named user, so non-root cannot be enforced here
  const resources = { cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } };
  const securityContext = { ensureNonRoot: false, readOnlyRootFilesystem: false };
  const container = { imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, resources, securityContext };

  const helloworldLabels = { app: 'helloworld', version };
  const helloworld = new kplus.Deployment(scope, `helloworld-${version}`, {
    metadata: { name: `helloworld-${version}`, namespace, labels: helloworldLabels },
    replicas: 1,
    select: false,
    podMetadata: { labels: helloworldLabels },
    securityContext: { ensureNonRoot: false },
    containers: [
      {
        name: 'helloworld',
        image: HELLOWORLD_IMAGE(version),
        portNumber: HELLOWORLD_PORT,
        ...(PUBLISHED_VERSIONS.includes(version) ? {} : { envVariables: { SERVICE_VERSION: kplus.EnvValue.fromValue(version) } }),
        ...container,
      },
    ],
  });
  helloworld.select(kplus.LabelSelector.of({ labels: helloworldLabels }));

  const service = new kplus.Service(scope, 'helloworld-service', {
    metadata: { name: 'helloworld', namespace, labels: { app: 'helloworld', service: 'helloworld' } },
    ports: [{ name: 'http', port: HELLOWORLD_PORT, targetPort: HELLOWORLD_PORT }],
  });
  service.selectLabel('app', 'helloworld');

  const account = new kplus.ServiceAccount(scope, 'sleep-account', { metadata: { name: 'sleep', namespace } });
  const sleep = new kplus.Deployment(scope, 'sleep', {
    metadata: { name: 'sleep', namespace, labels: { app: 'sleep' } },
    replicas: 1,
    select: false,
    podMetadata: { labels: { app: 'sleep' } },
    serviceAccount: account,
    securityContext: { ensureNonRoot: false },
    containers: [{ name: 'sleep', image: SLEEP_IMAGE, command: ['/bin/sleep', 'infinity'], ...container }],
  });
  sleep.select(kplus.LabelSelector.of({ labels: { app: 'sleep' } }));

  // cdk8s-plus always adds a pod label derived from the construct path (a generated hash);
  // meshgen emits only names and labels it chose
  for (const workload of [helloworld, sleep]) {
    ApiObject.of(workload).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  }
}
