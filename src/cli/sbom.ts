import { type Command, Option } from 'commander';
import { failureText } from '../node/errors.js';
import { addImageLimitOptions, type Cli, emit, examples, withRoot } from './command.js';

interface SbomFlags {
  format: 'cyclonedx' | 'spdx';
  source?: string;
  licenses: boolean;
  host?: string;
  image?: string;
  out?: string;
}

/** `goready sbom BINARY`: CycloneDX 1.6 or SPDX 2.3 JSON. */
export function register(program: Command, cli: Cli): void {
  const cmd = program
    .command('sbom')
    .addHelpText(
      'after',
      examples([
        ['goready sbom ./server -o server.cdx.json', 'CycloneDX SBOM of the modules'],
        ['goready sbom ./server --format spdx --image app.tar', 'SPDX, C libraries looked up in the image'],
      ]),
    )
    .description('A CycloneDX 1.6 or SPDX 2.3 SBOM of a Go binary: modules with purls, hashes, replacements, licences, toolchain, build settings')
    .argument('<binary>', 'the Go binary')
    .addOption(new Option('-f, --format <format>', 'SBOM format').choices(['cyclonedx', 'spdx']).default('cyclonedx'))
    .option('--source <dir>', 'the source tree, for the main module and local replacements')
    .option('--no-licenses', 'do not look up licence files')
    .option('--host <host>', 'map linked C libraries to Debian packages and licences on this host ("local", or a root directory)')
    .option('--image <file>', 'the same inside a container image (docker save or OCI layout tarball)')
    .option('-o, --out <file>', 'write the SBOM to FILE');
  addImageLimitOptions(cmd).action(async (binary: string, flags: SbomFlags) => {
    let text: string;
    const shown = cli.progress(`sbom ${binary}`);
    try {
      const { sbom } = await import('../node/sbom.js');
      text = await withRoot(flags, (root) =>
        sbom(binary, {
          format: flags.format,
          licenses: flags.licenses,
          lookup: flags.source ? { source: flags.source } : {},
          hostRoot: root,
        }),
      );
    } catch (e) {
      shown.end();
      cli.fail(failureText(binary, e));
    }
    shown.end();
    emit(text, flags.out);
  });
}
