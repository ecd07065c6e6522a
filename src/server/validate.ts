/**
 * Every write is checked before it is stored: host snapshots against schema/host-snapshot.schema.json,
 * inspect reports against schema/inspect-report.schema.json. A rejection names the field as a JSON
 * pointer into the request body, so a 400 says exactly what to fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { InspectReport } from '../core/facts/binary.js';
import { type HostSnapshot, SCHEMA_VERSION } from '../core/facts/host.js';
import { type CodeFacts, codeFacts } from '../core/facts/target.js';
import { SCHEMA_PATH } from '../node/host/snapshot-file.js';

/** A request the server refuses: HTTP status, a message, and the field (JSON pointer or query parameter). */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

const REPORT_SCHEMA_PATH = join(SCHEMA_PATH, '..', 'inspect-report.schema.json');

let compiled: { snapshot: ValidateFunction; report: ValidateFunction } | null = null;

function validators(): { snapshot: ValidateFunction; report: ValidateFunction } {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
  // RFC 3339 with an explicit offset, as the snapshot reader accepts it.
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
  compiled = {
    snapshot: ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))),
    report: ajv.compile(JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8'))),
  };
  return compiled;
}

/** The field an ajv error is about: a missing or extra property is named itself, not its parent. */
function fieldOf(e: ErrorObject, prefix: string): string {
  const p = e.params as { missingProperty?: string; additionalProperty?: string };
  const leaf = e.keyword === 'required' ? p.missingProperty : e.keyword === 'additionalProperties' ? p.additionalProperty : undefined;
  const pointerEscape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  return `${prefix}${e.instancePath}${leaf !== undefined ? `/${pointerEscape(leaf)}` : ''}` || '/';
}

function describe(e: ErrorObject): string {
  const p = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown };
  if (e.keyword === 'required') return `missing required property "${p.missingProperty}"`;
  if (e.keyword === 'additionalProperties') return `unknown property "${p.additionalProperty}"`;
  if (e.keyword === 'enum') return `${e.message ?? 'not allowed'} ${JSON.stringify(p.allowedValues)}`;
  return e.message ?? e.keyword;
}

/**
 * PostgreSQL text cannot hold U+0000, and no path, version or host fact has one: a string with it is
 * refused here (naming it) rather than failing in the database as a 500.
 */
function refuseNul(body: unknown, prefix: string): void {
  const pointerEscape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  const stack: [unknown, string][] = [[body, prefix]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, at] = item;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw new RequestError(400, `${at || '/'}: a NUL character (\\u0000) is not allowed in a string`, at || '/');
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}/${i}`]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v).reverse()) {
        if (k.includes('\u0000')) throw new RequestError(400, `${at || '/'}: a NUL character (\\u0000) is not allowed in a property name`, at || '/');
        stack.push([x, `${at}/${pointerEscape(k)}`]);
      }
    }
  }
}

/** A query parameter or path segment: no NUL (see refuseNul). */
export function refuseNulParam(value: string, field: string): void {
  if (value.includes('\u0000')) throw new RequestError(400, `${field}: a NUL character is not allowed`, field);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A pushed snapshot: a goready host snapshot of the supported schema version. */
export function checkSnapshot(body: unknown): HostSnapshot {
  if (!isObject(body) || !('schemaVersion' in body))
    throw new RequestError(400, 'not a goready host snapshot: no schemaVersion at the top level', '/schemaVersion');
  if (body.schemaVersion !== SCHEMA_VERSION) {
    throw new RequestError(
      400,
      `host snapshot schemaVersion ${JSON.stringify(body.schemaVersion)} is not supported (this server reads ${SCHEMA_VERSION})`,
      '/schemaVersion',
    );
  }
  const v = validators().snapshot;
  if (!v(body)) {
    const e = v.errors?.[0] as ErrorObject;
    const field = fieldOf(e, '');
    throw new RequestError(400, `not a valid host snapshot: ${field}: ${describe(e)}`, field);
  }
  refuseNul(body, '');
  return body as unknown as HostSnapshot;
}

export interface CheckedReport {
  report: InspectReport;
  code: CodeFacts | null;
}

/**
 * A pushed report body: what `inspect --format json` prints (an array) or one report
 * (`--format jsonl` lines). A report may carry `functions` (`inspect --functions`): the checks' code
 * facts are derived from the names and the list is not stored. `goready inspect --push` sends
 * `code` (those facts) instead of the whole list.
 */
export function checkReports(body: unknown): CheckedReport[] {
  const list = Array.isArray(body) ? body : [body];
  if (!list.length) throw new RequestError(400, 'no report: the body is an empty array', '/');
  if (list.length > MAX_REPORTS) throw new RequestError(400, `${list.length} reports in one push; at most ${MAX_REPORTS}`, '/');
  return list.map((item, i) => checkReport(item, Array.isArray(body) ? `/${i}` : ''));
}

/** One push carries a directory's worth of binaries, not a whole registry. */
const MAX_REPORTS = 1000;

function checkReport(item: unknown, at: string): CheckedReport {
  if (!isObject(item)) throw new RequestError(400, 'not a goready inspect report: expected a JSON object', at || '/');
  const { code: rawCode, ...report } = item;
  const v = validators().report;
  if (!v(report)) {
    const e = v.errors?.[0] as ErrorObject;
    const field = fieldOf(e, at);
    throw new RequestError(400, `not a valid inspect report: ${field}: ${describe(e)}`, field);
  }
  refuseNul(report, at);
  const r = report as unknown as InspectReport;
  if (!r.path) throw new RequestError(400, 'the report has an empty path: name the binary (goready inspect PATH)', `${at}/path`);
  if (r.path.length > 4096) throw new RequestError(400, 'path longer than 4096 characters', `${at}/path`);
  let code: CodeFacts | null = null;
  if (rawCode !== undefined) code = checkCode(rawCode, `${at}/code`);
  else if (r.functions) code = codeFacts(r.functions.map((f) => f.name));
  delete r.functions;
  return { report: r, code };
}

/** What is wrong with one code fact: the sub-field (a JSON pointer suffix, '' for the fact itself) and why; null when it is right. */
type FactProblem = { at: string; why: string } | null;

const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** AtomicsSummary (src/core/code/atomics.ts): counts, and up to 5 functions named as evidence. */
function atomicsProblem(v: unknown): FactProblem {
  if (v === null) return null;
  if (!isObject(v)) return { at: '', why: 'must be null or {lse, lseUnguarded, llsc, unguardedFunctions}' };
  const known = ['lse', 'lseUnguarded', 'llsc', 'unguardedFunctions'];
  const extra = Object.keys(v).find((k) => !known.includes(k));
  if (extra !== undefined) return { at: `/${extra}`, why: `unknown property "${extra}"` };
  for (const k of ['lse', 'lseUnguarded', 'llsc']) if (!count(v[k])) return { at: `/${k}`, why: 'must be a count (a non-negative integer)' };
  if ((v.lseUnguarded as number) > (v.lse as number)) return { at: '/lseUnguarded', why: 'more unguarded LSE instructions than LSE instructions' };
  const fns = v.unguardedFunctions;
  if (!Array.isArray(fns) || fns.length > 5) return { at: '/unguardedFunctions', why: 'must be a list of at most 5 function names' };
  const bad = fns.findIndex((f) => typeof f !== 'string' || !f || f.length > 4096 || f.includes('\u0000'));
  if (bad >= 0) return { at: `/unguardedFunctions/${bad}`, why: 'must be a function name of 1 to 4096 characters' };
  return null;
}

/**
 * The code facts a push may carry (src/core/facts/target.ts CodeFacts), each with its test: a fact
 * the checks read must have the shape they expect, and an unknown one is refused, not kept.
 */
const CODE_FACTS: Record<string, (v: unknown) => FactProblem> = {
  listensTcp: (v) => (typeof v === 'boolean' ? null : { at: '', why: 'must be true or false' }),
  atomics: atomicsProblem,
};

function checkCode(raw: unknown, field: string): CodeFacts {
  if (!isObject(raw)) throw new RequestError(400, 'code must be an object of code facts, e.g. {"listensTcp": true}', field);
  for (const [k, v] of Object.entries(raw)) {
    const test = CODE_FACTS[k];
    if (!test) throw new RequestError(400, `unknown code fact "${k}" (known: ${Object.keys(CODE_FACTS).join(', ')})`, `${field}/${k}`);
    const problem = test(v);
    if (problem) throw new RequestError(400, `code fact ${k}${problem.at}: ${problem.why}`, `${field}/${k}${problem.at}`);
  }
  if (!('listensTcp' in raw)) throw new RequestError(400, 'missing required code fact "listensTcp"', `${field}/listensTcp`);
  return raw as unknown as CodeFacts;
}

/** The binary's name in the fleet: its path, and the slice's arch for a universal Mach-O. */
export function binaryName(r: InspectReport): string {
  return r.file.universal ? `${r.path} [${r.file.arch}]` : r.path;
}

/** A host name from a query parameter or a snapshot: printable, at most 253 characters (a DNS name's limit). */
export function checkHostName(name: unknown, field: string): string {
  if (typeof name !== 'string' || !name.trim()) throw new RequestError(400, `${field}: a host name is needed`, field);
  if (name.length > 253) throw new RequestError(400, `${field}: longer than 253 characters`, field);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new RequestError(400, `${field}: control characters are not allowed`, field);
  return name;
}
