import type { TargetsReport } from '../analyses/targets.js';

const verdict = (runs: boolean | null) => (runs === true ? 'yes' : runs === false ? 'no' : '?');

/** What a binary needs, in one line of facts and one "runs on" line, then the table of platforms. */
export function renderTargetsText(reports: TargetsReport[]): string {
  const out: string[] = [];
  for (const t of reports) {
    const q = t.requires;
    const needs = [
      `${q.os}/${q.arch}`,
      q.goamd64 ? `GOAMD64=${q.goamd64}` : '',
      q.goarm ? `GOARM=${q.goarm}` : '',
      q.goarm64 ? `GOARM64=${q.goarm64}${q.lse ? ' (LSE)' : ''}` : '',
      q.kernel ? `Linux ≥ ${q.kernel}` : 'kernel minimum unknown (no Go version)',
      q.libc === 'glibc' ? `glibc ≥ ${q.glibc}` : q.libc === 'none' ? 'static' : q.libc === 'musl' ? 'musl' : 'unknown loader',
    ].filter(Boolean);
    out.push(`${t.path}: ${needs.join(', ')}`);
    out.push(`runs on: ${t.summary}`);
    const width = Math.max(...t.platforms.map((p) => p.name.length));
    for (const p of t.platforms) out.push(`  ${p.name.padEnd(width)}  ${verdict(p.runs).padEnd(3)}  ${p.why}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}
