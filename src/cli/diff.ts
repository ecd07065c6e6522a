import { type Command, Option } from 'commander';
import type { HostDiff } from '../core/analyses/host-diff.js';
import { errorText } from '../node/errors.js';
import { type Cli, emit, examples } from './command.js';

/** `goready diff A.json B.json [--binary FILE]`: what differs between two hosts, findings that change first. */
export function register(program: Command, cli: Cli): void {
  program
    .command('diff')
    .addHelpText(
      'after',
      examples([
        ['goready diff old-host.json new-host.json', 'what changed between two snapshots'],
        ['goready diff old-host.json new-host.json --binary ./server', 'the findings for a binary that differ'],
      ]),
    )
    .description('What differs between two host snapshots (goready host), grouped; with --binary, the differences that change a finding for that binary first')
    .argument('<a>', 'the first snapshot (e.g. laptop.json)')
    .argument('<b>', 'the second snapshot (e.g. prod.json)')
    .option('--binary <file>', 'a Go binary: list the findings that differ between the two hosts first')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (a: string, b: string, flags: { binary?: string; format: 'text' | 'json' | 'markdown'; out?: string }) => {
      const { diffSnapshotFiles } = await import('../node/diff.js');
      let d: HostDiff;
      try {
        d = await diffSnapshotFiles(a, b, flags.binary);
      } catch (e) {
        cli.fail(errorText(e));
      }
      const { renderHostDiffMarkdown, renderHostDiffText } = await import('../core/render/host-diff.js');
      emit(
        flags.format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : flags.format === 'markdown' ? renderHostDiffMarkdown(d) : renderHostDiffText(d),
        flags.out,
      );
    });
}
