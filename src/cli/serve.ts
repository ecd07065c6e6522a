import type { Command } from 'commander';
import { errorText } from '../node/errors.js';
import { type Cli, examples } from './command.js';

interface ServeFlags {
  listen: string;
  db?: string;
  tokenFile?: string;
}

/**
 * `goready serve`: the web page (analysis in the browser) and the fleet — snapshots and reports
 * pushed over the JSON API, every binary × host pair checked — in PGlite or a Postgres server.
 */
export function register(program: Command, cli: Cli): void {
  program
    .command('serve')
    .description(
      'Serve the analysis page and the fleet: hosts push snapshots (goready host --push), binaries push reports (goready inspect --push); every binary × host pair is checked as goready check does',
    )
    .option('--listen <host:port>', 'address to listen on (loopback unless told otherwise)', '127.0.0.1:7070')
    .option('--db <dir|url>', 'a PGlite data directory (default ~/.local/share/goready/db) or a postgres:// URL')
    .option('--token-file <file>', 'the bearer token writes need; created (random, mode 600) and printed once when missing (default ~/.config/goready/token)')
    .addHelpText(
      'after',
      examples([
        ['goready serve', 'the page and the fleet on 127.0.0.1:7070, data in PGlite'],
        ['goready serve --listen 0.0.0.0:7070 --db postgres://goready@db/goready', 'for a fleet: every host pushes here, stored in Postgres'],
      ]),
    )
    .action(async (flags: ServeFlags) => {
      const { serve, defaultDbDir } = await import('../server/serve.js');
      const { defaultTokenFile } = await import('../node/fleet/token.js');
      const { VERSION } = await import('../node/version.js');
      const log = (line: string) => process.stdout.write(`goready serve: ${line}\n`);
      let server: Awaited<ReturnType<typeof serve>>;
      try {
        server = await serve({ listen: flags.listen, db: flags.db ?? defaultDbDir(), tokenFile: flags.tokenFile ?? defaultTokenFile(), version: VERSION, log });
      } catch (e) {
        cli.fail(errorText(e));
      }
      // Runs until a signal; the database is closed cleanly so PGlite's files are complete.
      await new Promise<void>((resolve) => {
        const stop = (sig: string) => {
          log(`${sig}: stopping`);
          server.close().then(resolve, (e: unknown) => {
            process.stderr.write(`goready serve: ${errorText(e)}\n`);
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
