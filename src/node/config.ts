/** `.goready.json` (or --config FILE): defaults for `goready check`, overridden by flags. */
import { readFileSync } from 'node:fs';
import { SEVERITIES, type Severity } from '../core/checks/finding.js';
import { assertRuleIds } from '../core/checks/rules.js';
import { InputError } from '../core/errors.js';
import type { FindingsFormat } from '../core/render/findings.js';
import { errorText } from './errors.js';

export interface CheckConfig {
  skip?: string[];
  failOn?: Severity;
  format?: FindingsFormat;
  host?: string | string[];
  env?: Record<string, string>;
}

const CONFIG_KEYS = new Set(['skip', 'failOn', 'format', 'host', 'env']);

export function readConfig(file: string): CheckConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(file, e instanceof SyntaxError ? `not JSON: ${e.message}` : errorText(e));
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new InputError(file, `the config must be a JSON object`);
  const c = json as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!CONFIG_KEYS.has(k)) throw new InputError(file, `unknown key "${k}" (known: ${[...CONFIG_KEYS].join(', ')})`);
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (c.skip !== undefined && !strings(c.skip)) throw new InputError(file, `"skip" must be an array of finding IDs`);
  if (c.skip !== undefined) assertRuleIds(c.skip as string[], `${file}: "skip"`);
  if (c.failOn !== undefined && !SEVERITIES.includes(c.failOn as Severity)) throw new InputError(file, `"failOn" must be one of ${SEVERITIES.join(', ')}`);
  if (c.format !== undefined && !['text', 'json', 'markdown', 'sarif'].includes(c.format as string))
    throw new InputError(file, `"format" must be text, json, markdown or sarif`);
  if (c.host !== undefined && typeof c.host !== 'string' && !strings(c.host)) throw new InputError(file, `"host" must be a string or an array of strings`);
  if (c.env !== undefined && (!c.env || typeof c.env !== 'object' || Object.values(c.env).some((v) => typeof v !== 'string'))) {
    throw new InputError(file, `"env" must be an object of strings`);
  }
  return c as CheckConfig;
}
