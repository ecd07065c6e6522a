import { ascii, indexOf } from '../io/bytes.js';
import type { ObjectFile } from './types.js';

const UPX_MAGIC = ascii('UPX!');

/** UPX keeps its `UPX!` header near the start of the file and names its sections UPX0/UPX1. */
export async function isUpxPacked(obj: ObjectFile): Promise<boolean> {
  if (obj.sections.some((s) => /^UPX\d$/.test(s.name))) return true;
  const head = await obj.source.read(0, Math.min(obj.source.size, 4096));
  return indexOf(head, UPX_MAGIC) >= 0;
}
