/** Text for `goready trace tcp`: the summary. Formats only. */
import type { TcpSummary } from '../analyses/trace/tcp-events.js';

function counts(m: Record<string, number>): string {
  const e = Object.entries(m).sort((a, b) => b[1] - a[1]);
  return e.length ? e.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

export function renderTcpSummary(target: string, s: TcpSummary, missing: { what: string; why: string }[]): string {
  const lines = [`${target}: ${s.seconds.toFixed(1)} s`];
  const life = s.connections.lifetimeMs;
  lines.push(
    `  connections   ${s.connections.opened} established, ${s.connections.closed} closed${life ? `; lifetime p50 ${life.p50} ms, p90 ${life.p90} ms, max ${life.max} ms` : ''}`,
  );
  lines.push(`  transitions   ${counts(s.transitions)}`);
  lines.push(
    `  retransmits   ${s.retransmits.count}${
      s.retransmits.top.length
        ? `; most: ${s.retransmits.top
            .slice(0, 3)
            .map((t) => `${t.local} → ${t.peer} ${t.count}`)
            .join(', ')}`
        : ''
    }`,
  );
  lines.push(`  resets        ${s.resets.sent} sent (${counts(s.resets.sentReasons)}), ${s.resets.received} received`);
  lines.push(`  drops         ${s.drops.count}${s.drops.count ? `: ${counts(s.drops.byReason)}; in ${counts(s.drops.byLocation)}` : ''}`);
  for (const l of s.listeners) lines.push(`  accept queue  ${l.local}: max Recv-Q ${l.maxRecvQ}${l.backlog !== null ? ` of backlog ${l.backlog}` : ''}`);
  const moved = Object.entries(s.counters).filter(([, d]) => d !== 0);
  lines.push(`  counters      ${moved.length ? moved.map(([k, d]) => `${k} +${d}`).join(', ') : 'no accept-queue counter moved'}`);
  for (const m of missing) lines.push(`  not traced: ${m.what}: ${m.why}`);
  return `${lines.join('\n')}\n`;
}
