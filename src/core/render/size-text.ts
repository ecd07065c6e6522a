import type { SizeReport } from '../analyses/size/model.js';
import { escapeText, text } from './escape.js';

export type SizeView = 'package' | 'module' | 'section';

function human(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

function pct(n: number, total: number): string {
  return `${((100 * n) / Math.max(1, total)).toFixed(1)}%`.padStart(6);
}

/** A table of the largest buckets, then the totals that prove every byte was counted. */
export function renderSizeText(r: SizeReport, opts: { by?: SizeView; top?: number } = {}): string {
  const by = opts.by ?? 'package';
  const top = opts.top ?? 25;
  const lines: string[] = [text`${r.path}: ${r.fileSize} bytes (${human(r.fileSize)}) in the file, ${r.memOnlyBytes} more in memory only (.bss)`];
  let rows: [string, number, string][];
  if (by === 'module') rows = r.modules.map((m) => [m.path, m.bytes, '']);
  else if (by === 'section') rows = r.sections.map((s) => [s.name, s.fileBytes, s.memBytes ? `mem ${human(s.memBytes)}` : '']);
  else
    rows = r.packages.map((p) => [
      p.name,
      p.codeBytes + p.dataBytes,
      `code ${human(p.codeBytes)}, data ${human(p.dataBytes)}${p.module !== p.name ? `  [${p.module}]` : ''}`,
    ]);
  rows = rows.map(([name, bytes, extra]) => [escapeText(name), bytes, escapeText(extra)]);
  rows.sort((a, b) => b[1] - a[1]);
  const shown = rows.slice(0, top);
  const w = Math.max(...shown.map((x) => x[0].length), 8);
  for (const [name, bytes, extra] of shown) lines.push(`  ${name.padEnd(w)}  ${String(bytes).padStart(10)}  ${pct(bytes, r.fileSize)}  ${extra}`.trimEnd());
  if (rows.length > top) {
    const rest = rows.slice(top).reduce((a, x) => a + x[1], 0);
    lines.push(`  ${`(${rows.length - top} more)`.padEnd(w)}  ${String(rest).padStart(10)}  ${pct(rest, r.fileSize)}`);
  }
  lines.push(`  ${'total'.padEnd(w)}  ${String(r.attributedBytes).padStart(10)}  ${pct(r.attributedBytes, r.fileSize)}  (= file size)`);
  for (const u of r.unattributed.slice(0, 5)) lines.push(text`  unattributed in ${u.section}: ${u.bytes} bytes`);
  if (r.advice?.length) {
    lines.push('advice:');
    for (const a of r.advice) lines.push(text`  ${a.id} ${a.title}${a.savingsBytes ? ` (saves ${human(a.savingsBytes)})` : ''}: ${a.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
