import { SEVERITIES } from '../checks/finding.js';
import type { Rule } from '../checks/rules.js';
import { bySourcePosition, type SourceFinding } from '../checks/source-finding.js';
import { text } from './escape.js';
import { SARIF_LEVEL, sarifLog } from './sarif.js';

/** `file:line:col: ID severity: message`, as compilers and go vet print, with evidence and fix indented. */
export function renderLintText(findings: SourceFinding[], summary: { files: number; packages: number }): string {
  const lines: string[] = [];
  for (const f of [...findings].sort(bySourcePosition)) {
    lines.push(text`${f.file}:${f.line}:${f.column}: ${f.id} ${f.severity}: ${f.message}`);
    for (const e of f.evidence) lines.push(text`\tevidence: ${e}`);
    lines.push(text`\tfix: ${f.fix}`);
  }
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n);
  lines.push(
    `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${summary.files} files (${summary.packages} packages)${counts.length ? `: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The JSON array of findings: `[{id, severity, message, file, line, column, evidence, fix}]`. */
export function renderLintJson(findings: SourceFinding[]): string {
  return `${JSON.stringify([...findings].sort(bySourcePosition), null, 2)}\n`;
}

/** SARIF 2.1.0 for code scanning: one rule per ID from the rules table, one result per finding with its region. */
export function renderLintSarif(findings: SourceFinding[], rules: readonly Rule[], version: string): string {
  return sarifLog(
    rules,
    version,
    [...findings].sort(bySourcePosition).map((f) => ({
      ruleId: f.id,
      ruleIndex: rules.findIndex((r) => r.id === f.id),
      level: SARIF_LEVEL[f.severity],
      message: { text: `${f.message}. Fix: ${f.fix}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: f.file.split('/').map(encodeURIComponent).join('/') },
            region: { startLine: f.line, startColumn: f.column },
          },
        },
      ],
      properties: { severity: f.severity, evidence: f.evidence },
    })),
  );
}
