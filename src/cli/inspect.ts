import { type Command, Option } from 'commander';
import type { Damage } from '../core/errors.js';
import { type Cli, EXIT_BAD_INPUT, EXIT_OK, examples, outputStream } from './command.js';

interface InspectFlags {
  format: 'text' | 'json' | 'jsonl';
  functions?: boolean;
  files?: boolean;
  out?: string;
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
    .action(async (paths: string[], flags: InspectFlags) => {
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
    if ('error' in item) {
      process.stderr.write(`goready: ${item.error}\n`);
      bad = true;
      continue;
    }
    const r = item.report;
    if (isMalformed(r)) {
      process.stderr.write(`goready: ${r.path}: ${damageText(r.damage[0] as Damage)}\n`);
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
