#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { renderMessage } from '../core/render/escape.js';
import { errorText } from '../node/errors.js';
import { VERSION } from '../node/version.js';
import * as atomics from './atomics.js';
import * as check from './check.js';
import { type Cli, EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, isBrokenPipe, type Register } from './command.js';
import * as completion from './completion.js';
import * as diff from './diff.js';
import * as host from './host.js';
import * as inspect from './inspect.js';
import * as licenses from './licenses.js';
import * as lint from './lint.js';
import { progress } from './progress.js';
import * as rules from './rules.js';
import * as sbom from './sbom.js';
import * as seccomp from './seccomp.js';
import * as serve from './serve.js';
import * as size from './size.js';
import * as targets from './targets.js';
import * as trace from './trace.js';

// Each command loads what it needs when it runs (await import), so start-up stays the cost of
// commander and these command files (scripts/bundle-cli.mjs bundles them; test/cli.test.ts checks).
const COMMANDS: Register[] = [
  inspect.register,
  size.register,
  licenses.register,
  sbom.register,
  check.register,
  diff.register,
  host.register,
  rules.register,
  lint.register,
  atomics.register,
  trace.register,
  serve.register,
  seccomp.register,
  targets.register,
  completion.register,
];

// `goready … | head`: once the reader has gone, stop quietly, as a Unix tool ended by SIGPIPE does.
process.stdout.on('error', (e) => {
  if (isBrokenPipe(e)) process.exit(EXIT_BROKEN_PIPE);
  fail(`standard output: ${errorText(e)}`);
});

function fail(msg: string): never {
  process.stderr.write(renderMessage(msg));
  process.exit(EXIT_BAD_INPUT);
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('goready')
    .description('What is in a Go binary, and will it run well where it is going.')
    .version(VERSION)
    .addOption(new Option('--color <when>', 'colour in text reports (NO_COLOR=1 turns auto off)').choices(['auto', 'always', 'never']).default('auto'))
    .option('-q, --quiet', 'no progress or notes on stderr; errors still print')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  let code = 0;
  const cli: Cli = {
    fail,
    setExitCode: (c) => {
      code = c;
    },
    color: (out) => {
      const when = program.opts().color as string;
      if (when !== 'auto') return when === 'always';
      return !process.env.NO_COLOR && !out && !!process.stdout.isTTY;
    },
    quiet: () => !!program.opts().quiet,
    progress: (label) => progress(label, !program.opts().quiet && !!process.stderr.isTTY),
  };
  for (const register of COMMANDS) register(program, cli);

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (isBrokenPipe(e)) process.exit(EXIT_BROKEN_PIPE);
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every usage error exits 2.
      return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    fail(errorText(e));
  }
  return code;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => (isBrokenPipe(e) ? process.exit(EXIT_BROKEN_PIPE) : fail(errorText(e))),
);
