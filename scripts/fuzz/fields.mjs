// Structure-aware mutation for scripts/fuzz.mjs: the fields parsers decide on (counts, offsets,
// sizes, links, chain pointers) located in a seed binary, and mutations that write values chosen
// for them — and the shapes byte mutation never builds (issue 15): a verneed chain whose records
// point back at themselves with counts of 65535, tens of thousands of segments, a functab whose
// entries all name one _func, pc-value streams that never advance, varint lengths past the file,
// self-similar runs of records. Plain JavaScript so the fuzzer runs on node alone.
//
// A field: { off, width (1|2|4|8|'uvarint'), be, kind, group }. kind is one of count, offset, size,
// link, next, value. group names the structure (elf-header, phdr, shdr, verneed, vernaux, dynamic,
// buildinfo, pclntab-header, functab, _func, macho-header, load-command, segment, fat-arch,
// pe-header, pe-section) for the report and the shapes.

/** Reads an unsigned field (as a Number; 64-bit values past 2^53 lose low bits, harmless here). */
function get(b, off, width, be) {
  if (typeof width !== 'number' || off < 0 || off + width > b.length) return 0;
  const dv = new DataView(b.buffer, b.byteOffset + off, width);
  switch (width) {
    case 1:
      return dv.getUint8(0);
    case 2:
      return dv.getUint16(0, !be);
    case 4:
      return dv.getUint32(0, !be);
    default:
      return Number(dv.getBigUint64(0, !be));
  }
}

/** The bytes of `v` as a field of `width` (wrapping as the field would). */
export function encode(v, width, be) {
  if (width === 'uvarint') {
    const out = [];
    let x = BigInt(Math.max(0, Math.floor(v)));
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x) byte |= 0x80;
      out.push(byte);
    } while (x && out.length < 10);
    return out;
  }
  const out = new Array(width).fill(0);
  let x = BigInt.asUintN(width * 8, BigInt(Math.floor(v)));
  for (let i = 0; i < width; i++) {
    out[be ? width - 1 - i : i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

function cstr(b, off) {
  let end = off;
  while (end < b.length && b[end] !== 0 && end - off < 256) end++;
  return new TextDecoder().decode(b.subarray(off, end));
}

/** ELF: header, program headers, section headers, verneed chains, .dynamic, .go.buildinfo. */
function elfFields(b, base, out) {
  const is64 = b[base + 4] === 2;
  const be = b[base + 5] === 2;
  const w = is64 ? 8 : 4;
  const f = (off, width, kind, group) => out.push({ off: base + off, width, be, kind, group });
  const phoff = get(b, base + (is64 ? 32 : 28), w, be);
  const shoff = get(b, base + (is64 ? 40 : 32), w, be);
  const phnum = get(b, base + (is64 ? 56 : 44), 2, be);
  const shnum = get(b, base + (is64 ? 60 : 48), 2, be);
  const shstrndx = get(b, base + (is64 ? 62 : 50), 2, be);
  f(is64 ? 32 : 28, w, 'offset', 'elf-header');
  f(is64 ? 40 : 32, w, 'offset', 'elf-header');
  f(is64 ? 54 : 42, 2, 'size', 'elf-header');
  f(is64 ? 56 : 44, 2, 'count', 'elf-header');
  f(is64 ? 58 : 46, 2, 'size', 'elf-header');
  f(is64 ? 60 : 48, 2, 'count', 'elf-header');
  f(is64 ? 62 : 50, 2, 'link', 'elf-header');
  const phent = is64 ? 56 : 32;
  for (let i = 0; i < Math.min(phnum, 64); i++) {
    const p = phoff + i * phent;
    if (p + phent > b.length) break;
    if (is64) {
      f(p + 8, 8, 'offset', 'phdr');
      f(p + 16, 8, 'value', 'phdr');
      f(p + 32, 8, 'size', 'phdr');
      f(p + 40, 8, 'size', 'phdr');
    } else {
      f(p + 4, 4, 'offset', 'phdr');
      f(p + 8, 4, 'value', 'phdr');
      f(p + 16, 4, 'size', 'phdr');
      f(p + 20, 4, 'size', 'phdr');
    }
  }
  const shent = is64 ? 64 : 40;
  const sec = (i) => {
    const s = shoff + i * shent;
    if (s + shent > b.length) return null;
    return is64
      ? {
          at: s,
          name: get(b, s, 4, be),
          type: get(b, s + 4, 4, be),
          offset: get(b, s + 24, 8, be),
          size: get(b, s + 32, 8, be),
          link: get(b, s + 40, 4, be),
          info: get(b, s + 44, 4, be),
        }
      : {
          at: s,
          name: get(b, s, 4, be),
          type: get(b, s + 4, 4, be),
          offset: get(b, s + 16, 4, be),
          size: get(b, s + 20, 4, be),
          link: get(b, s + 24, 4, be),
          info: get(b, s + 28, 4, be),
        };
  };
  const strs = sec(shstrndx);
  for (let i = 0; i < Math.min(shnum, 256); i++) {
    const s = sec(i);
    if (!s) break;
    const o = s.at - base;
    f(o + (is64 ? 24 : 16), w, 'offset', 'shdr');
    f(o + (is64 ? 32 : 20), w, 'size', 'shdr');
    f(o + (is64 ? 40 : 24), 4, 'link', 'shdr');
    f(o + (is64 ? 44 : 28), 4, 'count', 'shdr');
    f(o + (is64 ? 56 : 36), w, 'size', 'shdr');
    const name = strs ? cstr(b, base + strs.offset + s.name) : '';
    const at = base + s.offset;
    if (s.type === 0x6ffffffe && at + 16 <= b.length) {
      // Verneed records and their Vernaux lists, followed as ld.so does (at most 64 of each).
      let vn = at;
      for (let k = 0; k < 64 && vn + 16 <= b.length; k++) {
        out.push({ off: vn + 2, width: 2, be, kind: 'count', group: 'verneed' });
        out.push({ off: vn + 8, width: 4, be, kind: 'next', group: 'verneed' });
        out.push({ off: vn + 12, width: 4, be, kind: 'next', group: 'verneed' });
        let aux = vn + get(b, vn + 8, 4, be);
        for (let j = 0; j < 64 && aux + 16 <= b.length; j++) {
          out.push({ off: aux + 8, width: 4, be, kind: 'offset', group: 'vernaux' });
          out.push({ off: aux + 12, width: 4, be, kind: 'next', group: 'vernaux' });
          const next = get(b, aux + 12, 4, be);
          if (!next) break;
          aux += next;
        }
        const next = get(b, vn + 12, 4, be);
        if (!next) break;
        vn += next;
      }
    }
    if (s.type === 6) {
      const ent = is64 ? 16 : 8;
      for (let k = 0; k * ent < Math.min(s.size, 64 * ent) && at + (k + 1) * ent <= b.length; k++) {
        out.push({ off: at + k * ent, width: w, be, kind: 'value', group: 'dynamic' });
        out.push({ off: at + k * ent + w, width: w, be, kind: 'offset', group: 'dynamic' });
      }
    }
    if (name === '.gopclntab') out.push({ off: at, width: 4, be, kind: 'value', group: 'pclntab-magic' });
  }
  return { be, ptr: w };
}

/** Mach-O (thin, at `base`): header counts, load commands, segments and their sections. */
function machoFields(b, base, out) {
  const magic = get(b, base, 4, false);
  const is64 = magic === 0xfeedfacf;
  const f = (off, width, kind, group) => out.push({ off, width, be: false, kind, group });
  f(base + 16, 4, 'count', 'macho-header');
  f(base + 20, 4, 'size', 'macho-header');
  const ncmds = get(b, base + 16, 4, false);
  let lc = base + (is64 ? 32 : 28);
  for (let i = 0; i < Math.min(ncmds, 128) && lc + 8 <= b.length; i++) {
    const cmd = get(b, lc, 4, false);
    const size = get(b, lc + 4, 4, false);
    f(lc + 4, 4, 'size', 'load-command');
    if (cmd === 0x19) {
      f(lc + 40, 8, 'offset', 'segment');
      f(lc + 48, 8, 'size', 'segment');
      f(lc + 64, 4, 'count', 'segment');
      const nsects = get(b, lc + 64, 4, false);
      for (let s = 0; s < Math.min(nsects, 64); s++) {
        const sa = lc + 72 + s * 80;
        if (sa + 80 > b.length) break;
        f(sa + 40, 8, 'size', 'section');
        f(sa + 48, 4, 'offset', 'section');
      }
    } else if (cmd === 0x2 || cmd === 0xb) {
      // LC_SYMTAB / LC_DYSYMTAB: symbol and string table offsets and counts.
      for (let k = 8; k < Math.min(size, 48); k += 4) f(lc + k, 4, 'value', 'symtab');
    }
    if (size < 8) break;
    lc += size;
  }
  return { be: false, ptr: is64 ? 8 : 4 };
}

/** PE: COFF header counts, the optional header's size, the section table. */
function peFields(b, out) {
  const pe = get(b, 0x3c, 4, false);
  const f = (off, width, kind, group) => out.push({ off, width, be: false, kind, group });
  f(0x3c, 4, 'offset', 'pe-header');
  if (pe + 24 > b.length) return { be: false, ptr: 8 };
  f(pe + 6, 2, 'count', 'pe-header');
  f(pe + 12, 4, 'offset', 'pe-header');
  f(pe + 16, 4, 'count', 'pe-header');
  f(pe + 20, 2, 'size', 'pe-header');
  const nsec = get(b, pe + 6, 2, false);
  const opt = get(b, pe + 20, 2, false);
  for (let i = 0; i < Math.min(nsec, 96); i++) {
    const s = pe + 24 + opt + i * 40;
    if (s + 40 > b.length) break;
    f(s + 8, 4, 'size', 'pe-section');
    f(s + 12, 4, 'value', 'pe-section');
    f(s + 16, 4, 'size', 'pe-section');
    f(s + 20, 4, 'offset', 'pe-section');
  }
  return { be: false, ptr: get(b, pe + 24, 2, false) === 0x20b ? 8 : 4 };
}

/** Go's build info blob (found by its magic) and the pclntab header, functab and first _funcs. */
function goFields(b, pclntab, be, out) {
  const magic = new TextEncoder().encode('\xff Go buildinf:');
  // "\xff" encodes as two UTF-8 bytes: search for the ASCII part and step back one.
  const tail = Buffer.from(magic.subarray(2));
  const hay = Buffer.from(b.buffer, b.byteOffset, b.length);
  const at = hay.indexOf(tail);
  if (at > 0 && b[at - 1] === 0xff) {
    const bi = at - 1;
    out.push({ off: bi + 14, width: 1, be, kind: 'size', group: 'buildinfo' });
    out.push({ off: bi + 15, width: 1, be, kind: 'value', group: 'buildinfo' });
    if (b[bi + 15] & 2) {
      out.push({ off: bi + 32, width: 'uvarint', be, kind: 'size', group: 'buildinfo' });
      let i = bi + 32;
      let len = 0;
      for (let s = 0; i < b.length && s < 63; s += 7, i++) {
        len += (b[i] & 0x7f) * 2 ** s;
        if (!(b[i] & 0x80)) break;
      }
      const second = i + 1 + len;
      if (second < b.length) out.push({ off: second, width: 'uvarint', be, kind: 'size', group: 'buildinfo' });
    } else {
      out.push({ off: bi + 16, width: b[bi + 14] || 8, be, kind: 'offset', group: 'buildinfo' });
      out.push({ off: bi + 16 + (b[bi + 14] || 8), width: b[bi + 14] || 8, be, kind: 'offset', group: 'buildinfo' });
    }
  }
  if (pclntab === null || pclntab === undefined || pclntab + 64 > b.length) return;
  const p = b[pclntab + 7] === 4 ? 4 : 8;
  const magicV = get(b, pclntab, 4, be);
  const go118 = magicV === 0xfffffff0 || magicV === 0xfffffff1;
  const n = go118 ? 8 : 7;
  for (let i = 0; i < n; i++) out.push({ off: pclntab + 8 + i * p, width: p, be, kind: i < 2 ? 'count' : 'offset', group: 'pclntab-header' });
  if (!go118) return;
  const nfunc = get(b, pclntab + 8, p, be);
  const funcnameOff = get(b, pclntab + 8 + 3 * p, p, be);
  const pcln = get(b, pclntab + 8 + 7 * p, p, be);
  const ft = pclntab + pcln;
  for (let i = 0; i < Math.min(nfunc, 32); i++) {
    const e = ft + i * 8;
    if (e + 8 > b.length) break;
    out.push({ off: e, width: 4, be, kind: 'offset', group: 'functab' });
    out.push({ off: e + 4, width: 4, be, kind: 'offset', group: 'functab' });
    const fo = ft + get(b, e + 4, 4, be);
    if (fo + 44 > b.length) continue;
    out.push({ off: fo + 4, width: 4, be, kind: 'offset', group: '_func' });
    out.push({ off: fo + 16, width: 4, be, kind: 'offset', group: '_func' });
    out.push({ off: fo + 20, width: 4, be, kind: 'offset', group: '_func' });
    out.push({ off: fo + 24, width: 4, be, kind: 'offset', group: '_func' });
    out.push({ off: fo + 28, width: 4, be, kind: 'count', group: '_func' });
    out.push({ off: fo + 43, width: 1, be, kind: 'count', group: '_func' });
  }
  // For the shapes: where the functab and the name table are.
  out.push({ off: ft, width: 8, be, kind: 'table', group: 'functab', entries: nfunc, nameTable: pclntab + funcnameOff });
}

/** Every field of a seed the structure-aware mode aims at. `hints.pclntab`: the pclntab's offset. */
export function binaryFields(b, hints = {}) {
  const out = [];
  let be = false;
  const m = get(b, 0, 4, false);
  if (b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) be = elfFields(b, 0, out).be;
  else if (m === 0xfeedfacf || m === 0xfeedface) machoFields(b, 0, out);
  else if (m === 0xbebafeca) {
    // Fat Mach-O: big-endian arch table, then each slice.
    const n = get(b, 4, 4, true);
    out.push({ off: 4, width: 4, be: true, kind: 'count', group: 'fat-arch' });
    for (let i = 0; i < Math.min(n, 8); i++) {
      out.push({ off: 8 + i * 20 + 8, width: 4, be: true, kind: 'offset', group: 'fat-arch' });
      out.push({ off: 8 + i * 20 + 12, width: 4, be: true, kind: 'size', group: 'fat-arch' });
      const off = get(b, 8 + i * 20 + 8, 4, true);
      const sm = get(b, off, 4, false);
      if (sm === 0xfeedfacf || sm === 0xfeedface) machoFields(b, off, out);
    }
  } else if (b[0] === 0x4d && b[1] === 0x5a) peFields(b, out);
  goFields(b, hints.pclntab, be, out);
  return out;
}

/** Values worth writing into a field of this kind (the seed's own value `v`, its offset `off`). */
function interesting(field, v, size, r) {
  const max = field.width === 'uvarint' ? 2 ** 53 : field.width >= 8 ? 2 ** 64 - 1 : 2 ** (field.width * 8) - 1;
  const common = [0, 1, 2, max, Math.floor(max / 2), max - 1, v + 1, v - 1, v * 2, v * 16, r() % Math.max(1, size)];
  const byKind = {
    count: [0xffff, 0xfffe, 0x7fffffff, 100_000, 2_000_000, 65535],
    offset: [size, size - 1, size + 1, field.off, field.off - 16, 0, 2 ** 31, 2 ** 32 - 16],
    size: [size, size * 4, 2 ** 29, 2 ** 31, 2 ** 32 + 1, 16, 15],
    link: [0, 1, 0xffff, 0xfff0, 2 ** 32 - 1],
    // A chain's next pointing at itself (relative 0), back one record, or far away.
    next: [0, 16, 2 ** 32 - 16, 2 ** 32 - 1, size],
    value: [0x6ffffffe, 0x6ffffff0, 1, 5, 14],
    table: [0],
  };
  const all = [...common, ...(byKind[field.kind] ?? [])];
  return all[r() % all.length];
}

/**
 * The shapes of issue 15, as overlay ops on a seed, each a rare choice so ordinary field
 * mutation still dominates. `fields` from binaryFields; r a 32-bit generator.
 */
export function shape(fields, size, r, ops) {
  const pick = (xs) => xs[r() % xs.length];
  const of = (group) => fields.filter((f) => f.group === group);
  const write = (f, v) => ops.push({ off: f.off, bytes: encode(v, f.width, f.be) });
  switch (r() % 6) {
    case 0: {
      // Verneed/Vernaux records that are their own successors, with counts of 65535.
      const vn = of('verneed');
      const aux = of('vernaux');
      if (!vn.length) return false;
      for (const f of vn) if (f.kind === 'count') write(f, 65535);
      for (const f of aux) if (f.kind === 'next') write(f, pick([0, 16, 2 ** 32 - 16]));
      for (const f of vn) if (f.kind === 'next' && r() % 2) write(f, 0);
      return true;
    }
    case 1: {
      // A program header count of 65535 (or the max section count), the table where it was.
      const h = of('elf-header').filter((f) => f.kind === 'count');
      const m = of('macho-header').filter((f) => f.kind === 'count');
      const p = of('pe-header').filter((f) => f.kind === 'count');
      const f = pick([...h, ...m, ...p].length ? [...h, ...m, ...p] : [null]);
      if (!f) return false;
      write(f, pick([65535, 65534, 4096, 2 ** 31]));
      return true;
    }
    case 2: {
      // Every functab entry naming the first _func: nfunc × one record.
      const t = of('functab').find((f) => f.kind === 'table');
      if (!t) return false;
      const n = Math.min(t.entries, 1 + (r() % 200_000));
      ops.push({ off: t.off + 8, len: Math.min(size - t.off - 8, n * 8), repeat: { from: t.off, period: 8 } });
      return true;
    }
    case 3: {
      // A pc-value stream of (2,0) pairs that never advances the pc, or a name with no NUL.
      const fn = of('_func').filter((f) => f.kind === 'offset');
      if (!fn.length) return false;
      const at = pick(fn).off;
      ops.push({ off: at, pattern: pick([[2, 0], [0x41]]), len: Math.min(size - at, 1 + (r() % (1 << 20))) });
      return true;
    }
    case 4: {
      // A build info varint length past the file.
      const bi = of('buildinfo').filter((f) => f.width === 'uvarint');
      if (!bi.length) return false;
      write(pick(bi), pick([size, 2 ** 31, 2 ** 53, 2 ** 40 + 3]));
      return true;
    }
    default: {
      // A self-similar run: a record of 8–64 bytes repeated over what follows it (go1.N strings,
      // section headers, load commands).
      const f = pick(fields);
      const len = 8 << (r() % 4);
      ops.push({ off: f.off + len, len: Math.min(size - f.off - len, len * (1 + (r() % 4096))), repeat: { from: f.off, period: len } });
      return true;
    }
  }
}

/** Overlay ops for one structure-aware input on seed bytes `base`: 1–4 field writes, sometimes a shape. */
export function fieldMutations(r, fields, base) {
  const size = base.length;
  const ops = [];
  if (!fields.length) return { ops, size };
  if (r() % 4 === 0) shape(fields, size, r, ops);
  // A group first, then a field in it: section headers must not crowd out the four verneed fields.
  const groups = [...new Set(fields.filter((f) => f.kind !== 'table').map((f) => f.group))];
  const n = 1 + (r() % 4);
  for (let i = 0; i < n; i++) {
    const g = groups[r() % groups.length];
    const inGroup = fields.filter((f) => f.group === g && f.kind !== 'table');
    const f = inGroup[r() % inGroup.length];
    if (f.kind === 'table') continue;
    const v = f.width === 'uvarint' ? 0 : get(base, f.off, f.width, f.be);
    ops.push({ off: f.off, bytes: encode(interesting(f, v, size, r), f.width, f.be), field: `${f.group}@${f.off}` });
  }
  return { ops, size };
}

export { get as readField };
