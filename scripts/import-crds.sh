#!/usr/bin/env bash
# Regenerates src/imports/ with `cdk8s import`: TypeScript classes and props interfaces for the
# custom resources meshgen emits, from the unmodified upstream CRDs in ../shared/upstream/.
# The output is committed as generated; run this again only when an upstream CRD changes.
#
#   scripts/import-crds.sh [upstream dir, default ../shared/upstream]
#
# Only the kinds and versions meshgen writes are imported, so src/imports/ stays small:
#   networking.istio.io/v1     Gateway, VirtualService, DestinationRule, ServiceEntry
#                              (istio-1.30.3/crd-all.gen.yaml holds every Istio CRD: those four
#                              are extracted, at version v1 only)
#   argoproj.io/v1alpha1       Application      (argo-cd-v3.5.1/application-crd.yaml, as is)
#   source.toolkit.fluxcd.io/v1    HelmRepository   (flux-2.x/..._helmrepositories.yaml, as is)
#   helm.toolkit.fluxcd.io/v2      HelmRelease      (flux-2.x/..._helmreleases.yaml, as is)
#   kustomize.toolkit.fluxcd.io/v1 Kustomization    (flux-2.x/..._kustomizations.yaml, as is)
#   source.toolkit.fluxcd.io/v1    GitRepository    (flux-2.x/..._gitrepositories.yaml, as is: the
#                                  Gateway API CRDs source of ambient clusters)
#   gateway.networking.k8s.io  Gateway (v1 and v1beta1: the ambient east-west gateway)
#                              (gateway-api-v1.5.1/gateway.networking.k8s.io_gateways.yaml, as is)
#   external-secrets.io/v1     ExternalSecret   (external-secrets-2.9.0/..._externalsecrets.yaml,
#                              version v1 only: v1beta1 is no longer served)
#   external-secrets.io/v1alpha1   PushSecret   (external-secrets-2.9.0/..._pushsecrets.yaml, as is)
#   cert-manager.io/v1         Certificate      (cert-manager-v1.21.1/cert-manager.io_certificates.yaml, as is)
#
# The legacy .global renderer also writes networking.istio.io/v1alpha3 (Istio 1.6-1.7). Istio
# generates every served version of a CRD from one proto, and in crd-all.gen.yaml the v1alpha3
# and v1beta1 schemas of these four kinds equal v1's; this script fails if that ever stops
# being true, since the renderer builds those objects from the v1 types.
set -euo pipefail
cd "$(dirname "$0")/.."

UPSTREAM="${1:-../shared/upstream}"
CDK8S_CLI="cdk8s-cli@2.207.60"
OUT="src/imports"

ISTIO_CRDS="$UPSTREAM/istio-1.30.3/crd-all.gen.yaml"
ARGO_APPLICATION="$UPSTREAM/argo-cd-v3.5.1/application-crd.yaml"
FLUX_HELMREPOSITORY="$UPSTREAM/flux-2.x/source.toolkit.fluxcd.io_helmrepositories.yaml"
FLUX_HELMRELEASE="$UPSTREAM/flux-2.x/helm.toolkit.fluxcd.io_helmreleases.yaml"
FLUX_KUSTOMIZATION="$UPSTREAM/flux-2.x/kustomize.toolkit.fluxcd.io_kustomizations.yaml"
FLUX_GITREPOSITORY="$UPSTREAM/flux-2.x/source.toolkit.fluxcd.io_gitrepositories.yaml"
GATEWAY_API_GATEWAY="$UPSTREAM/gateway-api-v1.5.1/gateway.networking.k8s.io_gateways.yaml"
ESO_EXTERNALSECRET="$UPSTREAM/external-secrets-2.9.0/external-secrets.io_externalsecrets.yaml"
ESO_PUSHSECRET="$UPSTREAM/external-secrets-2.9.0/external-secrets.io_pushsecrets.yaml"
CERT_MANAGER_CERTIFICATE="$UPSTREAM/cert-manager-v1.21.1/cert-manager.io_certificates.yaml"

for file in "$ISTIO_CRDS" "$ARGO_APPLICATION" "$FLUX_HELMREPOSITORY" "$FLUX_HELMRELEASE" "$FLUX_KUSTOMIZATION" "$FLUX_GITREPOSITORY" "$GATEWAY_API_GATEWAY" "$ESO_EXTERNALSECRET" "$ESO_PUSHSECRET" "$CERT_MANAGER_CERTIFICATE"; do
  [ -f "$file" ] || { echo "import-crds: $file not found" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The four networking.istio.io CRDs, each with only its v1 version, as one multi-document file.
node --input-type=commonjs -e '
const fs = require("node:fs");
const YAML = require("yaml");
const [source, target] = process.argv.slice(1);
const kinds = ["Gateway", "VirtualService", "DestinationRule", "ServiceEntry"];
const crds = YAML.parseAllDocuments(fs.readFileSync(source, "utf8"))
  .map((d) => d.toJS())
  .filter((d) => d?.kind === "CustomResourceDefinition" && d.spec.group === "networking.istio.io" && kinds.includes(d.spec.names.kind));
if (crds.length !== kinds.length) throw new Error(`expected ${kinds.length} CRDs, found ${crds.length}`);
for (const crd of crds) {
  const v1 = crd.spec.versions.find((v) => v.name === "v1");
  if (!v1) throw new Error(`${crd.spec.names.kind}: no v1 version`);
  for (const other of crd.spec.versions) {
    if (JSON.stringify(other.schema) !== JSON.stringify(v1.schema)) throw new Error(`${crd.spec.names.kind}: the ${other.name} schema differs from v1`);
  }
  crd.spec.versions = [v1];
}
fs.writeFileSync(target, crds.map((crd) => YAML.stringify(crd)).join("---\n"));
' "$ISTIO_CRDS" "$tmp/networking.istio.io.yaml"

# ExternalSecret with its served version only (v1; v1beta1 is "served: false" since ESO 0.17),
# and PushSecret, as one file: cdk8s import writes one file per API group, so importing them
# one after the other would keep only the second.
node --input-type=commonjs -e '
const fs = require("node:fs");
const YAML = require("yaml");
const [externalSecret, pushSecret, target] = process.argv.slice(1);
const crd = YAML.parse(fs.readFileSync(externalSecret, "utf8"));
const served = crd.spec.versions.filter((v) => v.served !== false);
if (served.length !== 1 || served[0].name !== "v1") throw new Error(`ExternalSecret: expected only v1 served, found ${served.map((v) => v.name)}`);
crd.spec.versions = served;
fs.writeFileSync(target, [YAML.stringify(crd), fs.readFileSync(pushSecret, "utf8")].join("---\n"));
' "$ESO_EXTERNALSECRET" "$ESO_PUSHSECRET" "$tmp/external-secrets.io.yaml"

rm -f "$OUT"/*.ts
mkdir -p "$OUT"
# HelmRepository and GitRepository share one API group, so one file: cdk8s import names its
# output after the group, and a second import of the group would overwrite the first.
cat "$FLUX_HELMREPOSITORY" > "$tmp/source.toolkit.fluxcd.io.yaml"
printf -- '---\n' >> "$tmp/source.toolkit.fluxcd.io.yaml"
cat "$FLUX_GITREPOSITORY" >> "$tmp/source.toolkit.fluxcd.io.yaml"

for crd in "$tmp/networking.istio.io.yaml" "$ARGO_APPLICATION" "$tmp/source.toolkit.fluxcd.io.yaml" "$FLUX_HELMRELEASE" "$FLUX_KUSTOMIZATION" "$GATEWAY_API_GATEWAY" "$tmp/external-secrets.io.yaml" "$CERT_MANAGER_CERTIFICATE"; do
  npx --yes -p "$CDK8S_CLI" cdk8s import "$crd" --no-check-upgrade --language typescript --output "$OUT"
done

sha() { sha256sum "$1" | cut -d' ' -f1; }
cat > "$OUT/README.md" <<EOF
# src/imports: generated by \`cdk8s import\`

Do not edit these files: regenerate them with \`scripts/import-crds.sh\`, which runs

    npx --yes -p $CDK8S_CLI cdk8s import <crd.yaml> --no-check-upgrade --language typescript --output src/imports

once per CRD file below. Each class's static \`manifest(props)\` returns the plain object; the
renderers build every custom resource through it (see \`src/resource/kube-object.ts\`).

| file | kinds | CRD source (in ../shared/upstream/) | sha256 of the source |
|---|---|---|---|
| networking.istio.io.ts | Gateway, VirtualService, DestinationRule, ServiceEntry (v1) | istio-1.30.3/crd-all.gen.yaml: these four CRDs, version v1 only (extracted by the script) | $(sha "$ISTIO_CRDS") |
| argoproj.io.ts | Application (v1alpha1) | argo-cd-v3.5.1/application-crd.yaml | $(sha "$ARGO_APPLICATION") |
| source.toolkit.fluxcd.io.ts | HelmRepository, GitRepository (v1) | flux-2.x/source.toolkit.fluxcd.io_helmrepositories.yaml, flux-2.x/source.toolkit.fluxcd.io_gitrepositories.yaml (imported as one file) | $(sha "$FLUX_HELMREPOSITORY"), $(sha "$FLUX_GITREPOSITORY") |
| helm.toolkit.fluxcd.io.ts | HelmRelease (v2) | flux-2.x/helm.toolkit.fluxcd.io_helmreleases.yaml | $(sha "$FLUX_HELMRELEASE") |
| kustomize.toolkit.fluxcd.io.ts | Kustomization (v1) | flux-2.x/kustomize.toolkit.fluxcd.io_kustomizations.yaml | $(sha "$FLUX_KUSTOMIZATION") |
| gateway.networking.k8s.io.ts | Gateway (v1, and v1beta1 for Istio 1.27-1.28) | gateway-api-v1.5.1/gateway.networking.k8s.io_gateways.yaml | $(sha "$GATEWAY_API_GATEWAY") |
| external-secrets.io.ts | ExternalSecret (v1), PushSecret (v1alpha1) | external-secrets-2.9.0/external-secrets.io_externalsecrets.yaml (version v1 only, extracted by the script) and external-secrets.io_pushsecrets.yaml | $(sha "$ESO_EXTERNALSECRET"), $(sha "$ESO_PUSHSECRET") |
| cert-manager.io.ts | Certificate (v1) | cert-manager-v1.21.1/cert-manager.io_certificates.yaml | $(sha "$CERT_MANAGER_CERTIFICATE") |

networking.istio.io/v1alpha3 (legacy .global on Istio 1.6-1.7) has no classes of its own: in
crd-all.gen.yaml its schema equals v1's (the script checks), so those objects are built from
the v1 types and written with apiVersion v1alpha3. The types are Istio 1.30.3's: they reject
misspelled fields, not fields that Istio 1.6-1.7 did not have yet.

IstioOperator (install.istio.io/v1alpha1, istioctl input for Istio 1.6-1.7) is not here: Istio
1.30.3 has no IstioOperator CRD, and no 1.6-1.7 CRD is in ../shared/upstream/. Its props are
hand-written, for the fields meshgen sets, in src/render/legacy-global/istio-operator-spec.ts.

Core kinds (Namespace, Service, Secret, ConfigMap) use the Kubernetes 1.27 classes that
cdk8s-plus-27 ships (\`cdk8s-plus-27/lib/imports/k8s\`), not an import of their own.
EOF
echo "import-crds: wrote $(ls "$OUT"/*.ts | wc -l) files to $OUT"
