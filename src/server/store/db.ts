/**
 * One database interface over the two back ends `goready serve` runs on: PGlite (Postgres compiled
 * to WebAssembly, in a directory, nothing to install) and a Postgres server by URL. Both run the
 * same SQL and the same migrations.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Queryable {
  /** One statement with $1… parameters; rows as objects. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data live, for the start-up line (a URL without its password). */
  readonly location: string;
  /** Runs `fn` in one transaction; rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one session that holds the migration lock (two servers starting on one database
   * migrate one after the other); `run` takes a script of several statements and returns the rows
   * of the last one, as the migration tool expects.
   */
  migrating<T>(fn: (run: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Advisory lock keys (any constant bigint; "gore" and "gowr" in ASCII). */
export const MIGRATION_LOCK = 0x676f7265;
export const WRITE_LOCK = 0x676f7772;

export const isPostgresUrl = (spec: string): boolean => /^postgres(ql)?:\/\//i.test(spec);

/** A Postgres URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not a URL after all: name no part of it.
    return 'postgres://…';
  }
}

/** Opens `postgres://…` as a Postgres server, anything else as a PGlite data directory. */
export async function openDb(spec: string): Promise<Db> {
  return isPostgresUrl(spec) ? openPostgres(spec) : openPglite(spec);
}

/**
 * PGlite is one process's database: two servers on one directory would corrupt it. A lock file
 * holding the owner's pid keeps the second out; a lock left by a process that is gone is taken over.
 */
function lockDir(dir: string): () => void {
  const file = join(dir, 'goready-serve.lock');
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${file}: ${(e as Error).message}`);
    const pid = Number(readFileSync(file, 'utf8').trim());
    let alive = false;
    try {
      alive = Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && process.kill(pid, 0);
    } catch (k) {
      alive = (k as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) throw new Error(`${dir}: in use by another goready serve (pid ${pid}, ${file})`);
    writeFileSync(file, `${process.pid}\n`);
  }
  return () => rmSync(file, { force: true });
}

async function openPglite(dir: string): Promise<Db> {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new Error(`${dir}: ${(e as Error).message}`);
  }
  const unlock = lockDir(dir);
  const { PGlite } = await import('@electric-sql/pglite');
  let pg: InstanceType<typeof PGlite>;
  try {
    pg = await PGlite.create(join(dir, 'pgdata'));
  } catch (e) {
    unlock();
    throw new Error(`${dir}: cannot open the database: ${(e as Error).message}`);
  }
  return {
    kind: 'pglite',
    location: dir,
    query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
    transaction: (fn) => pg.transaction((tx) => fn({ query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows })),
    // One process owns a PGlite directory: there is no second session to lock out.
    migrating: (fn) => fn(async (sql) => ({ rows: ((await pg.exec(sql)).at(-1)?.rows ?? []) as Record<string, unknown>[] })),
    close: async () => {
      await pg.close();
      unlock();
    },
  };
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import('pg');
  // Ten connections: writes serialise on one advisory lock anyway; reads run beside them.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client's network error must not crash the server; the next query reports it.
  pool.on('error', () => {});
  const client = await pool.connect().catch((e: Error) => {
    throw new Error(`${redactUrl(url)}: ${e.message}`);
  });
  client.release();
  return {
    kind: 'postgres',
    location: redactUrl(url),
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    transaction: async (fn) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const r = await fn({ query: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as T[] });
        await c.query('COMMIT');
        return r;
      } catch (e) {
        // The error that aborted the transaction is the one to report.
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    },
    migrating: async (fn) => {
      const c = await pool.connect();
      try {
        await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        return await fn(async (sql) => {
          // A script of several statements answers with one result per statement.
          const r = (await c.query(sql)) as unknown as { rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[];
          return Array.isArray(r) ? (r.at(-1) ?? { rows: [] }) : r;
        });
      } finally {
        // A lost connection drops its session lock anyway.
        await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        c.release();
      }
    },
    close: () => pool.end(),
  };
}
