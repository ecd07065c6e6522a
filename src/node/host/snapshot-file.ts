/** Host snapshot files: read, parse and validate against the published JSON Schema (Node: reads the schema file). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { InputError } from '../../core/errors.js';
import { type HostSnapshot, SCHEMA_VERSION } from '../../core/facts/host.js';
import { upgradeSnapshot } from '../../core/facts/host-upgrade.js';
import { type ReadCap, readJsonFile } from '../files/read.js';

export const SCHEMA_PATH = join(import.meta.dirname, '..', '..', '..', 'schema', 'host-snapshot.schema.json');

let validator: { ajv: Ajv2020; validate: ValidateFunction } | null = null;

function compiled(): { ajv: Ajv2020; validate: ValidateFunction } {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
  // RFC 3339 date-time with an explicit offset (no ajv-formats needed for the one format used).
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
  validator = { ajv, validate: ajv.compile(schema) };
  return validator;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
      : e.keyword === 'enum'
        ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
        : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

/**
 * A value from the file, shown in a message: a number or a short string as JSON, anything else by
 * its kind (an array nested 20,000 deep overflows the stack of JSON.stringify; a long string is noise).
 */
function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : `${JSON.stringify(v.slice(0, 40))}…`;
  return Array.isArray(v) ? '[…]' : typeof v === 'object' ? '{…}' : typeof v;
}

/**
 * Checks parsed JSON against the published schema and returns it typed, in the current shape (an
 * older snapshot of the same schema version is upgraded: upgradeSnapshot). A foreign document,
 * another schema version or a schema violation throws one line naming `file` and the first problem.
 */
export function validateSnapshot(json: unknown, file = '<snapshot>'): HostSnapshot {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('schemaVersion' in json)) {
    throw new InputError(file, 'not a goready host snapshot (no schemaVersion at the top level)');
  }
  const v = (json as { schemaVersion: unknown }).schemaVersion;
  if (v !== SCHEMA_VERSION) {
    throw new InputError(file, `host snapshot schemaVersion ${shown(v)} is not supported (this goready reads schemaVersion ${SCHEMA_VERSION})`);
  }
  const { validate } = compiled();
  if (!validate(json)) {
    const first = validate.errors?.[0];
    throw new InputError(file, `not a valid goready host snapshot: ${first ? describe(first) : 'schema violation'}`);
  }
  return upgradeSnapshot(json as Parameters<typeof upgradeSnapshot>[0]);
}

/**
 * A snapshot is read whole and parsed: at most this large. The largest real snapshot seen is 7.5 MB
 * (a host with 100,000 libraries); /dev/zero or a crafted file must not take the heap.
 */
export const SNAPSHOT_CAP: ReadCap = { bytes: 64 << 20, what: 'host snapshots' };

/** Reads and validates a snapshot file (a regular file of at most 64 MiB); errors are one line naming the file. */
export function readSnapshot(path: string): HostSnapshot {
  return validateSnapshot(readJsonFile(path, SNAPSHOT_CAP), path);
}
