// A structural reader of CoreDNS Corefiles, written for the tests from the Corefile syntax
// (coredns.io/manual/configuration: server blocks "ZONE[:PORT] ... {", one directive per line,
// a directive may open a block of its own; "#" starts a comment). CoreDNS is not available
// here, so emitted Corefiles are read back with this and checked for shape.

export interface Directive {
  name: string;
  args: string[];
  /** the lines of a directive's own block, e.g. the kubernetes or hosts plugin */
  block?: string[][];
}

export interface ServerBlock {
  /** e.g. [".:53"] or ["global:53"] */
  keys: string[];
  directives: Directive[];
}

/** Parses a Corefile; throws on anything that is not well formed. */
export function parseCorefile(text: string): ServerBlock[] {
  const lines = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/));
  const blocks: ServerBlock[] = [];
  let server: ServerBlock | undefined;
  let nested: Directive | undefined;
  for (const [n, tokens] of lines.entries()) {
    const where = `line ${n + 1} (${tokens.join(' ')})`;
    const opens = tokens[tokens.length - 1] === '{';
    const words = opens ? tokens.slice(0, -1) : tokens;
    if (words.some((w) => w.includes('{') || w.includes('}')) && !(tokens.length === 1 && tokens[0] === '}')) throw new Error(`stray brace at ${where}`);
    if (tokens.length === 1 && tokens[0] === '}') {
      if (nested) nested = undefined;
      else if (server) server = undefined;
      else throw new Error(`unbalanced } at ${where}`);
      continue;
    }
    if (!server) {
      if (!opens || !words.length) throw new Error(`expected a server block "ZONE:PORT {" at ${where}`);
      server = { keys: words, directives: [] };
      blocks.push(server);
    } else if (nested) {
      if (opens) throw new Error(`blocks nest at most one level in these Corefiles, at ${where}`);
      nested.block!.push(words);
    } else {
      const directive: Directive = { name: words[0], args: words.slice(1) };
      if (opens) {
        directive.block = [];
        nested = directive;
      }
      server.directives.push(directive);
    }
  }
  if (server || nested) throw new Error('unclosed block at the end');
  return blocks;
}
