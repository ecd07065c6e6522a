import { type Command, Option } from 'commander';
import { atLeast, SEVERITIES, type Severity } from '../core/checks/finding.js';
import { errorText, failureText } from '../node/errors.js';
import { VERSION } from '../node/version.js';
import { type Cli, EXIT_FINDINGS, EXIT_OK, emit, examples } from './command.js';

interface SeccompFlags {
  format?: string;
  runtime: string;
  profile?: string;
  failOn?: Severity;
  out?: string;
}

interface RecordFlags {
  pid?: string;
  duration?: string;
  binary?: string;
  format: 'text' | 'json' | 'oci';
  runtime: string;
  out?: string;
}

const RUNTIMES = ['runc', 'crun', 'none'];

/**
 * `goready seccomp BINARY`: the syscalls a Go binary can make (found in its machine code), as
 * text, JSON or an OCI profile; `--profile` checks a profile against them. `goready seccomp record`
 * counts what a process really calls, with bpftrace.
 */
export function register(program: Command, cli: Cli): void {
  const cmd = program
    .command('seccomp')
    .description(
      'The syscalls a Linux Go binary can make, found statically in its machine code (amd64, arm64, 386; stripped and PIE too), with the sites of each; an OCI/Docker seccomp profile that allows exactly those; or a check of a profile against them',
    )
    .argument('<binary>', 'a Linux Go binary')
    .addOption(new Option('-f, --format <format>', 'text, json, oci (a seccomp profile); with --profile: text, json, markdown, sarif').default(undefined))
    .addOption(new Option('--runtime <runtime>', 'add what the container runtime calls after loading the filter').choices(RUNTIMES).default('runc'))
    .option(
      '--profile <file>',
      'check this seccomp profile (JSON, or docker-default for the Docker default shipped with goready) against the binary: GR-SECCOMP-002/003',
    )
    .addOption(new Option('--fail-on <severity>', 'with --profile: exit 1 when a finding is at or above this severity (default high)').choices(SEVERITIES))
    .option('-o, --out <file>', 'write the output to FILE')
    .action(async (binary: string, flags: SeccompFlags) => {
      const profileMode = flags.profile !== undefined;
      const format = flags.format ?? 'text';
      const allowed = profileMode ? ['text', 'json', 'markdown', 'sarif'] : ['text', 'json', 'oci'];
      if (!allowed.includes(format)) cli.fail(`seccomp: --format ${format}: expected ${allowed.join(', ')}${profileMode ? ' with --profile' : ''}`);
      const { seccompFile, checkProfile } = await import('../node/seccomp/analyse.js');
      if (flags.profile !== undefined) {
        let findings: Awaited<ReturnType<typeof checkProfile>>;
        try {
          findings = await checkProfile(binary, flags.profile, flags.runtime);
        } catch (e) {
          cli.fail(failureText(binary, e));
        }
        const { renderFindings } = await import('../core/render/findings.js');
        emit(renderFindings(findings, format as 'text', { color: cli.color(flags.out), version: VERSION }), flags.out);
        const failOn = flags.failOn ?? 'high';
        cli.setExitCode(findings.some((f) => atLeast(f.severity, failOn)) ? EXIT_FINDINGS : EXIT_OK);
        return;
      }
      let report: Awaited<ReturnType<typeof seccompFile>>;
      try {
        report = await seccompFile(binary, { runtime: flags.runtime });
      } catch (e) {
        cli.fail(failureText(binary, e));
      }
      if (format === 'json') emit(`${JSON.stringify(report, null, 2)}\n`, flags.out);
      else if (format === 'oci') {
        const { ociProfile } = await import('../core/analyses/seccomp/profile.js');
        emit(`${JSON.stringify(ociProfile(report), null, 2)}\n`, flags.out);
      } else {
        const { renderSeccompText } = await import('../core/render/seccomp-text.js');
        emit(renderSeccompText(report), flags.out);
      }
      cli.setExitCode(EXIT_OK);
    });

  cmd
    .command('record')
    .description(
      'Count the syscalls a process and all its descendants really make (bpftrace, tracepoint:raw_syscalls:sys_enter; needs root and tracefs), until it exits, --duration passes or Ctrl-C; with --binary, compare with the static set',
    )
    .argument('[command...]', 'the command to start and record (after --)')
    .option('--pid <n>', 'record a running process instead')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option(
      '--binary <file>',
      'the Go binary being run: list what was observed but not found statically (a bug for the Go part) and what was found but not observed',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'oci']).default('text'))
    .addOption(
      new Option('--runtime <runtime>', 'with --format oci: add what the container runtime calls after loading the filter').choices(RUNTIMES).default('runc'),
    )
    .option('-o, --out <file>', 'write the output to FILE')
    .addHelpText(
      'after',
      examples([
        ['goready seccomp record --binary ./app -- ./app serve', 'what ./app really calls, against what it can call'],
        ['goready seccomp record --pid 4242 --duration 60 --format oci -o app.json', 'a profile from a minute of a running process'],
      ]),
    )
    .action(async (command: string[], own: RecordFlags) => {
      // goready's global --color/-q are read anywhere on the line, and commander then reads
      // seccomp's own --format/--out/--runtime (same names) after `record` as seccomp's: take them.
      const parent = cmd.opts() as SeccompFlags;
      const flags: RecordFlags = {
        ...own,
        format: (parent.format ?? own.format) as RecordFlags['format'],
        runtime: parent.runtime !== 'runc' ? parent.runtime : own.runtime,
        ...((parent.out ?? own.out) ? { out: parent.out ?? own.out } : {}),
      };
      if (!['text', 'json', 'oci'].includes(flags.format)) cli.fail(`seccomp record: --format ${flags.format}: expected text, json, oci`);
      if (!!flags.pid === command.length > 0) cli.fail('seccomp record: give either --pid N or -- CMD ARGS...');
      const pid = flags.pid ? Number(flags.pid) : undefined;
      if (pid !== undefined && !(Number.isInteger(pid) && pid > 0)) cli.fail(`seccomp record: --pid ${flags.pid}: expected a process ID`);
      const duration = flags.duration ? Number(flags.duration) : undefined;
      if (duration !== undefined && !(Number.isInteger(duration) && duration > 0))
        cli.fail(`seccomp record: --duration ${flags.duration}: expected whole seconds`);
      const rec = await import('../node/trace/record-syscalls.js');
      const why = rec.recordPreflight();
      if (why) cli.fail(why);
      const { seccompFile } = await import('../node/seccomp/analyse.js');
      let staticReport: Awaited<ReturnType<typeof seccompFile>> | null = null;
      try {
        if (flags.binary) staticReport = await seccompFile(flags.binary, { runtime: 'none' });
      } catch (e) {
        cli.fail(failureText(flags.binary as string, e));
      }
      // A 386 program on an amd64 kernel makes compat calls with 386 numbers, which the tracepoint
      // does not tell apart from native ones.
      if (staticReport && staticReport.arch !== rec.hostArch())
        cli.fail(
          `seccomp record --binary: ${flags.binary} is linux/${staticReport.arch} and this machine linux/${rec.hostArch()}: record names calls by this machine's numbers, so it compares binaries of that architecture only (use strace -f for the others)`,
        );
      let result: Awaited<ReturnType<typeof rec.recordSyscalls>>;
      // Time passing on a terminal while a running process is recorded; a started command shares
      // the terminal with goready, so its output is left alone.
      const shown = { end: () => {} };
      try {
        result = await rec.recordSyscalls({
          ...(pid !== undefined ? { pid } : { command }),
          ...(duration !== undefined ? { durationSec: duration } : {}),
          onAttached: (p) => {
            process.stderr.write(`goready: recording syscalls of pid ${p} and its descendants\n`);
            if (pid !== undefined) shown.end = cli.progress(`seccomp record pid ${p}`).end;
          },
        });
      } catch (e) {
        shown.end();
        cli.fail(errorText(e));
      }
      shown.end();
      const { compareRecording, recordingProfile } = await import('../core/analyses/seccomp/recording.js');
      const diff = staticReport ? compareRecording(staticReport, result) : null;
      if (flags.format === 'json') emit(`${JSON.stringify({ ...result, ...(diff ? { diff } : {}) }, null, 2)}\n`, flags.out);
      else if (flags.format === 'oci') emit(`${JSON.stringify(recordingProfile(result, flags.runtime), null, 2)}\n`, flags.out);
      else {
        const { renderRecordingText } = await import('../core/render/seccomp-text.js');
        emit(renderRecordingText(result, diff), flags.out);
      }
      // A syscall observed but not found statically is a finding (a miss in the static set, or C code).
      cli.setExitCode(diff?.missing.length ? EXIT_FINDINGS : EXIT_OK);
    });
}
