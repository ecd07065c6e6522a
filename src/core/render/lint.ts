import { SEVERITIES } from '../checks/finding.js';
import type { Rule } from '../checks/rules.js';
import { bySourcePosition, type SourceFinding } from '../checks/source-finding.js';

/** `file:line:col: ID severity: message`, as compilers and go vet print, with evidence and fix indented. */
export function renderLintText(findings: SourceFinding[], summary: { files: number; packages: number }): string {
  const lines: string[] = [];
  for (const f of [...findings].sort(bySourcePosition)) {
    lines.push(`${f.file}:${f.line}:${f.column}: ${f.id} ${f.severity}: ${f.message}`);
    for (const e of f.evidence) lines.push(`\tevidence: ${e}`);
    lines.push(`\tfix: ${f.fix}`);
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

const LEVEL = { fatal: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;

/** SARIF 2.1.0 for code scanning: one rule per ID from the rules table, one result per finding with its region. */
export function renderLintSarif(findings: SourceFinding[], rules: readonly Rule[], version: string): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'goready',
            version,
            informationUri: 'https://github.com/goready/goready',
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.summary },
              help: { text: r.fix },
              ...(r.refs[0] ? { helpUri: r.refs[0] } : {}),
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { severity: r.severity },
            })),
          },
        },
        results: [...findings].sort(bySourcePosition).map((f) => ({
          ruleId: f.id,
          ruleIndex: rules.findIndex((r) => r.id === f.id),
          level: LEVEL[f.severity],
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
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
