import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import type { Context } from './check-context.js';

export function checkUrls({ document, at, report }: Context) {
  const check = (text: string | undefined, path: YamlPath, what: string, schemes: string[]) => {
    if (text === undefined) return;
    let scheme: string | undefined;
    try {
      scheme = new URL(text).protocol.replace(/:$/, '');
    } catch {
      scheme = undefined;
    }
    if (scheme === undefined || !schemes.includes(scheme)) {
      report(error(Codes.BadFormat, `${what} "${text}" is not an absolute ${schemes.join(' or ')} URL`, { ...at(path), hint: `for example ${schemes[0]}://${what.includes('API') ? '203.0.113.1:6443' : 'charts.example.com/istio'}` }));
    }
  };
  check(document.spec.istio.chartRepository, ['spec', 'istio', 'chartRepository'], 'istio.chartRepository', ['https', 'http', 'oci']);
  document.spec.clusters.forEach((c, i) => check(c.apiServer?.url, ['spec', 'clusters', i, 'apiServer', 'url'], `API server URL of cluster "${c.name}"`, ['https', 'http']));
}
