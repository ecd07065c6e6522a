import { FormatError } from '../errors.js';
import { Bytes } from '../io/bytes.js';
import { readExact } from '../io/source.js';
import type { ElfFile } from './elf.js';

/** SHT_GNU_verdef: the versions a shared object defines (.gnu.version_d). */
const SHT_GNU_VERDEF = 0x6ffffffd;
/** VER_FLG_BASE marks the entry naming the file itself (its soname), not a version. */
export const VER_FLG_BASE = 1;
const MAX_DEFS = 65535;
const MAX_STRTAB = 64 * 1024 * 1024;

export interface VersionDef {
  /** The version name, e.g. `GLIBC_2.34`; for the base entry, the soname. */
  name: string;
  /** vd_ndx: the index .gnu.version entries use for symbols of this version. */
  index: number;
  /** vd_flags (VER_FLG_BASE = 1, VER_FLG_WEAK = 2). */
  flags: number;
  /** Names of the versions this one inherits from (the Verdaux entries after the first). */
  parents: string[];
}

/**
 * The version definitions of an ELF shared object (its `.gnu.version_d` section, SHT_GNU_verdef),
 * in file order, base entry included (filter on VER_FLG_BASE to drop it). [] when the file has no
 * such section: version definitions are only located through the section headers here.
 */
export async function versionDefs(elf: ElfFile): Promise<VersionDef[]> {
  const sec = elf.sections.find((s) => s.type === SHT_GNU_VERDEF);
  if (!sec || sec.fileSize === 0) return [];
  const count = sec.info;
  if (count > MAX_DEFS) throw new FormatError('ELF .gnu.version_d', sec.offset, `implausible count ${count}`);
  const strSec = elf.sections[sec.link];
  if (!strSec) throw new FormatError('ELF .gnu.version_d', sec.offset, `string table link ${sec.link} out of range`);
  if (strSec.fileSize > MAX_STRTAB) throw new FormatError('ELF .gnu.version_d string table', strSec.offset, `implausible size ${strSec.fileSize}`);
  const what = 'ELF .gnu.version_d';
  const vd = new Bytes(await readExact(elf.source, sec.offset, sec.fileSize, what), elf.endian, what, sec.offset);
  const strs = new Bytes(await readExact(elf.source, strSec.offset, strSec.fileSize, 'ELF .dynstr'), elf.endian, 'ELF .dynstr', strSec.offset);

  const out: VersionDef[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    // Elf{32,64}_Verdef: vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32, vd_aux u32, vd_next u32.
    const version = vd.u16(off);
    if (version !== 1) throw new FormatError(what, sec.offset + off, `unknown vd_version ${version}`);
    const flags = vd.u16(off + 2);
    const index = vd.u16(off + 4);
    const cnt = vd.u16(off + 6);
    const names: string[] = [];
    let aux = off + vd.u32(off + 12);
    // Elf{32,64}_Verdaux: vda_name u32, vda_next u32.
    for (let j = 0; j < cnt; j++) {
      names.push(strs.cstring(vd.u32(aux)));
      const next = vd.u32(aux + 4);
      if (next === 0) break;
      aux += next;
    }
    out.push({ name: names[0] ?? '', index, flags, parents: names.slice(1) });
    const next = vd.u32(off + 16);
    if (next === 0) break;
    off += next;
  }
  return out;
}
