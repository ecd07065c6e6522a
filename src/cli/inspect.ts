import { type Command, Option } from 'commander';
import { type Damage, damageText } from '../core/errors.js';
import type { InspectReport } from '../core/facts/binary.js';
import { isMalformed } from '../core/facts/inspect.js';
import { renderInspectText } from '../core/render/inspect-text.js';
import { errorText } from '../node/errors.js';
import { defaultScanRoots, inspectPaths } from '../node/files/inspect.js';
import { type Cli, EXIT_BAD_INPUT, EXIT_OK, outputStream } from './command.js';

interface InspectFlags {
  format: 'text' | 'json' | 'jsonl';
  functions?: boolean;
  files?: boolean;
  out?: string;
  push?: string;
  tokenFile?: string;
}

/** `goready inspect [PATH...]`: one report per Go binary, streamed as it is read. */
export function register(program: Command, cli: Cli): void {
  program
    .command('inspect')
    .description(
      'Report format, Go version, build info, pclntab, linkage and diagnosis for Go binaries (default: the Go binaries on $PATH and in ./node_modules)',
    )
    .argument('[paths...]', 'files or directories (walked recursively, like go version -m DIR)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'jsonl']).default('text'))
    .option('--functions', 'list every function recovered from the pclntab')
    .option('--files', "with --functions, add each function's source file")
    .option('-o, --out <file>', 'write the report to FILE')
    .option('--push <url>', 'send each report to a goready serve fleet server (http://host:7070) instead of printing it; the binary is never sent')
    .option('--token-file <file>', 'with --push: the server token (default $GOREADY_TOKEN, else ~/.config/goready/token)')
    .action(async (paths: string[], flags: InspectFlags) => {
      if (flags.files && !flags.functions) cli.fail('--files adds a source file to each function: give --functions too');
      if (flags.tokenFile && !flags.push) cli.fail('--token-file goes with --push');
      if (flags.push) {
        const { pushReports } = await import('../node/fleet/push.js');
        const { clientToken } = await import('../node/fleet/token.js');
        let bad = false;
        try {
          const token = clientToken(flags.tokenFile);
          for await (const r of pushReports(paths.length ? paths : defaultScanRoots(), flags.push, token)) {
            if (r.error) process.stderr.write(`goready: ${r.error}\n`);
            else process.stdout.write(`${r.path}: pushed as ${JSON.stringify(r.binary)}, checked against ${r.evaluated} host${r.evaluated === 1 ? '' : 's'}\n`);
            bad ||= !!r.error;
          }
        } catch (e) {
          cli.fail(errorText(e));
        }
        cli.setExitCode(bad ? EXIT_BAD_INPUT : EXIT_OK);
        return;
      }
      cli.setExitCode(await runInspect(paths, flags));
    });
}

async function runInspect(paths: string[], flags: InspectFlags): Promise<number> {
  const roots = paths.length ? paths : defaultScanRoots();
  const out = outputStream(flags.out);
  let bad = false;
  let first = true;
  if (flags.format === 'json') await out.write('[');
  for await (const item of inspectPaths(roots, { functions: !!flags.functions, files: !!flags.files })) {
    if (item.empty) {
      // go version -m DIR prints nothing for it; a directory the user named deserves a word (the
      // default scan of $PATH stays quiet about directories without Go).
      if (paths.length) process.stderr.write(`goready: ${item.empty}: no Go binaries found\n`);
      continue;
    }
    if (item.error) {
      process.stderr.write(`goready: ${item.error}\n`);
      bad = true;
      continue;
    }
    const r = item.report as InspectReport;
    if (isMalformed(r)) {
      process.stderr.write(`goready: ${r.path}: ${damageText(r.damage[0] as Damage)}\n`);
      bad = true;
    }
    if (flags.format === 'json') {
      await out.write(`${first ? '\n' : ',\n'}${JSON.stringify(r)}`);
    } else if (flags.format === 'jsonl') {
      await out.write(`${JSON.stringify(r)}\n`);
    } else {
      await out.write(renderInspectText(r, { functions: flags.functions }));
    }
    first = false;
  }
  if (flags.format === 'json') await out.write(first ? ']\n' : '\n]\n');
  await out.end();
  return bad ? EXIT_BAD_INPUT : EXIT_OK;
}
