import { type Rule, severitiesOf } from '../checks/rules.js';

/** A rule summary without its Markdown code spans, for plain text. */
export function plain(markdown: string): string {
  return markdown.replaceAll('`', '');
}

const severities = (r: Rule) => severitiesOf(r).join(' / ');

/** One line a rule: ID, severities, the command that reports it, title; like lynis' test list. */
export function renderRulesText(rules: readonly Rule[]): string {
  const idWidth = Math.max(...rules.map((r) => r.id.length));
  const sevWidth = Math.max(...rules.map((r) => severities(r).length));
  const lines = rules.map((r) => `${r.id.padEnd(idWidth)}  ${severities(r).padEnd(sevWidth)}  ${r.command.padEnd(5)}  ${r.title}`);
  return `${lines.join('\n')}\n`;
}

/** Each rule in full: title, when it fires, the fix, references. */
export function renderRuleDetails(rules: readonly Rule[]): string {
  return rules
    .map((r) =>
      [
        `${r.id} ${severities(r)} (goready ${r.command})`,
        `  ${r.title}`,
        `  fires when: ${plain(r.summary)}`,
        `  fix: ${r.fix}`,
        ...r.refs.map((u) => `  see: ${u}`),
        '',
      ].join('\n'),
    )
    .join('\n');
}

/** The README's rule table row: ID, when it fires, severities. */
export function renderRuleRow(r: Rule): string {
  return `| \`${r.id}\` | ${r.summary.replaceAll('|', '\\|')} | ${severities(r)} |`;
}

export function renderRulesMarkdown(rules: readonly Rule[]): string {
  return `${['| ID | fires when | severity |', '|---|---|---|', ...rules.map(renderRuleRow)].join('\n')}\n`;
}
