/** The fleet schema's migrations (plain SQL files in migrations/, run by postgrator) on either back end. */
import { join } from 'node:path';
import Postgrator from 'postgrator';
import type { Db } from './db.js';

/** migrations/ sits beside dist/ and src/, two levels above this file in both. */
export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', '..', 'migrations');

/** Brings the schema to the newest migration; returns the versions applied now. */
export async function migrate(db: Db): Promise<number[]> {
  return db.migrating(async (run) => {
    const p = new Postgrator({
      migrationPattern: join(MIGRATIONS_DIR, '*.sql'),
      driver: 'pg',
      schemaTable: 'goready_schema_version',
      execQuery: (sql) => run(sql),
    });
    const applied = await p.migrate();
    return applied.map((m) => m.version);
  });
}
