/** The findings of one binary × host pair: exactly what `goready check BIN --host SNAPSHOT --format json` gives. */
import { type Finding, SEVERITIES, type Severity } from '../core/checks/finding.js';
import { runChecks } from '../core/checks/registry.js';
import type { InspectReport } from '../core/facts/binary.js';
import type { HostSnapshot } from '../core/facts/host.js';
import { assembleTarget, type CodeFacts } from '../core/facts/target.js';

export interface PairResult {
  findings: Finding[];
  /** The most severe finding's severity, null when nothing fired. */
  worst: Severity | null;
}

/**
 * `hostName` plays the part of the snapshot's file name in `check`: evidence lines start with it.
 * No earlier snapshot and no environment, as `check` with one --host and no --env.
 */
export function evaluatePair(report: InspectReport, code: CodeFacts | null, hostName: string, host: HostSnapshot): PairResult {
  const target = assembleTarget({ host: { name: hostName, snapshot: host }, before: null, image: null, env: {} });
  const findings = runChecks({ binary: report, code, target });
  return { findings, worst: worstOf(findings) };
}

export function worstOf(findings: readonly { severity: Severity }[]): Severity | null {
  let best: number = SEVERITIES.length;
  for (const f of findings) best = Math.min(best, SEVERITIES.indexOf(f.severity));
  return SEVERITIES[best] ?? null;
}
