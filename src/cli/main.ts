#!/usr/bin/env node
import { createWriteStream, readFileSync, type WriteStream, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { defaultScanRoots, errorText, inspectPaths } from '../files.js';
import { isMalformed } from '../inspect.js';
import { FileSource } from '../io/file.js';
import type { LicensePolicy, LicensesReport } from '../license/licenses.js';
import type { InspectReport } from '../model.js';
import { renderInspectText } from '../report/inspect-text.js';
import type { SizeView } from '../report/size-text.js';
import type { SizeReport } from '../size/attribute.js';
import { registerCheck } from './check.js';
import { registerDiff } from './diff.js';
import { registerHost } from './host.js';

// Each command loads what it needs when it runs (await import), so start-up stays the cost of
// commander and the inspect core: SBOM, licence, image and snapshot code is not loaded for inspect.

/** Exit codes: 0 ok, 1 findings at or above --fail-on (later verbs), 2 bad input or usage. */
const EXIT_BAD_INPUT = 2;

function fail(msg: string): never {
  process.stderr.write(`goready: ${msg}\n`);
  process.exit(EXIT_BAD_INPUT);
}

interface InspectFlags {
  format: 'text' | 'json' | 'jsonl';
  functions?: boolean;
  files?: boolean;
  out?: string;
}

async function runInspect(paths: string[], flags: InspectFlags): Promise<number> {
  const roots = paths.length ? paths : defaultScanRoots();
  const out: NodeJS.WritableStream = flags.out ? createWriteStream(flags.out) : process.stdout;
  // Honour back-pressure so a large --functions report never piles up in memory.
  const write = (s: string) =>
    new Promise<void>((res, rej) => {
      if (out.write(s)) res();
      else {
        out.once('drain', res);
        out.once('error', rej);
      }
    });
  let bad = false;
  let first = true;
  if (flags.format === 'json') await write('[');
  for await (const item of inspectPaths(roots, { functions: !!flags.functions, files: !!flags.files })) {
    if (item.error) {
      process.stderr.write(`goready: ${item.error}\n`);
      bad = true;
      continue;
    }
    const r = item.report as InspectReport;
    if (isMalformed(r)) {
      const why = r.diagnosis.find((d) => /^(corrupt|truncated):/.test(d));
      process.stderr.write(`goready: ${r.path}: ${why}\n`);
      bad = true;
    }
    if (flags.format === 'json') {
      await write(`${first ? '\n' : ',\n'}${JSON.stringify(r)}`);
    } else if (flags.format === 'jsonl') {
      await write(`${JSON.stringify(r)}\n`);
    } else {
      await write(renderInspectText(r, { functions: flags.functions }));
    }
    first = false;
  }
  if (flags.format === 'json') await write(first ? ']\n' : '\n]\n');
  if (flags.out) await new Promise<void>((res) => (out as WriteStream).end(res));
  return bad ? EXIT_BAD_INPUT : 0;
}

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

/** A size report from a binary, or from a report saved with `size --format json`. */
async function loadSize(path: string, functions: boolean): Promise<SizeReport> {
  let src: FileSource;
  try {
    src = new FileSource(path);
  } catch (e) {
    fail(`${path}: ${errorText(e)}`);
  }
  try {
    const head = await src.read(0, 1);
    if (head[0] === 0x7b) {
      const r = JSON.parse(readFileSync(path, 'utf8')) as SizeReport;
      if (typeof r.fileSize !== 'number' || !Array.isArray(r.packages) || !Array.isArray(r.modules)) fail(`${path}: not a goready size report`);
      return r;
    }
    const { size } = await import('../size/size.js');
    return await size(src, { path, functions });
  } catch (e) {
    fail(`${path}: ${errorText(e)}`);
  } finally {
    src.close();
  }
}

function number(flag: string, v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`${flag}: not a non-negative number: ${v}`);
  return n;
}

async function runSize(binary: string, flags: SizeFlags): Promise<number> {
  const top = Number(flags.top);
  if (!Number.isInteger(top) || top < 1) fail(`--top: not a positive integer: ${flags.top}`);
  const budget = number('--budget', flags.budget);
  const maxGrowth = number('--max-growth', flags.maxGrowth);
  if (maxGrowth !== null && !flags.vs) fail('--max-growth needs --vs OLD');
  if (flags.format === 'html' && flags.vs) fail('--format html shows one binary; use text, markdown or json with --vs');
  const r = await loadSize(binary, !!flags.functions || !!flags.vs || flags.format === 'html');
  let text: string;
  let exceeded: string[] = [];
  const { diffSizes, renderDiff } = await import('../size/diff.js');
  const { renderSizeText } = await import('../report/size-text.js');
  const { renderSizeHtml } = await import('../report/size-html.js');
  if (flags.vs) {
    const d = diffSizes(await loadSize(flags.vs, true), r);
    text = flags.format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d, flags.format === 'markdown' ? 'markdown' : 'text', top);
    if (maxGrowth !== null && d.deltaPercent > maxGrowth) exceeded.push(`grew ${d.deltaPercent.toFixed(2)}% (limit ${maxGrowth}%)`);
  } else {
    text = flags.format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : flags.format === 'html' ? renderSizeHtml(r) : renderSizeText(r, { by: flags.by, top });
  }
  if (budget !== null && r.fileSize > budget) exceeded = [`${r.fileSize} bytes is over the budget of ${budget}`, ...exceeded];
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
  for (const x of exceeded) process.stderr.write(`goready: ${binary}: ${x}\n`);
  return exceeded.length ? 1 : 0;
}

interface LicenseFlags {
  format: 'text' | 'json' | 'markdown';
  source?: string;
  allow?: string;
  deny?: string;
  allowUnknown?: boolean;
  config?: string;
  host?: string;
  image?: string;
  out?: string;
}

/**
 * Runs `fn` with the root filesystem C libraries are looked up in: --image FILE (the image's files,
 * extracted to a temp dir for the call), else --host (local → '/', or a root directory), else none.
 */
async function withRoot<T>(flags: { host?: string; image?: string }, fn: (root: string | null) => Promise<T>): Promise<T> {
  if (flags.image && flags.host) throw new Error('--host and --image: give one of them');
  if (!flags.image) return fn(hostRoot(flags.host));
  const { openImage } = await import('../image/image.js');
  const image = await openImage(flags.image);
  try {
    return await fn(image.root);
  } finally {
    await image.close();
  }
}

/** --host local → '/', a directory → that root. */
function hostRoot(host: string | undefined): string | null {
  if (host === undefined) return null;
  return host === 'local' ? '/' : host;
}

async function runLicenses(target: string, flags: LicenseFlags): Promise<number> {
  const { licenses, readPolicy, renderLicenses } = await import('../license/licenses.js');
  let r: LicensesReport;
  try {
    const policy: LicensePolicy = flags.config ? readPolicy(flags.config) : {};
    if (flags.allow) policy.allow = flags.allow;
    if (flags.deny) policy.deny = flags.deny;
    if (flags.allowUnknown) policy.allowUnknown = true;
    r = await withRoot(flags, (root) => licenses(target, policy, flags.source ? { source: flags.source } : {}, root));
  } catch (e) {
    fail(errorText(e));
  }
  const text = flags.format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : renderLicenses(r, flags.format);
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
  return r.violations ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('goready')
    .description('What is in a Go binary, and will it run well where it is going.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  let code = 0;
  program
    .command('inspect')
    .description(
      'Report format, Go version, build info, pclntab, linkage and diagnosis for Go binaries (default: the Go binaries on $PATH and in ./node_modules)',
    )
    .argument('[paths...]', 'files or directories (walked recursively, like go version -m DIR)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'jsonl']).default('text'))
    .option('--functions', 'list every function recovered from the pclntab')
    .option('--files', "with --functions, add each function's source file")
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (paths: string[], flags: InspectFlags) => {
      code = await runInspect(paths, flags);
    });

  program
    .command('size')
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
      code = await runSize(binary, flags);
    });

  program
    .command('licenses')
    .description("Each module's licence, found offline (vendor/, --source, module cache) and classified against the SPDX list")
    .argument('<target>', 'a Go binary (modules from its build info) or a source tree (go.mod, vendor/modules.txt)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--source <dir>', 'a source tree to find the main module and local replacements in')
    .option('--allow <expr>', 'SPDX expression of what may ship, e.g. "MIT OR Apache-2.0 OR BSD-3-Clause"')
    .option('--deny <expr>', 'SPDX expression of what must not ship')
    .option('--allow-unknown', 'do not fail on modules whose licence was not found or not recognised')
    .option('--config <file>', 'policy file: {"allow": "...", "deny": "...", "allowUnknown": false}')
    .option('--host <host>', 'map linked C libraries to Debian packages and licences on this host ("local", or a directory holding a root filesystem)')
    .option('--image <file>', 'the same inside a container image (docker save or OCI layout tarball)')
    .option('-o, --out <file>', 'write the report to FILE')
    .action(async (target: string, flags: LicenseFlags) => {
      code = await runLicenses(target, flags);
    });

  program
    .command('sbom')
    .description('A CycloneDX 1.6 or SPDX 2.3 SBOM of a Go binary: modules with purls, hashes, replacements, licences, toolchain, build settings')
    .argument('<binary>', 'the Go binary')
    .addOption(new Option('-f, --format <format>', 'SBOM format').choices(['cyclonedx', 'spdx']).default('cyclonedx'))
    .option('--source <dir>', 'the source tree, for the main module and local replacements')
    .option('--no-licenses', 'do not look up licence files')
    .option('--host <host>', 'map linked C libraries to Debian packages and licences on this host ("local", or a root directory)')
    .option('--image <file>', 'the same inside a container image (docker save or OCI layout tarball)')
    .option('-o, --out <file>', 'write the SBOM to FILE')
    .action(
      async (binary: string, flags: { format: 'cyclonedx' | 'spdx'; source?: string; licenses: boolean; host?: string; image?: string; out?: string }) => {
        let text: string;
        try {
          const { sbom } = await import('../sbom/sbom.js');
          text = await withRoot(flags, (root) =>
            sbom(binary, {
              format: flags.format,
              licenses: flags.licenses,
              lookup: flags.source ? { source: flags.source } : {},
              hostRoot: root,
            }),
          );
        } catch (e) {
          const msg = errorText(e);
          fail(msg.startsWith(binary) ? msg : `${binary}: ${msg}`);
        }
        if (flags.out) writeFileSync(flags.out, text);
        else process.stdout.write(text);
      },
    );

  registerCheck(program, fail, (c) => {
    code = c;
  });

  registerDiff(program, fail);
  registerHost(program);

  try {
    await program.parseAsync(argv);
  } catch (e) {
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
  (e) => fail(errorText(e)),
);
