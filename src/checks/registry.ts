import type { Finding } from '../findings/model.js';
import type { InspectReport } from '../model.js';
import { buildChecks } from './build.js';
import { cryptoChecks } from './crypto.js';

/** Every check area; each is a pure function of facts. */
const AREAS: ((r: InspectReport) => Finding[])[] = [buildChecks, cryptoChecks];

export function runChecks(r: InspectReport, skip: ReadonlySet<string> = new Set()): Finding[] {
  return AREAS.flatMap((check) => check(r)).filter((f) => !skip.has(f.id));
}
