import { type LseTarget, lseFindings } from '../checks/cpu.js';
import { summarizeAtomics } from '../code/atomics.js';
import type { CpuModel } from '../linux/cpus.js';
import type { AtomicsReport, AtomicsResult } from './atomics.js';

/** What a census is judged against: a CPU from the table (`--cpu`) or a host's own Features line (`--host`). */
export interface AtomicsJudge extends LseTarget {
  /** The table's entry when the target is a CPU from it, null for a host. */
  cpu: CpuModel | null;
}

/** A CPU of the table as the target of the verdict. */
export function cpuJudge(model: CpuModel): AtomicsJudge {
  return { name: model.name, lse: model.lse, cores: model.cores, model: null, evidence: `${model.core} (${model.isa}, ${model.source})`, cpu: model };
}

/**
 * The verdict of a census against a target: only arm64 code has LSE and LL/SC to judge, so every
 * other architecture's is null. Kept apart from the census because it loads the rule table.
 */
export function atomicsVerdict(r: AtomicsReport, judge: AtomicsJudge): AtomicsResult['verdict'] {
  if (r.arch !== 'arm64') return null;
  return { target: judge.name, cpu: judge.cpu, lse: judge.lse, cores: judge.cores, findings: lseFindings(r, summarizeAtomics(r.functions), judge) };
}
