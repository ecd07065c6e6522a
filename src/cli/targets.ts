import { type Command, Option } from 'commander';
import type { TargetsReport } from '../core/analyses/targets.js';
import { type Cli, EXIT_BAD_INPUT, EXIT_OK, emit, examples } from './command.js';

interface TargetsFlags {
  format: 'text' | 'json';
  out?: string;
}

/** `goready targets BINARY...`: the least platform each binary needs, and which common platforms run it. */
export function register(program: Command, cli: Cli): void {
  program
    .command('targets')
    .addHelpText(
      'after',
      examples([
        ['goready targets ./server', 'the runs-on line and the platform table'],
        ['goready targets --format json bin/', 'what every Go binary under bin/ needs'],
      ]),
    )
    .description('Where each binary runs: the OS, arch, CPU level, kernel and glibc it needs, and a verdict on common distributions and CPUs')
    .argument('<binaries...>', 'binaries or directories (Go binaries found in them)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --out <file>', 'write the report to FILE')
    .addHelpText(
      'after',
      "\nExamples:\n  goready targets ./server                 runs-on line and the platform table\n  goready targets --format json bin/ | jq '.[].requires'",
    )
    .action(async (paths: string[], flags: TargetsFlags) => {
      cli.setExitCode(await runTargets(paths, flags, cli));
    });
}

async function runTargets(paths: string[], flags: TargetsFlags, cli: Cli): Promise<number> {
  const { inspectPaths } = await import('../node/files/inspect.js');
  const { targetsOf } = await import('../core/analyses/targets.js');
  const reports: TargetsReport[] = [];
  let bad = false;
  const shown = cli.progress('targets');
  for await (const item of inspectPaths(paths, {}, (f) => shown.step(f))) {
    if ('empty' in item) {
      process.stderr.write(`goready: ${item.empty}: no Go binaries found\n`);
      continue;
    }
    if ('error' in item) {
      process.stderr.write(`goready: ${item.error}\n`);
      bad = true;
      continue;
    }
    reports.push(targetsOf(item.report));
  }
  shown.end();
  if (flags.format === 'json') emit(`${JSON.stringify(reports, null, 2)}\n`, flags.out);
  else {
    const { renderTargetsText } = await import('../core/render/targets.js');
    emit(renderTargetsText(reports, { color: cli.color(flags.out) }), flags.out);
  }
  return bad ? EXIT_BAD_INPUT : EXIT_OK;
}
