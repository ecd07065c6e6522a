import { type Command, Option } from 'commander';
import type { Damage } from '../core/errors.js';
import { renderMessage } from '../core/render/escape.js';
import { type Cli, EXIT_BAD_INPUT, EXIT_OK, examples, outputStream } from './command.js';

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
    .addHelpText(
      'after',
      examples([
        ['goready inspect ./server', 'build info, pclntab, linkage and the runs-on line'],
        ['goready inspect --functions --format json -o functions.json ./server', 'every function with entry and size'],
      ]),
    )
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
        const [{ pushReports }, { clientToken }, { defaultScanRoots }, { errorText }] = await Promise.all([
          import('../node/fleet/push.js'),
          import('../node/fleet/token.js'),
          import('../node/files/inspect.js'),
          import('../node/errors.js'),
        ]);
        let bad = false;
        try {
          const token = clientToken(flags.tokenFile);
          for await (const r of pushReports(paths.length ? paths : defaultScanRoots(), flags.push, token)) {
            if (r.error) process.stderr.write(renderMessage(r.error));
            else process.stdout.write(`${r.path}: pushed as ${JSON.stringify(r.binary)}, checked against ${r.evaluated} host${r.evaluated === 1 ? '' : 's'}\n`);
            bad ||= !!r.error;
          }
        } catch (e) {
          cli.fail(errorText(e));
        }
        cli.setExitCode(bad ? EXIT_BAD_INPUT : EXIT_OK);
        return;
      }
      cli.setExitCode(await runInspect(paths, flags, cli));
    });
}

async function runInspect(paths: string[], flags: InspectFlags, cli: Cli): Promise<number> {
  // Loaded here, not at start-up: --help, --version and the other commands do not compile the readers.
  const [{ damageText }, { isMalformed }, { inspectTextPieces }, { jsonPieces }, { defaultScanRoots, inspectPaths }] = await Promise.all([
    import('../core/errors.js'),
    import('../core/facts/inspect.js'),
    import('../core/render/inspect-text.js'),
    import('../core/render/json.js'),
    import('../node/files/inspect.js'),
  ]);
  const roots = paths.length ? paths : defaultScanRoots();
  const out = outputStream(flags.out);
  let bad = false;
  let first = true;
  if (flags.format === 'json') await out.write('[');
  const shown = cli.progress('inspect');
  for await (const item of inspectPaths(roots, { functions: !!flags.functions, files: !!flags.files }, (f) => shown.step(f))) {
    if ('empty' in item) {
      // go version -m DIR prints nothing for it; a directory the user named deserves a word (the
      // default scan of $PATH stays quiet about directories without Go).
      if (paths.length) process.stderr.write(renderMessage(`${item.empty}: no Go binaries found`));
      continue;
    }
    if ('error' in item) {
      process.stderr.write(renderMessage(item.error));
      bad = true;
      continue;
    }
    const r = item.report;
    if (isMalformed(r)) {
      process.stderr.write(renderMessage(`${r.path}: ${damageText(r.damage[0] as Damage)}`));
      bad = true;
    }
    // Written in pieces as the functions are decoded: a listing of 50,000 functions is never one
    // string, nor an array of objects.
    if (flags.format === 'json' || flags.format === 'jsonl') {
      if (flags.format === 'json') await out.write(first ? '\n' : ',\n');
      for (const piece of jsonPieces(r, 'functions', item.functions?.all())) await out.write(piece);
      if (flags.format === 'jsonl') await out.write('\n');
    } else {
      for (const piece of inspectTextPieces(r, item.functions?.all())) await out.write(piece);
    }
    first = false;
  }
  shown.end();
  if (flags.format === 'json') await out.write(first ? ']\n' : '\n]\n');
  await out.end();
  return bad ? EXIT_BAD_INPUT : EXIT_OK;
}
