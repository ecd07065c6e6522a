/** Starts the fleet server: token, database and migrations, stale pairs re-evaluated, HTTP on the listen address. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { serverToken } from '../node/fleet/token.js';
import { buildApp } from './app.js';
import { createMetrics } from './metrics.js';
import { openDb } from './store/db.js';
import { Fleet } from './store/fleet.js';
import { migrate } from './store/migrate.js';

export interface ServeOptions {
  /** host:port; port 0 picks a free one. */
  listen: string;
  /** A PGlite directory, or a postgres:// URL. */
  db: string;
  tokenFile: string;
  version: string;
  /** The built page; default dist/web beside this module. */
  webDir?: string;
  /** Start-up lines (the URL, the token when it was just created). */
  log?: (line: string) => void;
}

export interface Server {
  url: string;
  close(): Promise<void>;
}

/** `$XDG_DATA_HOME/goready/db` (~/.local/share/goready/db). */
export function defaultDbDir(): string {
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'goready', 'db');
}

/** dist/web beside dist/server; from the sources (tests), the built one. */
function defaultWebDir(): string {
  const beside = join(import.meta.dirname, '..', 'web');
  return existsSync(join(beside, 'index.html')) ? beside : join(import.meta.dirname, '..', '..', 'dist', 'web');
}

/** `127.0.0.1:7070`, `[::1]:7070`, `:7070` (loopback), `0.0.0.0:7070`. */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new Error(`--listen ${s}: expected HOST:PORT, e.g. 127.0.0.1:7070`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

const isLoopback = (addr: string): boolean => /^127\./.test(addr) || addr === '::1' || addr === '::ffff:127.0.0.1';

export async function serve(o: ServeOptions): Promise<Server> {
  const log = o.log ?? (() => {});
  const { host, port } = parseListen(o.listen);
  const { token, created } = serverToken(o.tokenFile);
  if (created) log(`created ${o.tokenFile} (mode 600); pushes need this token, shown once: ${token}`);
  const db = await openDb(o.db);
  try {
    const applied = await migrate(db);
    if (applied.length) log(`database ${db.location}: migrations ${applied.join(', ')} applied`);
    const fleet = new Fleet(db, o.version);
    const filled = await fleet.fillHostFacts();
    if (filled) log(`host facts of ${filled} snapshots stored before migration 2 filled`);
    const again = await fleet.reevaluateStale();
    if (again) log(`re-evaluated ${again} binary × host pairs with goready ${o.version}`);
    const app = await buildApp({
      fleet,
      metrics: createMetrics(),
      token,
      version: o.version,
      webDir: o.webDir ?? defaultWebDir(),
    });
    await app.listen({ host, port });
    const addr = app.server.address();
    const bound = addr && typeof addr === 'object' ? addr : { address: host, port };
    const url = `http://${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}`;
    log(`listening on ${url} (database ${db.kind === 'pglite' ? `PGlite in ${db.location}` : db.location})`);
    if (!isLoopback(bound.address)) log(`${bound.address} is not a loopback address: reads need no token, so whoever reaches this port sees the fleet`);
    return {
      url,
      close: async () => {
        await app.close();
        await db.close();
      },
    };
  } catch (e) {
    // The start-up error is the one to report; a failing close adds nothing to it.
    await db.close().catch(() => {});
    throw e;
  }
}
