import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'inspect-report.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

/** Throws with every schema violation listed when a report does not match the published schema. */
export function assertReportValid(r: unknown): void {
  if (!validate(r)) throw new Error(`report does not match schema/inspect-report.schema.json: ${ajv.errorsText(validate.errors)}`);
}
