import type { Severity } from '../checks/finding.js';
import type { Rule } from '../checks/rules.js';
import { plain } from './rules.js';

/** SARIF has three levels; goready's five map onto them. */
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { fatal: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/**
 * One SARIF 2.1.0 log of one run by goready: its rules as `tool.driver.rules`, then the results,
 * serialised; `run` adds properties of the run (originalUriBaseIds).
 */
export function sarifLog(rules: readonly Rule[], version: string, results: unknown[], run: Record<string, unknown> = {}): string {
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
              fullDescription: { text: plain(r.summary), markdown: r.summary },
              help: { text: r.fix },
              ...(r.refs[0] ? { helpUri: r.refs[0] } : {}),
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: { severity: r.severity, ...(r.severities ? { severities: r.severities } : {}), area: r.area, command: r.command },
            })),
          },
        },
        ...run,
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
