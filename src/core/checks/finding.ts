/** A finding: what goready found that matters when this binary meets that host; rules.ts lists every rule. */
export type Severity = 'fatal' | 'high' | 'medium' | 'low' | 'info';

/** fatal: won't start · high: fails under load or crashes · medium: degraded · low · info. */
export const SEVERITIES: Severity[] = ['fatal', 'high', 'medium', 'low', 'info'];

export interface Finding {
  /** Stable ID, grouped by area: GR-BUILD-001, GR-CRYPTO-001… */
  id: string;
  severity: Severity;
  title: string;
  /** What the finding is about: the binary's path, a host, a file. */
  subject: string;
  /** The exact things read: a build setting and its value, a symbol, a counter. */
  evidence: string[];
  /** What a user can change. */
  fix: string;
  refs: string[];
  /** Size rules (GR-SIZE-*): the bytes the fix would remove from the file. */
  savingsBytes?: number;
}

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(threshold);
}

export function bySeverity(a: Finding, b: Finding): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.id.localeCompare(b.id);
}
