/** `goready diff`: two host snapshots' differences as text or markdown. */
import type { HostDiff } from '../analyses/host-diff.js';
import { md, mdCode, raw, text } from './escape.js';

const SHOW = 12;

function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function list(xs: string[]): string {
  return xs.length > SHOW ? `${xs.slice(0, SHOW).join(', ')} … (${xs.length} in all)` : xs.join(', ');
}

export function renderHostDiffText(d: HostDiff): string {
  const lines: string[] = [text`A: ${d.a}`, text`B: ${d.b}`];
  if (d.binary) {
    lines.push('', text`Findings for ${d.binary} that differ:`);
    if (!d.findings.length) lines.push(d.groups.length ? '  none: the differences below change no finding' : '  none');
    for (const f of d.findings) {
      lines.push(
        text`  ${f.id} ${f.title}`,
        text`    A: ${f.a ? `${f.a.severity}` : 'does not fire'}`,
        text`    B: ${f.b ? `${f.b.severity}` : 'does not fire'}`,
      );
      for (const e of (f.b ?? f.a)?.evidence ?? []) lines.push(text`    evidence: ${e}`);
    }
  }
  if (!d.groups.length) lines.push('', 'No differences.');
  for (const g of d.groups) {
    lines.push('', text`${g.group}:`);
    for (const c of g.changes) {
      const k = c.key.slice(g.group.length + 1);
      if (c.onlyA || c.onlyB) {
        // A list that is the whole group (listening) needs no second heading.
        const indent = k ? '    ' : '  ';
        if (k) lines.push(text`  ${k}:`);
        if (c.onlyA?.length) lines.push(text`${raw(indent)}only A: ${list(c.onlyA)}`);
        if (c.onlyB?.length) lines.push(text`${raw(indent)}only B: ${list(c.onlyB)}`);
      } else {
        lines.push(text`  ${k || c.key}: ${value(c.a)} → ${value(c.b)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderHostDiffMarkdown(d: HostDiff): string {
  const lines: string[] = [md`**A:** ${d.a} · **B:** ${d.b}`, ''];
  if (d.binary) {
    lines.push(`### Findings for ${mdCode(d.binary)} that differ`, '');
    if (!d.findings.length) lines.push('None.', '');
    else {
      lines.push('| id | finding | A | B |', '|---|---|---|---|');
      for (const f of d.findings) lines.push(md`| ${raw(mdCode(f.id))} | ${f.title} | ${f.a?.severity ?? '—'} | ${f.b?.severity ?? '—'} |`);
      lines.push('');
    }
  }
  lines.push('| fact | A | B |', '|---|---|---|');
  for (const g of d.groups) {
    for (const c of g.changes) {
      const a = c.onlyA ? (c.onlyA.length ? `only here: ${list(c.onlyA)}` : '') : value(c.a);
      const b = c.onlyB ? (c.onlyB.length ? `only here: ${list(c.onlyB)}` : '') : value(c.b);
      lines.push(md`| ${raw(mdCode(c.key))} | ${a} | ${b} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
