/**
 * The JSON the fleet API answers with (README.md, "goready serve"). Types only: the page imports them too, so the
 * server and the page agree on every field.
 */
import type { FactChange, FindingChange } from '../core/analyses/host-diff.js';
import type { Finding, Severity } from '../core/checks/finding.js';
import type { InspectReport } from '../core/facts/binary.js';
import type { HostSnapshot } from '../core/facts/host.js';
import type { CodeFacts } from '../core/facts/target.js';

export interface PairEntry {
  binary: string;
  host: string;
  findings: Finding[];
  worst: Severity | null;
  evaluatedAt: string;
}

/** A pair without its findings (`GET /api/matrix?summary=true`): what the matrix draws for a large fleet. */
export interface PairSummary {
  binary: string;
  host: string;
  worst: Severity | null;
  /** How many findings the pair has. */
  count: number;
  evaluatedAt: string;
}

export interface HostSummary {
  name: string;
  firstSeen: string | null;
  lastSeen: string | null;
  collectedAt: string | null;
  collector: string | null;
  snapshots: number;
  kernel: string | null;
  distro: string | null;
  libc: { family: string | null; version: string | null };
  cpu: { arch: string | null; model: string | null; x86Level: string | null; atomics: boolean | null; count: number | null };
  memoryKiB: number | null;
  limits: { nofileSoft: number | string | null; nofileHard: number | string | null };
  cgroup: {
    version: string | null;
    cpuQuotaUsec: number | string | null;
    cpuPeriodUsec: number | null;
    memoryMax: number | string | null;
    pidsMax: number | string | null;
  };
  /** The most severe finding of any binary on this host. */
  worst: Severity | null;
}

export interface SnapshotInfo {
  id: number;
  collectedAt: string | null;
  receivedAt: string | null;
  collector: string;
}

export interface DriftStep {
  from: { id: number; collectedAt: string | null };
  to: { id: number; collectedAt: string | null };
  groups: { group: string; changes: FactChange[] }[];
}

export interface HostComparison {
  a: string;
  b: string;
  findings: { binary: string; changes: FindingChange[] }[];
  groups: { group: string; changes: FactChange[] }[];
}

export interface BinarySummary {
  name: string;
  firstSeen: string | null;
  lastSeen: string | null;
  goVersion: string | null;
  size: number;
  format: string;
  arch: string;
  stripped: boolean;
  static: boolean;
  minGlibc: string | null;
  functions: number | null;
  main: { path: string; version: string } | null;
  modules: number;
  seenOn: string[];
  worst: Severity | null;
}

export interface ReportInfo {
  id: number;
  receivedAt: string | null;
  from: string | null;
  goVersion: string | null;
  size: number;
}

export interface ModuleHit {
  binary: string;
  module: string;
  version: string;
  replace: { path: string; version: string } | null;
  /** The version compiled in (the replacement's when replaced by a module version); null when replaced by a directory. */
  shipped: string | null;
  main: boolean;
  goVersion: string | null;
  seenOn: string[];
}

export interface HostDetail {
  name: string;
  snapshot: HostSnapshot | null;
  snapshots: SnapshotInfo[];
}

export interface BinaryDetail {
  name: string;
  report: InspectReport;
  code: CodeFacts | null;
  reports: ReportInfo[];
}

export interface SearchAnswer {
  query: { path: string; op: string | null; version: string | null };
  hits: ModuleHit[];
}

export interface Info {
  name: 'goready';
  version: string;
  db: 'pglite' | 'postgres';
}
