/** `.goready.json` (or --config FILE): defaults for `goready check`, overridden by flags. */
import { statSync } from 'node:fs';
import { SEVERITIES, type Severity } from '../core/checks/finding.js';
import { assertRuleIds } from '../core/checks/rules.js';
import { InputError } from '../core/errors.js';
import type { FindingsFormat } from '../core/render/findings.js';
import { CONFIG_CAP, fileKind, readJsonFile } from './files/read.js';

export interface CheckConfig {
  skip?: string[];
  failOn?: Severity;
  format?: FindingsFormat;
  host?: string | string[];
  env?: Record<string, string>;
}

const CONFIG_KEYS = new Set(['skip', 'failOn', 'format', 'host', 'env']);

/** The config check reads when none is named: found in the working directory, so anyone who shapes the checkout shapes it. */
export const SEARCHED_CONFIG = '.goready.json';

/**
 * Reads a check config. One found by search (`searched`: ./.goready.json in a checkout that may come
 * from a pull request) may name only `local` and snapshot files that are regular files: an ssh
 * target would run ssh with the user's keys and agent, a device or FIFO would be read forever.
 * Those come only from the command line or a config named with --config.
 */
export function readConfig(file: string, opts: { searched?: boolean } = {}): CheckConfig {
  const json = readJsonFile(file, CONFIG_CAP);
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
  if (opts.searched) for (const h of [c.host ?? []].flat() as string[]) assertSearchedHost(file, h);
  return c as CheckConfig;
}

function assertSearchedHost(file: string, host: string): void {
  const refuse = (why: string) =>
    new InputError(
      file,
      `"host": ${JSON.stringify(host)} ${why}; a config found by search may name only local and snapshot files (give it with --host, or name the config with --config)`,
    );
  if (host === 'local') return;
  if (host.startsWith('ssh://')) throw refuse('is an ssh target');
  let kind: string | null = null;
  try {
    const st = statSync(host);
    if (!st.isFile()) kind = fileKind(st);
  } catch {
    // A missing snapshot is reported when it is read, as from the command line.
    kind = null;
  }
  if (kind) throw refuse(`is ${kind}, not a regular file`);
}
