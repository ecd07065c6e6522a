import type { TargetsReport } from '../analyses/targets.js';

const verdict = (runs: boolean | null) => (runs === true ? 'yes' : runs === false ? 'no' : '?');
/** Green yes, red no, yellow unknown (ANSI SGR), padded before colouring so columns stay aligned. */
const COLOR = { yes: '\x1b[32m', no: '\x1b[31m', '?': '\x1b[33m' } as const;

/** What a binary needs, in one line of facts and one "runs on" line, then the table of platforms. */
export function renderTargetsText(reports: TargetsReport[], opts: { color?: boolean } = {}): string {
  const out: string[] = [];
  for (const t of reports) {
    const q = t.requires;
    const needs = [
      `${q.os}/${q.arch}`,
      q.goamd64 ? `GOAMD64=${q.goamd64}` : '',
      q.goarm ? `GOARM=${q.goarm}` : '',
      q.goarm64 ? `GOARM64=${q.goarm64}${q.lse ? ' (LSE)' : ''}` : '',
      q.kernel ? `Linux ≥ ${q.kernel}` : 'kernel minimum unknown (no Go version)',
      q.libc === 'glibc' ? (q.glibc ? `glibc ≥ ${q.glibc}` : 'glibc') : q.libc === 'none' ? 'static' : q.libc === 'musl' ? 'musl' : 'unknown loader',
    ].filter(Boolean);
    out.push(`${t.path}: ${needs.join(', ')}`);
    out.push(`runs on: ${t.summary}`);
    const width = Math.max(...t.platforms.map((p) => p.name.length));
    for (const p of t.platforms) {
      const v = verdict(p.runs);
      const cell = opts.color ? `${COLOR[v]}${v.padEnd(3)}\x1b[0m` : v.padEnd(3);
      out.push(`  ${p.name.padEnd(width)}  ${cell}  ${p.why}`);
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}
