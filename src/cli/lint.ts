import { type Command, Option } from 'commander';
import { atLeast, SEVERITIES, type Severity } from '../core/checks/finding.js';
import { renderMessage } from '../core/render/escape.js';
import { type Cli, EXIT_FINDINGS, EXIT_OK, emit, examples } from './command.js';

interface LintFlags {
  format: 'text' | 'json' | 'sarif';
  goarch?: string;
  failOn?: Severity;
  tests?: boolean;
  skip?: string;
  out?: string;
}

const GOARCH32 = ['386', 'arm', 'mips', 'mipsle'];

/** `goready lint [DIR|FILE.go…]`: concurrency rules on Go source, parsed with tree-sitter. */
export function register(program: Command, cli: Cli): void {
  program
    .command('lint')
    .addHelpText(
      'after',
      examples([
        ['goready lint ./cmd ./internal', 'Go sources: 64-bit atomics alignment on 32-bit GOARCHes'],
        ['goready lint --goarch arm,386 --format sarif -o lint.sarif .', 'for CI'],
      ]),
    )
    .description('Find atomic-access bugs in Go source: misaligned 64-bit atomics on 32-bit platforms, mixed atomic and plain access, false sharing')
    .argument('[paths...]', 'directories (walked like ./...) or .go files', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--goarch <list>', `32-bit GOARCHes to check 64-bit alignment for (comma-separated; default ${GOARCH32.join(',')})`)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(SEVERITIES))
    .option('--tests', 'also report plain accesses in _test.go files')
    .option('--skip <ids>', 'comma-separated finding IDs to leave out')
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (paths: string[], flags: LintFlags) => {
      const goarches = flags.goarch?.split(',').map((s) => s.trim()) ?? GOARCH32;
      const unknown = goarches.filter((a) => !GOARCH32.includes(a));
      if (unknown.length) cli.fail(`--goarch ${unknown.join(',')}: only 32-bit GOARCHes can misalign 64-bit atomics (${GOARCH32.join(', ')})`);
      const [{ lintFacts }, { atomicFindings, LINT_RULES }, { assertRuleIds }, render, { VERSION }] = await Promise.all([
        import('../node/source/lint.js'),
        import('../core/checks/atomic.js'),
        import('../core/checks/rules.js'),
        import('../core/render/lint.js'),
        import('../node/version.js'),
      ]);
      const skip = new Set(flags.skip?.split(',').map((s) => s.trim()) ?? []);
      assertRuleIds(skip, '--skip');
      const facts = await lintFacts(paths);
      if (!cli.quiet()) for (const s of facts.skipped) process.stderr.write(renderMessage(`${s.file}: skipped: ${s.reason}`));
      const findings = atomicFindings(facts, { goarches, tests: !!flags.tests }, skip);
      const text =
        flags.format === 'json'
          ? render.renderLintJson(findings)
          : flags.format === 'sarif'
            ? render.renderLintSarif(findings, LINT_RULES, VERSION)
            : render.renderLintText(findings, facts);
      emit(text, flags.out);
      const failOn = flags.failOn;
      cli.setExitCode(failOn && findings.some((f) => atLeast(f.severity, failOn)) ? EXIT_FINDINGS : EXIT_OK);
    });
}
