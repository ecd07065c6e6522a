/** A host snapshot file chosen in the page, checked against the published schema (compiled at build time). */
import type { HostSnapshot } from '../../../src/index.js';

/**
 * The compiled schema is two thirds of the page's code: it loads beside the page rather than before
 * it is drawn, and is in memory before a snapshot is chosen (so choosing one works offline too).
 */
const validator = import('virtual:snapshot-validator');
// A failed load is reported when a snapshot is checked, not as an unhandled rejection at start.
validator.catch(() => {});

/** The largest snapshot file the page reads: the server's limit too. */
const MAX_SNAPSHOT = 8 << 20;

export async function readSnapshotFile(file: File): Promise<HostSnapshot> {
  if (file.size > MAX_SNAPSHOT) throw new Error(`${file.name}: ${file.size} bytes; a host snapshot is at most 8 MiB`);
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch (e) {
    throw new Error(`${file.name}: not JSON: ${(e as Error).message}`);
  }
  return checkSnapshot(json, file.name);
}

async function checkSnapshot(json: unknown, name: string): Promise<HostSnapshot> {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('schemaVersion' in json)) {
    throw new Error(`${name}: not a goready host snapshot (no schemaVersion at the top level)`);
  }
  let validate: Awaited<typeof validator>['default'];
  try {
    validate = (await validator).default;
  } catch (e) {
    throw new Error(`${name}: the snapshot checker did not load (${(e as Error).message}); reload the page`);
  }
  if (!validate(json)) {
    const e = validate.errors?.[0];
    throw new Error(`${name}: not a valid goready host snapshot: ${e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'schema violation'}`);
  }
  return json as HostSnapshot;
}
