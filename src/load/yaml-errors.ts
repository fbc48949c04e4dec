import type { YAMLError } from 'yaml';

// The yaml library reports a syntax error where the parser gave up, in its own words. A
// user needs the place where the mistake starts and what to do about it. Only the first
// error is kept: the ones after it are almost always consequences of it, often on lines
// that are correct.

export interface SyntaxProblem {
  message: string;
  start: number;
  end: number;
  hint?: string;
}

export function firstSyntaxProblem(text: string, errors: readonly YAMLError[]): SyntaxProblem | undefined {
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  return first ? describe(text, first) : undefined;
}

function describe(text: string, e: YAMLError): SyntaxProblem {
  const raw = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const [pos, end] = e.pos;

  if (/Missing closing ("|')quote/.test(raw)) {
    const quote = raw.includes('"quote') ? '"' : "'";
    const open = unclosedQuote(text, quote, pos);
    if (open !== undefined) return { message: `YAML syntax: a ${quote === '"' ? 'double' : 'single'}-quoted string is never closed`, start: open, end: open + 1, hint: `add the closing ${quote} on this line` };
  }
  if (/Flow (sequence|mapping)|Missing , or :|Expected a flow/.test(raw) || (e.code === 'MISSING_CHAR' && /[\]}]/.test(raw))) {
    const open = unclosedBracket(text, pos);
    if (open !== undefined) {
      const close = text[open] === '[' ? ']' : '}';
      return { message: `YAML syntax: a "${text[open]}" is never closed`, start: open, end: open + 1, hint: `add the closing ${close} on this line` };
    }
  }
  if (e.code === 'TAB_AS_INDENT') {
    return { message: 'YAML syntax: a tab is used for indentation', start: lineStart(text, pos), end: Math.max(end, pos + 1), hint: 'YAML indents with spaces only' };
  }
  if (e.code === 'DUPLICATE_KEY') {
    return { message: 'a key appears twice in one mapping', start: pos, end, hint: 'YAML mappings need unique keys; remove or merge the second one' };
  }
  if (e.code === 'MULTIPLE_DOCS') {
    return { message: 'the mesh file must hold one YAML document, but a "---" starts another', start: pos, end, hint: 'describe one mesh per file' };
  }
  // Errors reported in a line's leading white space are about that line's indentation.
  const start = inIndentation(text, pos) ? firstNonBlank(text, pos) : pos;
  const indentation = start !== pos || e.code === 'BAD_INDENT' || /without - indicator|indent/i.test(raw);
  return {
    message: indentation ? 'YAML syntax: this line is not indented like the lines around it' : `YAML syntax: ${raw.charAt(0).toLowerCase()}${raw.slice(1)}`,
    start,
    end: Math.max(start + 1, indentation ? lineEnd(text, start) : end),
    hint: indentation ? 'keys of one mapping must start in the same column' : undefined,
  };
}

/** The opening quote of the first line (before `limit`) whose quotes do not pair up. */
function unclosedQuote(text: string, quote: string, limit: number): number | undefined {
  let offset = 0;
  for (const line of text.slice(0, limit).split('\n')) {
    let open: number | undefined;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (open === undefined && ch === '#' && (i === 0 || /\s/.test(line[i - 1]))) break;
      if (ch === '\\' && quote === '"') {
        i++;
        continue;
      }
      if (ch === quote) open = open === undefined ? i : undefined;
      else if (open === undefined && (ch === '"' || ch === "'")) {
        const other = line.indexOf(ch, i + 1);
        if (other < 0) break;
        i = other;
      }
    }
    if (open !== undefined) return offset + open;
    offset += line.length + 1;
  }
  return undefined;
}

/** The last "[" or "{" before `limit` that is not closed, ignoring quoted text and comments. */
function unclosedBracket(text: string, limit: number): number | undefined {
  const stack: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < limit && i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') stack.push(i);
    else if (ch === ']' || ch === '}') stack.pop();
  }
  return stack.at(-1);
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl;
}

function inIndentation(text: string, pos: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, pos), pos)) && /[ \t]/.test(text[pos] ?? '');
}

function firstNonBlank(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}
