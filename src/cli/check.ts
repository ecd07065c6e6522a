import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { atLeast, type Finding, SEVERITIES, type Severity } from '../core/checks/finding.js';
import type { FindingsFormat } from '../core/render/findings.js';
import type { CheckConfig } from '../node/config.js';
import { errorText } from '../node/errors.js';
import { VERSION } from '../node/version.js';
import {
  addImageLimitOptions,
  type Cli,
  collect,
  EXIT_FINDINGS,
  EXIT_OK,
  emit,
  examples,
  type ImageLimitFlags,
  imageLimits,
  printImageNotes,
} from './command.js';

type Format = FindingsFormat;

interface CheckFlags extends ImageLimitFlags {
  format?: Format;
  host?: string[];
  image?: string;
  platform?: string;
  env?: string[];
  unit?: string;
  sshOption?: string[];
  skip?: string;
  failOn?: Severity;
  config?: string;
  seccompProfile?: string;
  out?: string;
}

function parseEnv(list: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--env ${kv}: expected KEY=VALUE`);
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return env;
}

/**
 * `goready check [BINARY...] [--host local|FILE.json|ssh://user@host] [--image FILE]`: findings for
 * each binary against the target. With --image and no binary, every Go binary in the image.
 */
export function register(program: Command, cli: Cli): void {
  const cmd = program
    .command('check')
    .addHelpText(
      'after',
      examples([
        ['goready check ./server --host local', 'against this machine'],
        ['goready check --image app.tar --fail-on high --format sarif -o goready.sarif', 'every Go binary in an image, for CI'],
      ]),
    )
    .description(
      'Will this Go binary start and run well there? Findings (ID, severity, evidence, fix) for the binary against a host snapshot or a container image: libc symbol versions, loader and libraries, CPU level, kernel, cgroup CPU/memory vs GOMAXPROCS/GOMEMLIMIT, listen backlog, limits, clocksource, THP',
    )
    .argument('[binary...]', 'Go binaries (with --image and none given: every Go binary in the image)')
    .option(
      '--host <target>',
      'local (default), a snapshot file from goready host, or ssh://[user@]host[:port]; give two snapshots of one host (older first) for counter deltas',
      collect,
    )
    .option('--image <file>', 'a docker save or OCI layout tarball: its filesystem (libc, loader, libraries) and config (Env) are the target')
    .option('--platform <os/arch>', 'with --image: which platform of a multi-platform image')
    .option('--env <KEY=VALUE>', 'a variable the binary runs with (GOMAXPROCS, GOMEMLIMIT …); repeatable', collect)
    .option('--unit <name>', 'with --host local or ssh: add the systemd unit limits (LimitNOFILE, TasksMax, MemoryMax, CPUQuota)')
    .option('--ssh-option <KEY=VALUE>', 'with --host ssh://…: passed to ssh as -o KEY=VALUE; repeatable', collect)
    .addOption(new Option('-f, --format <format>', 'output format (default text)').choices(['text', 'json', 'markdown', 'sarif']))
    .option('--skip <ids>', 'comma-separated finding IDs to leave out')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES))
    .option(
      '--config <file>',
      'defaults as JSON: {"skip": [...], "failOn": "high", "format": "sarif", "host": "prod.json", "env": {"GOMEMLIMIT": "900MiB"}} (default: ./.goready.json when present)',
    )
    .option(
      '--seccomp-profile <file>',
      'also judge a seccomp profile (JSON, or docker-default) against the syscalls each binary can make (GR-SECCOMP-002/003; Linux amd64/arm64 binaries)',
    )
    .option('-o, --out <file>', 'write the report to FILE');
  addImageLimitOptions(cmd).action(async (binaries: string[], flags: CheckFlags) => {
    let config: CheckConfig = {};
    const { readConfig, SEARCHED_CONFIG } = await import('../node/config.js');
    const configFile = flags.config ?? (existsSync(SEARCHED_CONFIG) ? SEARCHED_CONFIG : null);
    try {
      if (configFile) config = readConfig(configFile, { searched: flags.config === undefined });
    } catch (e) {
      cli.fail(errorText(e));
    }
    const format: Format = flags.format ?? config.format ?? 'text';
    const failOn = flags.failOn ?? config.failOn;
    const skipped = (flags.skip ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const { assertRuleIds } = await import('../core/checks/rules.js');
    try {
      assertRuleIds(skipped, '--skip');
    } catch (e) {
      cli.fail(errorText(e));
    }
    const skip = new Set([...(config.skip ?? []), ...skipped]);
    if (!binaries.length && !flags.image) cli.fail('check: give a binary, or --image FILE to check the Go binaries in an image');
    const hostSpecs = flags.host ?? (config.host === undefined ? [] : [config.host].flat());
    if (flags.unit !== undefined) {
      // A unit's limits are read from a live host; a snapshot holds the unit it was taken with.
      const live = (s: string) => s === 'local' || s.startsWith('ssh://');
      const file = hostSpecs.find((s) => !live(s));
      if (file !== undefined)
        cli.fail(`--unit reads a unit from a live host (--host local or ssh://…); ${file} is a snapshot: take it with goready host --unit ${flags.unit}`);
      if (!hostSpecs.length && flags.image) cli.fail('--unit reads a unit from a live host: add --host local or ssh://… to --image');
    }

    let env: Record<string, string>;
    let limits: ReturnType<typeof imageLimits>;
    try {
      env = { ...(config.env ?? {}), ...parseEnv(flags.env ?? []) };
      limits = imageLimits(flags);
    } catch (e) {
      cli.fail(errorText(e));
    }

    const { checkFiles } = await import('../node/check.js');
    let findings: Finding[];
    const shown = cli.progress(flags.image ? `check ${flags.image}` : 'check');
    try {
      findings = await checkFiles({
        binaries,
        hosts: hostSpecs,
        image: flags.image,
        platform: flags.platform,
        env,
        unit: flags.unit,
        sshOptions: flags.sshOption,
        skip,
        limits,
        seccompProfile: flags.seccompProfile,
        onImageNotes: (notes) => printImageNotes(flags.image as string, notes),
      });
    } catch (e) {
      shown.end();
      cli.fail(errorText(e));
    }
    shown.end();
    const { renderFindings } = await import('../core/render/findings.js');
    emit(renderFindings(findings, format, { color: cli.color(flags.out), version: VERSION, ...(flags.image ? { image: flags.image } : {}) }), flags.out);
    cli.setExitCode(failOn && findings.some((f) => atLeast(f.severity, failOn)) ? EXIT_FINDINGS : EXIT_OK);
  });
}
