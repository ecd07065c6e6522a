import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { atLeast, type Finding, SEVERITIES, type Severity } from '../core/checks/finding.js';
import { runChecks } from '../core/checks/registry.js';
import { assertRuleIds } from '../core/checks/rules.js';
import { InputError } from '../core/errors.js';
import type { HostSnapshot } from '../core/facts/host.js';
import type { Target } from '../core/facts/target.js';
import { type FindingsFormat, renderFindings } from '../core/render/findings.js';
import { binaryFacts } from '../node/binary-facts.js';
import { errorText, failureText } from '../node/errors.js';
import { VERSION } from '../node/version.js';
import { type Cli, collect, EXIT_FINDINGS, EXIT_OK, emit } from './command.js';

type Format = FindingsFormat;

interface CheckFlags {
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
  out?: string;
}

/** `.goready.json` (or --config FILE): defaults for check, overridden by flags. */
export interface CheckConfig {
  skip?: string[];
  failOn?: Severity;
  format?: Format;
  host?: string | string[];
  env?: Record<string, string>;
}

const CONFIG_KEYS = new Set(['skip', 'failOn', 'format', 'host', 'env']);

export function readConfig(file: string): CheckConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(file, e instanceof SyntaxError ? `not JSON: ${e.message}` : errorText(e));
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new InputError(file, `the config must be a JSON object`);
  const c = json as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!CONFIG_KEYS.has(k)) throw new InputError(file, `unknown key "${k}" (known: ${[...CONFIG_KEYS].join(', ')})`);
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (c.skip !== undefined && !strings(c.skip)) throw new InputError(file, `"skip" must be an array of finding IDs`);
  if (c.skip !== undefined) assertRuleIds(c.skip as string[], `${file}: "skip"`);
  if (c.failOn !== undefined && !SEVERITIES.includes(c.failOn as Severity)) throw new InputError(file, `"failOn" must be one of ${SEVERITIES.join(', ')}`);
  if (c.format !== undefined && !['text', 'json', 'markdown', 'sarif'].includes(c.format as string))
    throw new InputError(file, `"format" must be text, json, markdown or sarif`);
  if (c.host !== undefined && typeof c.host !== 'string' && !strings(c.host)) throw new InputError(file, `"host" must be a string or an array of strings`);
  if (c.env !== undefined && (!c.env || typeof c.env !== 'object' || Object.values(c.env).some((v) => typeof v !== 'string'))) {
    throw new InputError(file, `"env" must be an object of strings`);
  }
  return c as CheckConfig;
}

/** local, a snapshot file, or ssh://[user@]host[:port]; errors name the host. */
async function snapshotOf(spec: string, unit: string | null, sshOptions: string[]): Promise<HostSnapshot> {
  if (spec === 'local') return (await import('../node/host/collect.js')).collect({ unit });
  if (spec.startsWith('ssh://')) return (await import('../node/host/ssh.js')).sshSnapshot(spec, { unit, sshOptions });
  return (await import('../node/host/snapshot-file.js')).readSnapshot(spec);
}

/** The image's filesystem facts over the host's run-time facts. */
function overlay(host: HostSnapshot | null, image: HostSnapshot): HostSnapshot {
  if (!host) return image;
  return { ...host, distro: image.distro, libc: image.libc, libraries: image.libraries, image: image.image };
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
  program
    .command('check')
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
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (binaries: string[], flags: CheckFlags) => {
      let config: CheckConfig = {};
      const configFile = flags.config ?? (existsSync('.goready.json') ? '.goready.json' : null);
      try {
        if (configFile) config = readConfig(configFile);
      } catch (e) {
        cli.fail(errorText(e));
      }
      const format: Format = flags.format ?? config.format ?? 'text';
      const failOn = flags.failOn ?? config.failOn;
      const skipped = (flags.skip ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      try {
        assertRuleIds(skipped, '--skip');
      } catch (e) {
        cli.fail(errorText(e));
      }
      const skip = new Set([...(config.skip ?? []), ...skipped]);
      if (!binaries.length && !flags.image) cli.fail('check: give a binary, or --image FILE to check the Go binaries in an image');
      const hostSpecs = flags.host ?? (config.host === undefined ? [] : [config.host].flat());
      if (hostSpecs.length > 2) cli.fail('--host: at most two snapshots (an earlier and a later one of the same host)');

      let env: Record<string, string>;
      try {
        env = { ...(config.env ?? {}), ...parseEnv(flags.env ?? []) };
      } catch (e) {
        cli.fail(errorText(e));
      }

      const { openImage } = flags.image ? await import('../node/image/open.js') : { openImage: null };
      const image =
        flags.image && openImage
          ? await openImage(flags.image, flags.platform ? { platform: flags.platform } : {}).catch((e: unknown) => cli.fail(errorText(e)))
          : null;
      try {
        // Without --host, an image is checked on its own; a binary against this machine.
        const specs = hostSpecs.length ? hostSpecs : image ? [] : ['local'];
        const snaps: HostSnapshot[] = [];
        for (const s of specs) {
          try {
            snaps.push(await snapshotOf(s, flags.unit ?? null, flags.sshOption ?? []));
          } catch (e) {
            throw new Error(failureText(s, e));
          }
        }
        const later = snaps.at(-1) ?? null;
        const before = snaps.length === 2 ? (snaps[0] as HostSnapshot) : null;
        const imageEnv: Record<string, string> = {};
        for (const kv of image?.snapshot.image?.env ?? []) {
          const eq = kv.indexOf('=');
          if (eq > 0) imageEnv[kv.slice(0, eq)] = kv.slice(eq + 1);
        }
        // Evidence lines start with the target's name: a snapshot by its file name, an image by its tarball's.
        const short = (s: string) => (s === 'local' || s.startsWith('ssh://') ? s : basename(s));
        const imageName = flags.image ? `image ${basename(flags.image)}` : null;
        const hostName = specs.length ? short(specs.at(-1) as string) : null;
        const target: Target | null =
          later || image
            ? {
                name: [hostName, imageName].filter(Boolean).join(' + '),
                host: image ? overlay(later, image.snapshot) : (later as HostSnapshot),
                before,
                env: { ...imageEnv, ...env },
              }
            : null;

        const files: { file: string; shownAs: string }[] = binaries.length
          ? binaries.map((b) => ({ file: b, shownAs: b }))
          : (image?.goBinaries ?? []).map((g) => ({ file: g.file, shownAs: `${flags.image}:${g.path}` }));
        const findings: Finding[] = [];
        for (const { file, shownAs } of files) {
          let facts: Awaited<ReturnType<typeof binaryFacts>>;
          try {
            facts = await binaryFacts(file, shownAs);
          } catch (e) {
            throw new Error(`${shownAs}: ${errorText(e)}`);
          }
          for (const { report, code } of facts) findings.push(...runChecks({ binary: report, code, target }, skip));
        }
        emit(renderFindings(findings, format, { color: !flags.out && !!process.stdout.isTTY, version: VERSION }), flags.out);
        cli.setExitCode(failOn && findings.some((f) => atLeast(f.severity, failOn)) ? EXIT_FINDINGS : EXIT_OK);
      } catch (e) {
        await image?.close();
        cli.fail(errorText(e));
      }
      await image?.close();
    });
}
