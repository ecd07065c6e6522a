import type { Recording, RecordingDiff, SeccompReport, SeccompSyscall } from '../facts/seccomp.js';

const SITES_SHOWN = 2;

function sitesText(s: SeccompSyscall): string {
  if (!s.sites.length) return '';
  const fns = [...new Set(s.sites.map((x) => x.function))];
  const kinds = [...new Set(s.sites.map((x) => x.kind))].join('/');
  const shown = fns.slice(0, SITES_SHOWN).join(', ');
  return `${s.sites.length} site${s.sites.length === 1 ? '' : 's'} (${kinds}): ${shown}${fns.length > SITES_SHOWN ? `, … ${fns.length - SITES_SHOWN} more` : ''}`;
}

/** `goready seccomp BINARY`: one line per syscall with its number and evidence, then unresolved sites and notes. */
export function renderSeccompText(r: SeccompReport): string {
  const lines: string[] = [];
  const code = r.syscalls.filter((s) => s.origin.includes('code')).length;
  lines.push(
    `${r.path}: ${r.syscalls.length} syscalls (${r.goVersion ?? 'Go'}, linux/${r.arch}): ${code} from sites in the code, ${r.syscalls.length - code} more that Go${r.runtime ? ` or ${r.runtime}` : ''} needs; ${r.unresolved.length} unresolved site${r.unresolved.length === 1 ? '' : 's'}`,
  );
  const width = Math.max(...r.syscalls.map((s) => s.name.length), 8);
  for (const s of r.syscalls) {
    const tags = s.origin.filter((o) => o !== 'code').map((o) => (o === 'container' ? (r.runtime ?? 'runtime') : o));
    const parts = [sitesText(s), ...(tags.length && s.reason ? [`[${tags.join(', ')}] ${s.reason}`] : [])].filter(Boolean);
    lines.push(`  ${s.name.padEnd(width)} ${String(s.nr).padStart(4)}  ${parts.join('; ')}`);
  }
  if (r.unresolved.length) {
    lines.push('unresolved:');
    for (const u of r.unresolved) lines.push(`  ${u.function} at 0x${u.pc.toString(16)}: ${u.why}`);
  }
  if (r.notes.length) {
    lines.push('notes:');
    for (const n of r.notes) lines.push(`  ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `goready seccomp record`: counts, most frequent first, then the comparison with the static set. */
export function renderRecordingText(rec: Recording, diff: RecordingDiff | null): string {
  const total = rec.syscalls.reduce((n, s) => n + s.count, 0);
  const lines = [`${rec.target}: ${rec.syscalls.length} distinct syscalls, ${total} calls (linux/${rec.arch}, pid ${rec.pid} and descendants)`];
  const width = Math.max(8, ...rec.syscalls.map((s) => s.name.length));
  for (const s of [...rec.syscalls].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)))
    lines.push(`  ${s.name.padEnd(width)} ${String(s.nr).padStart(4)} ${String(s.count).padStart(9)}`);
  for (const u of rec.unknown) lines.push(`  (unknown ${u.nr}) ${u.count}`);
  if (rec.exitCode !== null) lines.push(`exit status ${rec.exitCode}`);
  for (const n of rec.noise) lines.push(`note: ${n}`);
  if (diff) {
    lines.push(
      diff.missing.length
        ? `observed but not found statically (${diff.missing.length}): ${diff.missing.join(', ')}`
        : 'observed but not found statically: none (every observed syscall is in the static set)',
    );
    lines.push(`found statically but not observed in this run (${diff.unobserved.length}): ${diff.unobserved.join(', ') || 'none'}`);
  }
  return `${lines.join('\n')}\n`;
}
