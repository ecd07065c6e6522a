/** `goready licenses` as text or markdown. */
import type { LicensesReport } from '../analyses/license/report.js';
import { escapeMarkdown, escapeText, text } from './escape.js';

export function renderLicenses(r: LicensesReport, format: 'text' | 'markdown'): string {
  const raw = r.modules.map((m) => [
    `${m.path}${m.version ? `@${m.version}` : ''}${m.replace ? ` => ${m.replace.path}${m.replace.version ? `@${m.replace.version}` : ''}` : ''}`,
    m.expression ?? (m.found ? 'unrecognised' : 'not found'),
    m.files.map((f) => `${f.name} ${f.licenses.map((l) => `${l.id} ${(l.confidence * 100).toFixed(0)}%`).join(', ')}`).join('; '),
    m.violation ?? 'ok',
  ]);
  const none = r.noModuleList;
  const noneLine = none ? `no module list: ${none.reason}${none.violation ? ' (a policy violation unless unknowns are allowed: --allow-unknown)' : ''}` : null;
  if (format === 'markdown') {
    const table = [
      ...(noneLine ? [escapeMarkdown(noneLine), ''] : []),
      '| module | licence | evidence | policy |',
      '|---|---|---|---|',
      ...raw.map((x) => `| ${x.map(escapeMarkdown).join(' | ')} |`),
    ];
    return `${table.join('\n')}\n`;
  }
  const rows = raw.map((x) => x.map(escapeText));
  const w0 = Math.max(...rows.map((x) => (x[0] as string).length), 6);
  const w1 = Math.max(...rows.map((x) => (x[1] as string).length), 7);
  const lines = rows.map((x) => `${(x[0] as string).padEnd(w0)}  ${(x[1] as string).padEnd(w1)}  ${x[3]}  ${x[2]}`.trimEnd());
  for (const l of r.linked ?? [])
    lines.push(
      text`linked ${l.name}: ${l.path ?? `not found ${r.linkedIn ? `in ${r.linkedIn}` : 'where the loader looks'}`}${l.package ? ` from ${l.package}` : ''}${l.license ? `, ${l.license}` : ''}${l.licenseFiles && l.licenseFiles !== '*' ? ` (copyright paragraph Files: ${l.licenseFiles})` : ''}`,
    );
  if (noneLine) lines.push(escapeText(noneLine));
  lines.push(`${r.modules.length} modules${none ? ' (the binary records none)' : ''}, ${r.violations} policy violations`);
  return `${lines.join('\n')}\n`;
}
