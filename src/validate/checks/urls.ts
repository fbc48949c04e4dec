import { error, excerpt } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import type { Context } from './check-context.js';

// URLs that meshgen copies into public files (Argo CD Applications, Helm values, out/README.md)
// must be absolute URLs of the right scheme, on one line, without credentials. A URL is quoted
// in a message only with its user information left out, so a password is never printed.

interface UrlRule {
  text: string | undefined;
  path: YamlPath;
  what: string;
  /** schemes an absolute URL may have; undefined: any form is fine (a git scp-like address) */
  schemes?: string[];
  /** a user name alone is fine (ssh://git@host/repo); a password never is */
  userAllowed?: boolean;
  example?: string;
}

export function checkUrls({ document, at, report }: Context) {
  const check = ({ text, path, what, schemes, userAllowed = false, example }: UrlRule) => {
    if (text === undefined) return;
    // The WHATWG URL parser drops tabs and line breaks; the files meshgen writes would not.
    // eslint-disable-next-line no-control-regex
    if (/[\s\u0000-\u001f\u007f]/.test(text)) {
      const kind = /[\r\n\u2028\u2029]/.test(text) ? 'a line break' : /[\u0000-\u001f\u007f]/.test(text) ? 'a control character' : 'white space';
      report(error(Codes.BadFormat, `${what} contains ${kind}`, { ...at(path), hint: 'write the URL on one line, without spaces (quote the value in YAML if it is long)' }));
      return;
    }
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (url && (url.password || (!userAllowed && url.username))) {
      report(
        error(Codes.UrlWithCredentials, `${what} holds ${url.password ? 'a user name and password' : 'a user name'} (${shown(text)})`, {
          ...at(path),
          hint: `remove "user${url.password ? ':password' : ''}@": the URL is copied into files meant for git (out/README.md${what.includes('API') ? ', Argo CD Applications' : ''}), and meshgen never needs credentials in it`,
        }),
      );
      return;
    }
    if (schemes && (url === undefined || !schemes.includes(url.protocol.replace(/:$/, '')))) {
      report(error(Codes.BadFormat, `${what} "${shown(text)}" is not an absolute ${schemes.join(' or ')} URL`, { ...at(path), hint: `for example ${schemes[0]}://${example}` }));
    }
  };
  check({ text: document.spec.istio.chartRepository, path: ['spec', 'istio', 'chartRepository'], what: 'istio.chartRepository', schemes: ['https', 'http', 'oci'], example: 'charts.example.com/istio' });
  document.spec.clusters.forEach((c, i) =>
    check({ text: c.apiServer?.url, path: ['spec', 'clusters', i, 'apiServer', 'url'], what: `API server URL of cluster "${c.name}"`, schemes: ['https', 'http'], example: '203.0.113.1:6443' }),
  );
  const argocd = document.spec.gitops?.argocd;
  if (argocd) check({ text: argocd.repoURL, path: ['spec', 'gitops', 'argocd', 'repoURL'], what: 'gitops.argocd.repoURL', userAllowed: true });
}

/** The URL as a message may show it: user information replaced by "…", and cut to an excerpt. */
function shown(text: string): string {
  return excerpt(text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1…@'), 80);
}
