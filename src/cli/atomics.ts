import { type Command, Option } from 'commander';
import type { AtomicsResult } from '../core/analyses/atomics.js';
import type { AtomicsJudge } from '../core/analyses/atomics-verdict.js';
import { atLeast, SEVERITIES, type Severity } from '../core/checks/finding.js';
import { failureText } from '../node/errors.js';
import { type Cli, EXIT_FINDINGS, EXIT_OK, emit, examples } from './command.js';

interface AtomicsFlags {
  host?: string;
  cpu?: string;
  by: 'function' | 'package';
  top: string;
  format: 'text' | 'json';
  failOn?: Severity;
  out?: string;
}

/** `goready atomics BINARY…`: the atomic instructions a Go binary really uses, and whether a CPU runs them well. */
export function register(program: Command, cli: Cli): void {
  program
    .command('atomics')
    .addHelpText(
      'after',
      examples([
        ['goready atomics ./server --cpu graviton2', 'which atomics it uses, judged on a Graviton 2'],
        ['goready atomics ./server --by package --format json', 'counts by package'],
      ]),
    )
    .description(
      'Which atomic instructions a Go binary uses (arm64: LSE vs LL/SC, guarded or not; amd64/386: LOCK, XCHG, MFENCE; arm: LDREX/STREX) and the verdict for a CPU',
    )
    .argument('<binary...>', 'Go binaries')
    .option('--host <target>', 'judge against a host: local, a snapshot file from goready host, or ssh://[user@]host[:port]')
    .option('--cpu <name>', 'judge against a CPU from the table (cortex-a53, neoverse-n1, graviton2, apple-m1, raspberry-pi-4 …; goready atomics --cpu list)')
    .addOption(new Option('--by <what>', 'group the listing').choices(['function', 'package']).default('function'))
    .option('--top <n>', 'text: how many functions or packages to list', '20')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when the verdict has a finding at least this severe').choices(SEVERITIES))
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (binaries: string[], flags: AtomicsFlags) => {
      // Only what this run needs: the CPU table and the verdict's rules with a target, the text renderer for text.
      const { CPUS, cpuModel } = flags.cpu ? await import('../core/linux/cpus.js') : { CPUS: [], cpuModel: () => null };
      if (flags.cpu === 'list') {
        emit(
          CPUS.map((c) => `${c.name}\t${c.core}\t${c.isa}\tLSE ${c.lse ? 'yes' : 'no'}\t${c.cores} cores\t${c.cacheLine}-byte lines\t${c.source}`).join('\n') +
            '\n',
          flags.out,
        );
        return;
      }
      if (flags.cpu && flags.host) cli.fail('--cpu and --host: give one of them');
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 1) cli.fail(`--top ${flags.top}: expected a positive integer`);
      const model = flags.cpu ? cpuModel(flags.cpu) : null;
      if (flags.cpu && !model) cli.fail(`--cpu ${flags.cpu}: unknown CPU (known: ${CPUS.map((c) => c.name).join(', ')})`);
      let judge: AtomicsJudge | null = null;
      if (flags.host) {
        const host =
          flags.host === 'local'
            ? await (await import('../node/host/collect.js')).collect({ unit: null })
            : flags.host.startsWith('ssh://')
              ? await (await import('../node/host/ssh.js')).sshSnapshot(flags.host, { unit: null, sshOptions: [] })
              : (await import('../node/host/snapshot-file.js')).readSnapshot(flags.host);
        if (host.cpu.arch !== 'arm64' || host.cpu.atomics === null)
          cli.fail(`--host ${flags.host}: not an arm64 host (${host.cpu.arch ?? 'arch unknown'}); no LSE verdict to give`);
        judge = {
          name: flags.host,
          lse: host.cpu.atomics,
          cores: host.cpu.onlineCount,
          model: host.cpu.modelName,
          evidence: '/proc/cpuinfo Features',
          cpu: null,
        };
      }
      const [{ atomicsOfFile }, { atomicsResult }, verdicts] = await Promise.all([
        import('../node/code/atomics.js'),
        import('../core/analyses/atomics.js'),
        model || judge ? import('../core/analyses/atomics-verdict.js') : null,
      ]);
      if (model && verdicts) judge = verdicts.cpuJudge(model);
      const results: AtomicsResult[] = [];
      for (const file of binaries) {
        let reports: Awaited<ReturnType<typeof atomicsOfFile>>;
        try {
          reports = await atomicsOfFile(file);
        } catch (e) {
          cli.fail(failureText(file, e));
        }
        for (const r of reports) results.push(atomicsResult(r, judge && verdicts ? verdicts.atomicsVerdict(r, judge) : null, flags.by === 'package'));
      }
      if (flags.format === 'json') emit(`${JSON.stringify(results, null, 2)}\n`, flags.out);
      else {
        const { renderAtomicsText } = await import('../core/render/atomics.js');
        emit(results.map((r) => renderAtomicsText(r, { by: flags.by, top })).join('\n'), flags.out);
      }
      const failOn = flags.failOn;
      cli.setExitCode(failOn && results.some((r) => r.verdict?.findings.some((f) => atLeast(f.severity, failOn))) ? EXIT_FINDINGS : EXIT_OK);
    });
}
