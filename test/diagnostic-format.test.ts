import { describe, expect, it } from 'vitest';
import { formatDiagnostic, FRAME_WIDTH, error } from '../src/diagnostics/diagnostic.js';
import { loadStage } from '../src/pipeline.js';
import { MemoryHost } from '../src/host/memory-host.js';

// A diagnostic prints a bounded amount whatever the input: the code frame is a window around
// the column, a quoted value is an excerpt, and control characters never reach the terminal.

describe('code frame', () => {
  it('of a 50 MB line is a window of about FRAME_WIDTH characters around the column, with ellipses', () => {
    const line = 'x'.repeat(25_000_000) + 'HERE' + 'y'.repeat(25_000_000);
    const text = `first: line\nvalue: ${line}\n`;
    const col = 'value: '.length + 25_000_000 + 1;
    const printed = formatDiagnostic(error('MG1105', 'bad value', { file: 'mesh.yaml', position: { line: 2, col, length: 50_000_000 } }), text);
    expect(printed.length).toBeLessThan(4 * FRAME_WIDTH);
    const [, , source, carets] = printed.split('\n');
    expect(source).toMatch(/^ {3}2 \| …x+HEREy+…$/);
    // the first caret stands under the H
    expect(carets.indexOf('^')).toBe(source.indexOf('HERE'));
  });

  it('of a short line is the whole line, unchanged', () => {
    const printed = formatDiagnostic(error('MG1101', 'unknown key "netwrk"', { file: 'm.yaml', position: { line: 2, col: 3, length: 6 } }), 'spec:\n  netwrk: x\n');
    expect(printed).toBe(['m.yaml:2:3: error MG1101: unknown key "netwrk"', '   1 | spec:', '   2 |   netwrk: x', '     |   ^^^^^^'].join('\n'));
  });

  it('never sends control characters (escape sequences) to the terminal', () => {
    const printed = formatDiagnostic(error('MG1105', 'bad', { file: 'm.yaml', position: { line: 1, col: 4, length: 1 } }), 'a: \u001b]0;owned\u0007\u0000x\n');
    expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(printed).toContain('\ufffd]0;owned\ufffd\ufffdx');
  });

  it('counts a lone CR as a line break, as the load stage does', () => {
    const printed = formatDiagnostic(error('MG1101', 'x', { file: 'm.yaml', position: { line: 2, col: 1, length: 1 } }), 'a: 1\rb: 2\r');
    expect(printed.split('\n').slice(1, 3)).toEqual(['   1 | a: 1', '   2 | b: 2']);
  });
});

describe('messages', () => {
  it('quote at most an excerpt of a huge value', () => {
    const huge = 'p'.repeat(900_000);
    const host = new MemoryHost({ files: { '/m/mesh.yaml': `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  istio: { version: "1.30.3" }\n  clusters:\n    - { name: east, network: n, role: ${huge} }\n` } });
    const [d] = loadStage(host, '/m/mesh.yaml').diagnostics;
    expect(d.code).toBe('MG1104');
    expect(d.message.length).toBeLessThan(200);
    expect(formatDiagnostic(d, huge).length).toBeLessThan(1000);
  });

  it('an unknown key megabytes long is named by an excerpt', () => {
    const key = 'k'.repeat(500_000);
    // an explicit key (? ...): an implicit one is limited to 1024 characters by YAML itself
    const host = new MemoryHost({ files: { '/m/mesh.yaml': `? ${key}\n: 1\n` } });
    const diagnostics = loadStage(host, '/m/mesh.yaml').diagnostics;
    expect(diagnostics.map((d) => d.code)).toContain('MG1101');
    for (const d of diagnostics) expect(d.message.length + (d.hint ?? '').length, d.code).toBeLessThan(600);
  });
});
