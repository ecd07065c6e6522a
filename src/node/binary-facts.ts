/** What the checks need to know about a binary on disk, read once: its report and the code facts from its function table. */
import type { InspectReport } from '../core/facts/binary.js';
import { type CodeFacts, codeFacts } from '../core/facts/target.js';
import { inspectFile } from './files/inspect.js';

export interface CheckableBinary {
  /** The inspect report without its function list (the checks need only the facts derived from it). */
  report: InspectReport;
  code: CodeFacts | null;
}

/** One entry per object in the file (each slice of a universal binary); `shownAs` names it in findings. */
export async function binaryFacts(file: string, shownAs = file): Promise<CheckableBinary[]> {
  const reports = await inspectFile(file, { functions: true });
  return reports.map((r) => {
    const code = r.functions?.length ? codeFacts(r.functions.map((f) => f.name)) : null;
    delete r.functions;
    return { report: { ...r, path: shownAs }, code };
  });
}
