import { type Command, Option } from 'commander';
import type { SizeReport } from '../core/analyses/size/model.js';
import { renderMessage } from '../core/render/escape.js';
import type { SizeView } from '../core/render/size-text.js';
import { errorText } from '../node/errors.js';
import { type Cli, EXIT_FINDINGS, EXIT_OK, emit, examples } from './command.js';

interface SizeFlags {
  format: 'text' | 'json' | 'markdown' | 'html';
  vs?: string;
  budget?: string;
  maxGrowth?: string;
  by: SizeView;
  top: string;
  functions?: boolean;
  out?: string;
}

/** `goready size BINARY [--vs OLD]`: every byte charged to a package, module or section. */
export function register(program: Command, cli: Cli): void {
  program
    .command('size')
    .addHelpText(
      'after',
      examples([
        ['goready size ./server --by module --top 10', 'the ten largest modules'],
        ['goready size ./server --vs ./server.old --max-growth 5', 'exit 1 when it grew by more than 5%'],
      ]),
    )
    .description('Attribute every byte of a Go binary to a package, module or section')
    .argument('<binary>', 'the binary')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown', 'html']).default('text'))
    .addOption(new Option('--by <view>', 'text view').choices(['package', 'module', 'section']).default('package'))
    .option('--vs <old>', 'compare with an older binary or a saved `size --format json --functions` report')
    .option('--budget <bytes>', 'exit 1 when the file is larger than this')
    .option('--max-growth <percent>', 'with --vs: exit 1 when the file grew by more than this')
    .option('--top <n>', 'rows in the text view', '25')
    .option('--functions', 'include per-function sizes (json)')
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (binary: string, flags: SizeFlags) => {
      cli.setExitCode(await runSize(binary, flags, cli));
    });
}

/** A size report from a binary, or from a report saved with `size --format json`. */
async function loadSize(path: string, functions: boolean, cli: Cli): Promise<SizeReport> {
  const { sizeOfFile } = await import('../node/size.js');
  try {
    return await sizeOfFile(path, { functions });
  } catch (e) {
    cli.fail(errorText(e));
  }
}

function number(flag: string, v: string | undefined, cli: Cli): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) cli.fail(`${flag}: not a non-negative number: ${v}`);
  return n;
}

async function runSize(binary: string, flags: SizeFlags, cli: Cli): Promise<number> {
  const top = Number(flags.top);
  if (!Number.isInteger(top) || top < 1) cli.fail(`--top: not a positive integer: ${flags.top}`);
  const budget = number('--budget', flags.budget, cli);
  const maxGrowth = number('--max-growth', flags.maxGrowth, cli);
  if (maxGrowth !== null && !flags.vs) cli.fail('--max-growth needs --vs OLD');
  if (flags.format === 'html' && flags.vs) cli.fail('--format html shows one binary; use text, markdown or json with --vs');
  const r = await loadSize(binary, !!flags.functions || !!flags.vs || flags.format === 'html', cli);
  let text: string;
  let exceeded: string[] = [];
  const { diffSizes } = await import('../core/analyses/size/diff.js');
  const { renderDiff } = await import('../core/render/size-diff.js');
  const { renderSizeText } = await import('../core/render/size-text.js');
  const { renderSizeHtml } = await import('../core/render/size-html.js');
  const { sizeTree } = await import('../core/analyses/size/tree.js');
  if (flags.vs) {
    const d = diffSizes(await loadSize(flags.vs, true, cli), r);
    text = flags.format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d, flags.format === 'markdown' ? 'markdown' : 'text', top);
    if (maxGrowth !== null && d.deltaPercent > maxGrowth) exceeded.push(`grew ${d.deltaPercent.toFixed(2)}% (limit ${maxGrowth}%)`);
  } else {
    text =
      flags.format === 'json'
        ? `${JSON.stringify(r, null, 2)}\n`
        : flags.format === 'html'
          ? renderSizeHtml(r, sizeTree(r))
          : renderSizeText(r, { by: flags.by, top });
  }
  if (budget !== null && r.fileSize > budget) exceeded = [`${r.fileSize} bytes is over the budget of ${budget}`, ...exceeded];
  emit(text, flags.out);
  for (const x of exceeded) process.stderr.write(renderMessage(`${binary}: ${x}`));
  return exceeded.length ? EXIT_FINDINGS : EXIT_OK;
}
