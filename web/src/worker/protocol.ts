/** Messages between the page and the analysis worker. Everything crosses by structured clone; nothing leaves the browser. */
import type {
  AtomicsReport,
  AtomicsResult,
  CodeFacts,
  Finding,
  FunctionFacts,
  HostSnapshot,
  InspectReport,
  SeccompReport,
  SizeReport,
  SizeTree,
} from '../../../src/index.js';

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
  /** The atomics census of arm64 and arm, made with the analysis (the checks use arm64's); amd64 and 386 are counted when asked (`atomics`), with the x86 decoder. */
  atomics: AtomicsReport | null;
  /** Why `goready seccomp` has no syscall set for this architecture (one line), or null when it has one. */
  seccompUnsupported: string | null;
}

/** A CPU of the shipped table, as the page lists it. */
export interface CpuChoice {
  name: string;
  core: string;
  isa: string;
  lse: boolean;
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
  /** One slice's census as `goready atomics --format json [--cpu CPU]` prints it. */
  | { type: 'atomics'; job: number; slice: number; cpu: string | null }
  /** The file's syscalls as `goready seccomp --format json --runtime R`, and its profile as `--format oci`. */
  | { type: 'seccomp'; job: number; runtime: string }
  | { type: 'forget'; job: number };

export type Response =
  | { type: 'progress'; job: number; stage: string; loaded: number; size: number }
  | { type: 'analysed'; job: number; binaries: BinaryAnalysis[] }
  | { type: 'checked'; job: number; findings: Finding[][] }
  | { type: 'sbom'; job: number; text: string }
  | { type: 'rendered'; job: number; text: string }
  | { type: 'functions'; job: number; total: number; matched: number; list: FunctionFacts[] }
  | { type: 'inspect-json'; job: number; text: string }
  /** `cpus`: the CPU table's entries a verdict can be asked for (here rather than in the page, whose script stays small). */
  | { type: 'atomics'; job: number; result: AtomicsResult; text: string; cpus: CpuChoice[]; memoryModel: string }
  /** `unsupported`: why there is no syscall set (not Linux, not Go, an architecture without extraction), one line. */
  | { type: 'seccomp'; job: number; report: SeccompReport; profile: string }
  | { type: 'seccomp'; job: number; unsupported: string }
  | { type: 'error'; job: number; message: string };

/**
 * A request as posted: numbered by the page, and its answer or error carries the number back.
 * Answers can overtake each other (seccomp and the x86 census wait for the decoder), so an error
 * goes to the call that failed, not to the oldest one of its job. Progress is the analysis's, by job.
 */
export type Call = Request & { call: number };
export type Answer = Response & { call?: number };
