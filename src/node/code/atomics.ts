import { type AtomicsReport, atomicsReport } from '../../core/analyses/atomics.js';
import { X86Decoder } from '../../core/code/amd64.js';
import { inspect } from '../../core/facts/inspect.js';
import { openObject } from '../../core/object/open.js';
import { FileSource } from '../files/source.js';
import { loadIced } from './iced.js';

/** The atomics census of every Go binary in a file (each slice of a universal Mach-O); iced-x86 is loaded only for x86. */
export async function atomicsOfFile(path: string): Promise<AtomicsReport[]> {
  const src = new FileSource(path);
  try {
    // inspect gives the reports (version, build settings) in the same order openObject gives the objects.
    const reports = await inspect(src, { path });
    const objs = await openObject(src);
    const out: AtomicsReport[] = [];
    for (const [i, { obj }] of objs.entries()) {
      const report = reports[i];
      if (!report) continue;
      out.push(await atomicsReport(obj, report, { x86: (bits) => new X86Decoder(loadIced(), bits) }));
    }
    return out;
  } finally {
    src.close();
  }
}
