import { type AtomicsReport, atomicsOfObject } from '../../core/analyses/atomics.js';
import { X86Decoder } from '../../core/code/amd64.js';
import { openObject } from '../../core/object/open.js';
import { FileSource } from '../files/source.js';
import { loadIced } from './iced.js';

/** The atomics census of every Go binary in a file (each slice of a universal Mach-O); iced-x86 is loaded only for x86. */
export async function atomicsOfFile(path: string): Promise<AtomicsReport[]> {
  const src = new FileSource(path);
  try {
    const out: AtomicsReport[] = [];
    const objs = await openObject(src);
    for (const { obj } of objs) out.push(await atomicsOfObject(obj, path, { x86: (bits) => new X86Decoder(loadIced(), bits) }));
    return out;
  } finally {
    src.close();
  }
}
