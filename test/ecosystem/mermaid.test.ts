import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preparedCases, REPO, run, writeFileMkdir } from './lib.js';

// out/README.md's topology diagram, parsed by the real Mermaid parser and rendered to SVG by
// @mermaid-js/mermaid-cli (the devDependency, pinned in package.json) in Debian's Chromium:
// a syntax error fails the render. Each cluster of the mesh must appear in the picture.

const { cases, work, chromium, chromiumMissing } = preparedCases();
const MMDC = join(REPO, 'node_modules/@mermaid-js/mermaid-cli/src/cli.js');

export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** Renders one diagram to SVG; the exit status, output and the SVG (if any). */
function render(name: string, diagram: string) {
  const dir = join(work, 'mermaid', name);
  const input = join(dir, 'diagram.mmd');
  const output = join(dir, 'diagram.svg');
  writeFileMkdir(input, diagram);
  // root in a container needs --no-sandbox; nothing but the local diagram is loaded
  writeFileSync(join(dir, 'puppeteer.json'), JSON.stringify({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu'], headless: true }));
  const r = run(process.execPath, [MMDC, '--quiet', '--input', input, '--output', output, '--puppeteerConfigFile', join(dir, 'puppeteer.json')], { timeout: 120_000, env: { PUPPETEER_SKIP_DOWNLOAD: '1' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, svg: existsSync(output) ? readFileSync(output, 'utf8') : undefined };
}

describe.skipIf(!chromium)(`the topology diagram${chromium ? '' : ` (skipped: ${chromiumMissing})`}`, () => {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const readme = join(c.out, 'README.md');
    const blocks = existsSync(readme) ? mermaidBlocks(readFileSync(readme, 'utf8')) : [];

    it('out/README.md has a Mermaid diagram', () => {
      expect(c.buildStatus, c.buildStderr).toBe(0);
      expect(blocks.length).toBeGreaterThan(0);
    });

    it.each(blocks.map((b, i) => [i + 1, b] as const))('diagram %i parses and renders to SVG, with every cluster in it', (i, block) => {
      const r = render(`${c.name}-${i}`, block);
      expect(r.status, r.output).toBe(0);
      expect(r.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      expect(r.svg).not.toMatch(/Syntax error/i);
      for (const cluster of c.clusters) expect(r.svg, cluster.name).toContain(cluster.name);
    });
  });

  describe('negative controls: the same render fails on a broken diagram', () => {
    const diagram = mermaidBlocks(readFileSync(join(cases[0].out, 'README.md'), 'utf8'))[0];

    it('an unclosed node label', () => {
      const r = render('control-unclosed', diagram.replace(/\]/, ''));
      expect(r.status).not.toBe(0);
      expect(r.output).toMatch(/Parse error|Lexical error/);
    });

    it('an edge to nowhere', () => {
      const r = render('control-edge', `${diagram}\n  ${cases[0].clusters[0].name} -->\n`);
      expect(r.status).not.toBe(0);
    });

    it('an unknown diagram type', () => {
      const r = render('control-type', diagram.replace(/^flowchart/m, 'flowchrt'));
      expect(r.status).not.toBe(0);
    });
  });
});
