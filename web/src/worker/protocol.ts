/** Messages between the page and the analysis worker. Everything crosses by structured clone; nothing leaves the browser. */
import type { AtomicsReport, CodeFacts, Finding, FunctionFacts, HostSnapshot, InspectReport, SizeReport, SizeTree } from '../../../src/index.js';

/** One binary (one slice of a universal Mach-O) as the page shows it. */
export interface BinaryAnalysis {
  /** The inspect report without its function list (as `inspect --format json` prints it). */
  report: InspectReport;
  /** What the checks need from the function names. */
  code: CodeFacts | null;
  /** The size report without its function list, and the treemap built from it (first slice only). */
  size: SizeReport | null;
  tree: SizeTree | null;
  /** Why there is no size report, when there is none. */
  sizeError: string | null;
  /** The atomics census (`goready atomics --format json`), for arm64 and arm; null for the rest. */
  atomics: AtomicsReport | null;
}

export type Request =
  | { type: 'analyse'; job: number; file: File }
  | { type: 'check'; job: number; target: { name: string; snapshot: HostSnapshot } | null }
  | { type: 'sbom'; job: number; slice: number; format: 'cyclonedx' | 'spdx' }
  | { type: 'render'; job: number; findings: Finding[]; format: 'json' | 'sarif' }
  /** The functions of one slice whose name contains `query` (any case), the first `limit` in pclntab order. */
  | { type: 'functions'; job: number; slice: number; query: string; limit: number }
  /** The file as `goready inspect --functions --format json FILE` prints it. */
  | { type: 'inspect-json'; job: number }
  | { type: 'forget'; job: number };

export type Response =
  | { type: 'progress'; job: number; stage: string; loaded: number; size: number }
  | { type: 'analysed'; job: number; binaries: BinaryAnalysis[] }
  | { type: 'checked'; job: number; findings: Finding[][] }
  | { type: 'sbom'; job: number; text: string }
  | { type: 'rendered'; job: number; text: string }
  | { type: 'functions'; job: number; total: number; matched: number; list: FunctionFacts[] }
  | { type: 'inspect-json'; job: number; text: string }
  | { type: 'error'; job: number; message: string };
