/** What the checks need to know about a binary on disk, read once: its report and the code facts from its function table. */
import type { AtomicsSummary } from '../core/code/atomics.js';
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
  // arm64: the atomics census shows LSE instructions the build settings do not (hand-written assembly).
  const census = reports.some((r) => r.file.arch === 'arm64' && r.pclntab) ? await arm64Census(file) : [];
  return reports.map((r, i) => {
    const code = r.functions?.length ? { ...codeFacts(r.functions.map((f) => f.name)), atomics: census[i] ?? null } : null;
    delete r.functions;
    return { report: { ...r, path: shownAs }, code };
  });
}

/** Per object of the file: the arm64 atomics summary, null for other architectures. */
async function arm64Census(file: string): Promise<(AtomicsSummary | null)[]> {
  const [{ atomicsOfFile }, { summarizeAtomics }, { UnsupportedArchError }] = await Promise.all([
    import('./code/atomics.js'),
    import('../core/code/atomics.js'),
    import('../core/analyses/atomics.js'),
  ]);
  try {
    return (await atomicsOfFile(file)).map((a) => (a.arch === 'arm64' ? summarizeAtomics(a.functions) : null));
  } catch (e) {
    // The census is evidence on top of the build settings: a binary whose code cannot be read is still checked on them.
    if (e instanceof UnsupportedArchError) return [];
    throw e;
  }
}
