// PEM text helpers. Everything meshgen writes is LF-only.

export function toLf(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export function derToPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** How many `-----BEGIN <label>-----` blocks the text holds. */
export function countPemBlocks(text: string, label: string): number {
  return text.split(`-----BEGIN ${label}-----`).length - 1;
}
