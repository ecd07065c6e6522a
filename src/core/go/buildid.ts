import { ascii, Bytes, indexOf, latin1OrUtf8 } from '../io/bytes.js';
import type { ObjectFile } from '../object/types.js';
import { findSection } from '../object/types.js';

const NOTE_NAME = 'Go';
const NOTE_TYPE_BUILDID = 4;
/** Non-ELF formats carry the ID as a string at the start of text (cmd/link textbuildid). */
const PREFIX = ascii('\xff Go build ID: "');

/** The Go build ID (`go tool buildid`), or null when the binary has none. */
export async function readGoBuildId(obj: ObjectFile): Promise<string | null> {
  if (obj.format === 'elf') {
    const sec = findSection(obj, '.note.go.buildid');
    const regions = sec
      ? [{ offset: sec.offset, size: sec.fileSize }]
      : obj.segments.filter((s) => s.type === 'note').map((s) => ({ offset: s.offset, size: s.fileSize }));
    for (const r of regions) {
      const id = await noteId(obj, r.offset, Math.min(r.size, 4096));
      if (id !== null) return id;
    }
    return null;
  }
  const text = findSection(obj, '.text', '__text');
  if (!text || text.fileSize === 0) return null;
  // At the very start of text, except where the linker puts a small stub first (windows/386).
  const head = await obj.source.read(text.offset, Math.min(text.fileSize, 4096));
  const i = indexOf(head, PREFIX);
  if (i < 0) return null;
  const end = head.indexOf(0x22, i + PREFIX.length);
  return end > 0 ? latin1OrUtf8(head.subarray(i + PREFIX.length, end)) : null;
}

/** Walks ELF notes {namesz, descsz, type, name, desc} looking for Go's build ID note. */
async function noteId(obj: ObjectFile, offset: number, size: number): Promise<string | null> {
  const b = new Bytes(await obj.source.read(offset, size), obj.endian, 'ELF note', offset);
  const align4 = (n: number) => (n + 3) & ~3;
  for (let p = 0; p + 12 <= b.length; ) {
    const namesz = b.u32(p);
    const descsz = b.u32(p + 4);
    const type = b.u32(p + 8);
    const nameOff = p + 12;
    const descOff = nameOff + align4(namesz);
    if (namesz > size || descsz > size || descOff + descsz > b.length) return null;
    if (type === NOTE_TYPE_BUILDID && namesz >= 2 && b.cstring(nameOff, namesz) === NOTE_NAME) return latin1OrUtf8(b.data.subarray(descOff, descOff + descsz));
    p = descOff + align4(descsz);
  }
  return null;
}
