import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { codeFacts } from '../checks/facts.js';
import { runChecks } from '../checks/registry.js';
import { errorText, inspectFile } from '../files.js';
import { diffHosts, renderHostDiffMarkdown, renderHostDiffText } from '../host/diff.js';
import type { HostSnapshot } from '../host/snapshot.js';

/** `goready diff A.json B.json [--binary FILE]`: what differs between two hosts, findings that change first. */
export function registerDiff(program: Command, fail: (msg: string) => never): void {
  program
    .command('diff')
    .description('What differs between two host snapshots (goready host), grouped; with --binary, the differences that change a finding for that binary first')
    .argument('<a>', 'the first snapshot (e.g. laptop.json)')
    .argument('<b>', 'the second snapshot (e.g. prod.json)')
    .option('--binary <file>', 'a Go binary: list the findings that differ between the two hosts first')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (a: string, b: string, flags: { binary?: string; format: 'text' | 'json' | 'markdown'; out?: string }) => {
      const { readSnapshot } = await import('../host/snapshot.js');
      let sa: HostSnapshot;
      let sb: HostSnapshot;
      try {
        sa = readSnapshot(a);
        sb = readSnapshot(b);
      } catch (e) {
        fail(errorText(e));
      }
      let findings: { binary: string; a: ReturnType<typeof runChecks>; b: ReturnType<typeof runChecks> } | undefined;
      if (flags.binary) {
        let reports: Awaited<ReturnType<typeof inspectFile>>;
        try {
          reports = await inspectFile(flags.binary, { functions: true });
        } catch (e) {
          fail(`${flags.binary}: ${errorText(e)}`);
        }
        const [r] = reports;
        if (!r) fail(`${flags.binary}: no binary`);
        const code = r.functions?.length ? codeFacts(r.functions.map((f) => f.name)) : null;
        delete r.functions;
        const on = (host: HostSnapshot, name: string) => runChecks({ binary: r, code, target: { name, host, before: null, env: {} } });
        findings = { binary: flags.binary, a: on(sa, basename(a)), b: on(sb, basename(b)) };
      }
      const d = diffHosts(sa, sb, { a, b }, findings);
      const text =
        flags.format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : flags.format === 'markdown' ? renderHostDiffMarkdown(d) : renderHostDiffText(d);
      if (flags.out) writeFileSync(flags.out, text);
      else process.stdout.write(text);
    });
}
