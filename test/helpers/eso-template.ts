// An independent evaluator for the part of the External Secrets Operator's template engine v2
// that meshgen's templates use, written from ESO's runtime/template/v2/template.go: Go
// text/template, executed over a map of the fetched data as strings, with
// Option("missingkey=error"), sprig's functions added. Supported here, and nothing else:
//   text {{ .key }} text            a field of the data; a missing key is an error
//   {{ index . "key" }}              a key that is not an identifier (ca.crt)
//   {{ <value> | b64enc }}           sprig's b64enc: base64.StdEncoding of the string
// Anything else (another function, a trim marker, a control structure) throws, so a template
// meshgen changes to use more than this fails the test instead of passing through unchecked.

const FUNCTIONS: Record<string, (value: string) => string> = {
  b64enc: (value) => Buffer.from(value, 'utf8').toString('base64'),
};

export function evaluateEsoTemplate(template: string, data: Record<string, string>): string {
  let out = '';
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      if (rest.includes('}}')) throw new Error('template: unexpected "}}"');
      return out + rest;
    }
    out += rest.slice(0, open);
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new Error('template: unclosed action');
    out += evaluateAction(rest.slice(open + 2, close), data);
    rest = rest.slice(close + 2);
  }
}

function evaluateAction(action: string, data: Record<string, string>): string {
  if (/^-|-$/.test(action)) throw new Error(`template: trim markers are not supported: {{${action}}}`);
  const [first, ...filters] = action.split('|').map((part) => part.trim());
  let value = operand(first ?? '', data);
  for (const name of filters) {
    const fn = FUNCTIONS[name];
    if (!fn) throw new Error(`template: function "${name}" is not supported here`);
    value = fn(value);
  }
  return value;
}

function operand(text: string, data: Record<string, string>): string {
  const field = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (field) return lookup(data, field[1]!);
  const index = /^index \. "([^"\\]*)"$/.exec(text);
  if (index) return lookup(data, index[1]!);
  throw new Error(`template: unsupported operand "${text}"`);
}

function lookup(data: Record<string, string>, key: string): string {
  if (!Object.prototype.hasOwnProperty.call(data, key)) throw new Error(`template: map has no entry for key "${key}"`);
  return data[key]!;
}
