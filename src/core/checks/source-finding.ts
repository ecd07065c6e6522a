import type { Severity } from './finding.js';

/** A finding in Go source (`goready lint`): the exact place, what was computed there, and the change to make. */
export interface SourceFinding {
  id: string;
  severity: Severity;
  message: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** What was read or computed: offsets per GOARCH, the other accesses, element sizes. */
  evidence: string[];
  fix: string;
}

export function bySourcePosition(a: SourceFinding, b: SourceFinding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.id.localeCompare(b.id);
}
