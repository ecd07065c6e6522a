/** `goready size NEW --vs OLD`: what grew and shrank, as text or markdown. */
import type { Change, SizeDiff } from '../analyses/size/diff.js';
import { escapeText, mdCode, text } from './escape.js';

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** Text or GitHub-flavoured markdown (for PR comments). */
export function renderDiff(d: SizeDiff, format: 'text' | 'markdown', top = 15): string {
  const head = text`${d.old.path} → ${d.new.path}: ${d.old.fileSize} → ${d.new.fileSize} bytes (${signed(d.delta)}, ${signed(Number(d.deltaPercent.toFixed(2)))}%)`;
  const sections: [string, Change[] | null][] = [
    ['modules', d.modules],
    ['packages', d.packages],
    ['functions', d.functions],
  ];
  const out: string[] = [];
  if (format === 'markdown') {
    out.push(
      `### Binary size: ${signed(d.delta)} bytes (${signed(Number(d.deltaPercent.toFixed(2)))}%)`,
      '',
      `${mdCode(d.old.path)} ${d.old.fileSize} → ${mdCode(d.new.path)} ${d.new.fileSize} bytes`,
      '',
    );
    for (const [title, list] of sections) {
      if (!list?.length) continue;
      out.push(`| ${title} | old | new | change |`, '|---|---:|---:|---:|');
      for (const c of list.slice(0, top)) out.push(`| ${mdCode(c.name)} | ${c.old} | ${c.new} | ${signed(c.delta)} |`);
      if (list.length > top) out.push(`| … ${list.length - top} more | | | |`);
      out.push('');
    }
    return `${out.join('\n')}\n`;
  }
  out.push(head);
  for (const [title, list] of sections) {
    if (!list?.length) continue;
    out.push(`${title}:`);
    const w = Math.max(...list.slice(0, top).map((c) => escapeText(c.name).length));
    for (const c of list.slice(0, top))
      out.push(`  ${escapeText(c.name).padEnd(w)}  ${String(c.old).padStart(10)} → ${String(c.new).padStart(10)}  ${signed(c.delta).padStart(9)}`);
    if (list.length > top) out.push(`  (${list.length - top} more)`);
  }
  return `${out.join('\n')}\n`;
}
