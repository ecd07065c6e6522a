import { UnsupportedError } from '../errors.js';
import type { ByteSource } from '../io/source.js';
import { openElf } from './elf.js';
import { openFat, openMachO } from './macho.js';
import { openPE } from './pe.js';
import type { OpenedObject } from './types.js';

export type { OpenedObject } from './types.js';

export type Magic = 'elf' | 'pe' | 'macho' | 'fat' | null;

export function sniff(head: Uint8Array): Magic {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x7f && b(1) === 0x45 && b(2) === 0x4c && b(3) === 0x46) return 'elf';
  if (b(0) === 0x4d && b(1) === 0x5a) return 'pe';
  // Mach-O: FEEDFACE/FEEDFACF in either byte order.
  if (b(0) === 0xfe && b(1) === 0xed && b(2) === 0xfa && (b(3) === 0xce || b(3) === 0xcf)) return 'macho';
  if ((b(0) === 0xce || b(0) === 0xcf) && b(1) === 0xfa && b(2) === 0xed && b(3) === 0xfe) return 'macho';
  // Universal: CAFEBABE (also Java class files: those have a small slice count check in openFat).
  if (b(0) === 0xca && b(1) === 0xfe && b(2) === 0xba && (b(3) === 0xbe || b(3) === 0xbf)) return 'fat';
  return null;
}

/** Opens an ELF, PE or Mach-O file (every slice of a universal binary). */
export async function openObject(src: ByteSource): Promise<OpenedObject[]> {
  try {
    return await openAny(src);
  } catch (e) {
    // The engine's own limits (string length, stack depth, array size) reached on crafted headers:
    // say what was being read instead of surfacing the engine's message alone.
    throw e instanceof RangeError ? new Error(`reading the headers: ${e.message}`) : e;
  }
}

async function openAny(src: ByteSource): Promise<OpenedObject[]> {
  const head = await src.read(0, 16);
  switch (sniff(head)) {
    case 'elf':
      return [{ obj: await openElf(src), fat: null }];
    case 'pe':
      return [{ obj: await openPE(src), fat: null }];
    case 'macho':
      return [{ obj: await openMachO(src), fat: null }];
    case 'fat':
      return openFat(src);
    default:
      throw new UnsupportedError('not an executable: no ELF, PE or Mach-O header');
  }
}
