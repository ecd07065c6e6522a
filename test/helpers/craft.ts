/**
 * Small ELF64 little-endian files built field by field, for crafted-input tests: the shapes random
 * mutation never builds (thousands of segments, tables that claim more than the file holds).
 */

export interface CraftSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  fileSize: number;
  memSize: number;
}

export interface CraftSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link?: number;
  info?: number;
  entsize?: number;
}

export const PT_LOAD = 1;
export const PF_R = 4;
export const PF_X = 1;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHF_ALLOC = 2;

/**
 * An ELF64 executable (x86-64): the header, then the program headers, then `body` at offset
 * `bodyAt` (the caller's layout), then the section headers and their name table at the end.
 * Returns the bytes and where each part landed.
 */
export function craftElf(opts: { segments: CraftSegment[]; sections?: CraftSection[]; body?: Uint8Array; bodyAt?: number }): Uint8Array {
  const { segments, sections = [], body = new Uint8Array(0) } = opts;
  const phoff = 64;
  const bodyAt = opts.bodyAt ?? phoff + segments.length * 56;
  const names = ['', '.shstrtab', ...sections.map((s) => s.name)];
  const nameOff: number[] = [];
  let strtab = '';
  for (const n of names) {
    nameOff.push(strtab.length);
    strtab += `${n}\0`;
  }
  const strAt = bodyAt + body.length;
  const shoff = (strAt + strtab.length + 7) & ~7;
  const shnum = sections.length ? sections.length + 2 : 0;
  const total = shnum ? shoff + shnum * 64 : strAt;
  const b = Buffer.alloc(total);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(62, 18); // EM_X86_64
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(0x401000n, 24);
  b.writeBigUInt64LE(BigInt(phoff), 32);
  b.writeBigUInt64LE(BigInt(shnum ? shoff : 0), 40);
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(segments.length, 56);
  b.writeUInt16LE(64, 58);
  b.writeUInt16LE(shnum, 60);
  b.writeUInt16LE(shnum ? 1 : 0, 62);
  segments.forEach((s, i) => {
    const o = phoff + i * 56;
    b.writeUInt32LE(s.type, o);
    b.writeUInt32LE(s.flags, o + 4);
    b.writeBigUInt64LE(BigInt(s.offset), o + 8);
    b.writeBigUInt64LE(BigInt(s.vaddr), o + 16);
    b.writeBigUInt64LE(BigInt(s.vaddr), o + 24);
    b.writeBigUInt64LE(BigInt(s.fileSize), o + 32);
    b.writeBigUInt64LE(BigInt(s.memSize), o + 40);
    b.writeBigUInt64LE(0x1000n, o + 48);
  });
  b.set(body, bodyAt);
  if (shnum) {
    b.write(strtab, strAt, 'latin1');
    const all: CraftSection[] = [{ name: '.shstrtab', type: SHT_STRTAB, flags: 0, addr: 0, offset: strAt, size: strtab.length }, ...sections];
    all.forEach((s, i) => {
      const o = shoff + (i + 1) * 64;
      b.writeUInt32LE(nameOff[i + 1] as number, o);
      b.writeUInt32LE(s.type, o + 4);
      b.writeBigUInt64LE(BigInt(s.flags), o + 8);
      b.writeBigUInt64LE(BigInt(s.addr), o + 16);
      b.writeBigUInt64LE(BigInt(s.offset), o + 24);
      b.writeBigUInt64LE(BigInt(s.size), o + 32);
      b.writeUInt32LE(s.link ?? 0, o + 40);
      b.writeUInt32LE(s.info ?? 0, o + 44);
      b.writeBigUInt64LE(1n, o + 48);
      b.writeBigUInt64LE(BigInt(s.entsize ?? 0), o + 56);
    });
  }
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
