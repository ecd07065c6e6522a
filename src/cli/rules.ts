import { type Command, Option } from 'commander';
import { errorText } from '../node/errors.js';
import { type Cli, emit, examples } from './command.js';

interface RulesFlags {
  format: 'text' | 'json' | 'markdown';
  command?: string;
  out?: string;
}

/** `goready rules [ID...]`: every finding rule goready has (or the ones named, in full). */
export function register(program: Command, cli: Cli): void {
  program
    .command('rules')
    .addHelpText(
      'after',
      examples([
        ['goready rules --command check', 'the rules check reports'],
        ['goready rules GR-LIBC-001', 'one rule in full'],
      ]),
    )
    .description('List every finding rule: ID, severity, the command that reports it, title; with IDs, each in full (when it fires, fix, references)')
    .argument('[ids...]', 'rule IDs to show in full')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--command <command>', 'only the rules this command reports (check, size, lint)')
    .option('-o, --out <file>', 'write the list to FILE')
    .action(async (ids: string[], flags: RulesFlags) => {
      const { RULE_COMMANDS, RULES, assertRuleIds, ruleOf } = await import('../core/checks/rules.js');
      if (flags.command && !(RULE_COMMANDS as readonly string[]).includes(flags.command))
        cli.fail(`--command ${flags.command}: not a command with rules (${RULE_COMMANDS.join(', ')})`);
      const { renderRuleDetails, renderRulesMarkdown, renderRulesText } = await import('../core/render/rules.js');
      try {
        assertRuleIds(ids, 'rules');
      } catch (e) {
        cli.fail(errorText(e));
      }
      const picked = ids.length
        ? ids.map((id) => ruleOf(id)).filter((r) => r !== undefined)
        : RULES.filter((r) => !flags.command || r.command === flags.command);
      const text =
        flags.format === 'json'
          ? `${JSON.stringify(picked, null, 2)}\n`
          : flags.format === 'markdown'
            ? renderRulesMarkdown(picked)
            : ids.length
              ? renderRuleDetails(picked)
              : renderRulesText(picked);
      emit(text, flags.out);
    });
}
