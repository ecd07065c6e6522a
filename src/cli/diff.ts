import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { diffHosts } from '../core/analyses/host-diff.js';
import { runChecks } from '../core/checks/registry.js';
import type { HostSnapshot } from '../core/facts/host.js';
import { codeFacts } from '../core/facts/target.js';
import { renderHostDiffMarkdown, renderHostDiffText } from '../core/render/host-diff.js';
import { errorText } from '../node/errors.js';
import { inspectFile } from '../node/files/inspect.js';
import { type Cli, emit } from './command.js';

/** `goready diff A.json B.json [--binary FILE]`: what differs between two hosts, findings that change first. */
export function register(program: Command, cli: Cli): void {
  program
    .command('diff')
    .description('What differs between two host snapshots (goready host), grouped; with --binary, the differences that change a finding for that binary first')
    .argument('<a>', 'the first snapshot (e.g. laptop.json)')
    .argument('<b>', 'the second snapshot (e.g. prod.json)')
    .option('--binary <file>', 'a Go binary: list the findings that differ between the two hosts first')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (a: string, b: string, flags: { binary?: string; format: 'text' | 'json' | 'markdown'; out?: string }) => {
      const { readSnapshot } = await import('../node/host/snapshot-file.js');
      let sa: HostSnapshot;
      let sb: HostSnapshot;
      try {
        sa = readSnapshot(a);
        sb = readSnapshot(b);
      } catch (e) {
        cli.fail(errorText(e));
      }
      let findings: { binary: string; a: ReturnType<typeof runChecks>; b: ReturnType<typeof runChecks> } | undefined;
      if (flags.binary) {
        let reports: Awaited<ReturnType<typeof inspectFile>>;
        try {
          reports = await inspectFile(flags.binary, { functions: true });
        } catch (e) {
          cli.fail(`${flags.binary}: ${errorText(e)}`);
        }
        const [r] = reports;
        if (!r) cli.fail(`${flags.binary}: no binary`);
        const code = r.functions?.length ? codeFacts(r.functions.map((f) => f.name)) : null;
        delete r.functions;
        const on = (host: HostSnapshot, name: string) => runChecks({ binary: r, code, target: { name, host, before: null, env: {} } });
        findings = { binary: flags.binary, a: on(sa, basename(a)), b: on(sb, basename(b)) };
      }
      const d = diffHosts(sa, sb, { a, b }, findings);
      emit(
        flags.format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : flags.format === 'markdown' ? renderHostDiffMarkdown(d) : renderHostDiffText(d),
        flags.out,
      );
    });
}
