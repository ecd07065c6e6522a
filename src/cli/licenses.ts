import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import type { LicensePolicy, LicensesReport } from '../core/analyses/license/report.js';
import { errorText } from '../node/errors.js';
import { addImageLimitOptions, type Cli, EXIT_FINDINGS, EXIT_OK, emit, examples, withRoot } from './command.js';

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

/** `goready licenses BINARY|DIR`: each module's licence, found offline, against a policy. */
export function register(program: Command, cli: Cli): void {
  const cmd = program
    .command('licenses')
    .addHelpText(
      'after',
      examples([
        ['goready licenses ./server', 'the licence of every module built in'],
        ["goready licenses ./server --deny 'GPL-3.0-only OR AGPL-3.0-only' --format markdown", 'exit 1 on a denied licence'],
      ]),
    )
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
    .option('-o, --out <file>', 'write the report to FILE');
  addImageLimitOptions(cmd).action(async (target: string, flags: LicenseFlags) => {
    const { licenses, readPolicy } = await import('../node/license/licenses.js');
    const { policyExpression } = await import('../node/license/spdx.js');
    const { renderLicenses } = await import('../core/render/licenses.js');
    let r: LicensesReport;
    const shown = cli.progress(`licenses ${target}`);
    try {
      const policy: LicensePolicy = flags.config ? readPolicy(flags.config) : {};
      if (flags.allow !== undefined) policy.allow = policyExpression(flags.allow, '--allow');
      if (flags.deny !== undefined) policy.deny = policyExpression(flags.deny, '--deny');
      if (flags.allowUnknown) policy.allowUnknown = true;
      const rootName = flags.image ? `the image ${basename(flags.image)}` : flags.host === 'local' ? 'this host' : flags.host ? `the root ${flags.host}` : null;
      r = await withRoot(flags, (root) => licenses(target, policy, flags.source ? { source: flags.source } : {}, root, rootName));
    } catch (e) {
      shown.end();
      cli.fail(errorText(e));
    }
    shown.end();
    emit(flags.format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : renderLicenses(r, flags.format), flags.out);
    cli.setExitCode(r.violations ? EXIT_FINDINGS : EXIT_OK);
  });
}
