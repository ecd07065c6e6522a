import type { Flow, Instruction, Operand, RegOperand } from './instruction.js';

/**
 * A64 decoding by masks. Every instruction is one little-endian 32-bit word, so a class is a
 * `(word & mask) === value` test plus a field decoder; no length decoding and no library needed.
 * Only the classes analyses use are decoded in full (moves and constants, address arithmetic,
 * loads/stores, branches, SVC); any other word decodes as `?` with the register in bits 4:0
 * (where A64 puts nearly every destination) assumed written, which keeps data-flow analyses safe.
 *
 * Extending: write the new classes in a file of their own (e.g. arm64-atomics.ts) and decode with
 * `decodeArm64(bytes, addr, [...MY_CLASSES, ...ARM64_CLASSES])`; the first class that matches wins.
 * Encodings follow the Arm ARM (DDI 0487) "A64 instruction set encoding" tables.
 */
export interface Arm64Class {
  name: string;
  mask: number;
  value: number;
  /** Decodes a word the mask matched; null passes it to the next class. */
  decode(w: number, addr: number): Arm64Decoded | null;
}

export type Arm64Decoded = Omit<Instruction, 'addr' | 'length'>;

/** Bits [hi:lo] of a word. */
export const bits = (w: number, hi: number, lo: number): number => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
/** Sign-extends the low `n` bits of `v`. */
export const sext = (v: number, n: number): number => (v << (32 - n)) >> (32 - n);

/** A general register operand; `r` 31 is the stack pointer or the zero register, as the encoding says. */
export function xreg(r: number, wide: boolean, r31: 'sp' | 'zr'): RegOperand {
  if (r === 31) {
    if (r31 === 'sp') return { kind: 'reg', reg: wide ? 'sp' : 'wsp', family: 'sp', bits: wide ? 64 : 32 };
    return { kind: 'reg', reg: wide ? 'xzr' : 'wzr', family: 'xzr', bits: wide ? 64 : 32 };
  }
  return { kind: 'reg', reg: `${wide ? 'x' : 'w'}${r}`, family: `x${r}`, bits: wide ? 64 : 32 };
}

const SIMD_PREFIX: Record<number, string> = { 1: 'b', 2: 'h', 4: 's', 8: 'd', 16: 'q' };
function vreg(r: number, bytes: number): RegOperand {
  return { kind: 'reg', reg: `${SIMD_PREFIX[bytes] ?? 'v'}${r}`, family: `v${r}`, bits: bytes * 8 };
}

const imm = (value: bigint | number): Operand => ({ kind: 'imm', value: BigInt(value) });
/** Families written, leaving out the zero register (writes to it are discarded). */
const written = (...regs: RegOperand[]): string[] => regs.filter((r) => r.family !== 'xzr' && !r.family.startsWith('v')).map((r) => r.family);

const MASK64 = (1n << 64n) - 1n;

/** DecodeBitMasks from the Arm ARM: the logical-immediate value, or null for a reserved encoding. */
export function decodeBitMask(n: number, imms: number, immr: number, wide: boolean): bigint | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1 || (!wide && n === 1)) return null;
  const levels = (1 << len) - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return null;
  const esize = 1 << len;
  const emask = esize === 64 ? MASK64 : (1n << BigInt(esize)) - 1n;
  const welem = (1n << BigInt(s + 1)) - 1n;
  const rot = BigInt(r);
  let elem = r === 0 ? welem : ((welem >> rot) | (welem << (BigInt(esize) - rot))) & emask;
  elem &= emask;
  const size = wide ? 64 : 32;
  let out = 0n;
  for (let i = 0; i < size; i += esize) out |= elem << BigInt(i);
  return out & (wide ? MASK64 : 0xffffffffn);
}

function branchOf(w: number, addr: number): Arm64Decoded | null {
  const link = bits(w, 31, 31) === 1;
  const target = addr + sext(bits(w, 25, 0), 26) * 4;
  return { mnemonic: link ? 'bl' : 'b', operands: [imm(target)], flow: link ? 'call' : 'jump', target, writes: link ? ['x30'] : [] };
}

/** Load/store addressing shared by the immediate forms. */
function loadStore(
  w: number,
  mnemonicBase: { load: boolean; signed: boolean; bytes: number; simd: boolean },
  disp: number,
  writeback?: 'pre' | 'post',
  unscaled = false,
): Arm64Decoded {
  const rt = bits(w, 4, 0);
  const rn = bits(w, 9, 5);
  const { load, signed, bytes, simd } = mnemonicBase;
  // Sign-extending loads into X registers: LDRSB/LDRSH/LDRSW with opc 10; into W with opc 11.
  const wideTarget = simd ? false : bytes === 8 || (signed && bits(w, 23, 22) === 2);
  const t = simd ? vreg(rt, bytes) : xreg(rt, wideTarget, 'zr');
  const base = xreg(rn, true, 'sp');
  const suffix = simd || bytes >= 4 ? '' : bytes === 2 ? 'h' : 'b';
  const mnemonic = `${load ? 'ld' : 'st'}${unscaled ? 'ur' : 'r'}${signed ? 's' : ''}${suffix}${signed && bytes === 4 ? 'w' : ''}`;
  const mem: Operand = { kind: 'mem', base: base.family, index: null, scale: 1, disp, bytes };
  if (writeback) mem.writeback = writeback;
  const writes = load ? written(t) : [];
  if (writeback && !writes.includes(base.family)) writes.push(base.family);
  return { mnemonic, operands: [t, mem], flow: 'next', writes };
}

/** size/V/opc of the single-register load/store classes → access width and direction. */
function lsKind(w: number): { load: boolean; signed: boolean; bytes: number; simd: boolean } | null {
  const size = bits(w, 31, 30);
  const simd = bits(w, 26, 26) === 1;
  const opc = bits(w, 23, 22);
  if (simd) {
    const bytes = opc >= 2 ? (size === 0 ? 16 : 0) : 1 << size;
    if (!bytes) return null;
    return { load: (opc & 1) === 1, signed: false, bytes, simd };
  }
  if (opc === 0) return { load: false, signed: false, bytes: 1 << size, simd };
  if (opc === 1) return { load: true, signed: false, bytes: 1 << size, simd };
  // opc 10/11: sign-extending loads (size 11 with opc 10 is PRFM, which loads nothing).
  if (size === 3) return null;
  if (size === 2 && opc === 3) return null;
  return { load: true, signed: true, bytes: 1 << size, simd };
}

/** The base classes; order matters only where masks overlap (specific before general). */
export const ARM64_CLASSES: readonly Arm64Class[] = [
  {
    name: 'svc',
    mask: 0xffe0001f,
    value: 0xd4000001,
    decode: (w) => ({ mnemonic: 'svc', operands: [imm(bits(w, 20, 5))], flow: 'syscall', writes: ['x0'] }),
  },
  {
    name: 'brk/hlt/udf',
    mask: 0xff80001f,
    value: 0xd4000000,
    decode: (w) => ({ mnemonic: bits(w, 22, 21) === 1 ? 'brk' : 'hlt', operands: [imm(bits(w, 20, 5))], flow: 'trap', writes: [] }),
  },
  {
    name: 'udf',
    mask: 0xffff0000,
    value: 0x00000000,
    decode: (w) => ({ mnemonic: 'udf', operands: [imm(bits(w, 15, 0))], flow: 'trap', writes: [] }),
  },
  { name: 'b/bl', mask: 0x7c000000, value: 0x14000000, decode: branchOf },
  {
    name: 'b.cond',
    mask: 0xff000010,
    value: 0x54000000,
    decode: (w, addr) => {
      const target = addr + sext(bits(w, 23, 5), 19) * 4;
      return { mnemonic: `b.${COND[bits(w, 3, 0)]}`, operands: [imm(target)], flow: 'branch', target, writes: [] };
    },
  },
  {
    name: 'cbz/cbnz',
    mask: 0x7e000000,
    value: 0x34000000,
    decode: (w, addr) => {
      const target = addr + sext(bits(w, 23, 5), 19) * 4;
      const r = xreg(bits(w, 4, 0), bits(w, 31, 31) === 1, 'zr');
      return { mnemonic: bits(w, 24, 24) ? 'cbnz' : 'cbz', operands: [r, imm(target)], flow: 'branch', target, writes: [] };
    },
  },
  {
    name: 'tbz/tbnz',
    mask: 0x7e000000,
    value: 0x36000000,
    decode: (w, addr) => {
      const target = addr + sext(bits(w, 18, 5), 14) * 4;
      const bit = (bits(w, 31, 31) << 5) | bits(w, 23, 19);
      const r = xreg(bits(w, 4, 0), bit >= 32, 'zr');
      return { mnemonic: bits(w, 24, 24) ? 'tbnz' : 'tbz', operands: [r, imm(bit), imm(target)], flow: 'branch', target, writes: [] };
    },
  },
  {
    // BR, BLR, RET and their pointer-authenticating forms (opc in bits 24:21).
    name: 'br/blr/ret',
    mask: 0xfe000000,
    value: 0xd6000000,
    decode: (w) => {
      const full = bits(w, 24, 21);
      // 0100/0101 are ERET/DRPS; 1000/1001 the pointer-authenticating BRA*/BLRA*.
      if (full === 4 || full === 5) return null;
      const opc = full & 0x3;
      const rn = xreg(bits(w, 9, 5), true, 'zr');
      if (opc === 0) return { mnemonic: 'br', operands: [rn], flow: 'indirect-jump', writes: [] };
      if (opc === 1) return { mnemonic: 'blr', operands: [rn], flow: 'indirect-call', writes: ['x30'] };
      if (opc === 2) return { mnemonic: 'ret', operands: [rn], flow: 'return', writes: [] };
      return null;
    },
  },
  {
    name: 'system',
    mask: 0xffc00000,
    value: 0xd5000000,
    decode: (w) => {
      if (w === 0xd503201f) return { mnemonic: 'nop', operands: [], flow: 'next', writes: [] };
      // L (bit 21) set: MRS and SYSL write Rt.
      const rt = xreg(bits(w, 4, 0), true, 'zr');
      if (bits(w, 21, 21)) return { mnemonic: 'mrs', operands: [rt], flow: 'next', writes: written(rt) };
      return { mnemonic: bits(w, 20, 19) === 0 ? 'hint' : 'msr', operands: [], flow: 'next', writes: [] };
    },
  },
  {
    name: 'movn/movz/movk',
    mask: 0x1f800000,
    value: 0x12800000,
    decode: (w) => {
      const wide = bits(w, 31, 31) === 1;
      const opc = bits(w, 30, 29);
      const hw = bits(w, 22, 21);
      if (opc === 1 || (!wide && hw > 1)) return null;
      const rd = xreg(bits(w, 4, 0), wide, 'zr');
      const imm16 = BigInt(bits(w, 20, 5));
      const shift = BigInt(hw * 16);
      const width = wide ? MASK64 : 0xffffffffn;
      if (opc === 3) return { mnemonic: 'movk', operands: [rd, imm(imm16), imm(shift)], flow: 'next', writes: written(rd) };
      const value = opc === 2 ? imm16 << shift : ~(imm16 << shift) & width;
      // The operand is the value the register receives (what `mov` aliases print).
      return { mnemonic: opc === 2 ? 'movz' : 'movn', operands: [rd, imm(value)], flow: 'next', writes: written(rd) };
    },
  },
  {
    name: 'logical immediate',
    mask: 0x1f800000,
    value: 0x12000000,
    decode: (w) => {
      const wide = bits(w, 31, 31) === 1;
      const opc = bits(w, 30, 29);
      const value = decodeBitMask(bits(w, 22, 22), bits(w, 15, 10), bits(w, 21, 16), wide);
      if (value === null) return null;
      const rd = xreg(bits(w, 4, 0), wide, opc === 3 ? 'zr' : 'sp');
      const rn = xreg(bits(w, 9, 5), wide, 'zr');
      return { mnemonic: ['and', 'orr', 'eor', 'ands'][opc] as string, operands: [rd, rn, imm(value)], flow: 'next', writes: written(rd) };
    },
  },
  {
    name: 'add/sub immediate',
    mask: 0x1f800000,
    value: 0x11000000,
    decode: (w) => {
      const wide = bits(w, 31, 31) === 1;
      const sub = bits(w, 30, 30) === 1;
      const setFlags = bits(w, 29, 29) === 1;
      const value = bits(w, 21, 10) * (bits(w, 22, 22) ? 4096 : 1);
      const rd = xreg(bits(w, 4, 0), wide, setFlags ? 'zr' : 'sp');
      const rn = xreg(bits(w, 9, 5), wide, 'sp');
      return { mnemonic: `${sub ? 'sub' : 'add'}${setFlags ? 's' : ''}`, operands: [rd, rn, imm(value)], flow: 'next', writes: written(rd) };
    },
  },
  {
    name: 'adr/adrp',
    mask: 0x1f000000,
    value: 0x10000000,
    decode: (w, addr) => {
      const page = bits(w, 31, 31) === 1;
      const immv = sext((bits(w, 23, 5) << 2) | bits(w, 30, 29), 21);
      const rd = xreg(bits(w, 4, 0), true, 'zr');
      // ADRP: the 4 KiB page of the instruction plus imm pages (floor keeps it exact above 2^32).
      const target = page ? Math.floor(addr / 4096) * 4096 + immv * 4096 : addr + immv;
      return { mnemonic: page ? 'adrp' : 'adr', operands: [rd, imm(target)], flow: 'next', writes: written(rd) };
    },
  },
  {
    name: 'logical shifted register',
    mask: 0x1f000000,
    value: 0x0a000000,
    decode: (w) => {
      const wide = bits(w, 31, 31) === 1;
      const opc = bits(w, 30, 29);
      const n = bits(w, 21, 21);
      const rd = xreg(bits(w, 4, 0), wide, 'zr');
      const rn = xreg(bits(w, 9, 5), wide, 'zr');
      const rm = xreg(bits(w, 20, 16), wide, 'zr');
      const amount = bits(w, 15, 10);
      const names = n ? ['bic', 'orn', 'eon', 'bics'] : ['and', 'orr', 'eor', 'ands'];
      const ops: Operand[] = [rd, rn, rm];
      if (amount) ops.push(imm(amount));
      return { mnemonic: names[opc] as string, operands: ops, flow: 'next', writes: written(rd) };
    },
  },
  {
    name: 'add/sub register',
    mask: 0x1f000000,
    value: 0x0b000000,
    decode: (w) => {
      const wide = bits(w, 31, 31) === 1;
      const sub = bits(w, 30, 30) === 1;
      const setFlags = bits(w, 29, 29) === 1;
      // Extended-register forms (bit 21) may name SP as Rd (without S) and Rn.
      const extended = bits(w, 21, 21) === 1;
      const rd = xreg(bits(w, 4, 0), wide, extended && !setFlags ? 'sp' : 'zr');
      const rn = xreg(bits(w, 9, 5), wide, extended ? 'sp' : 'zr');
      const rm = xreg(bits(w, 20, 16), wide, 'zr');
      const amount = extended ? bits(w, 12, 10) : bits(w, 15, 10);
      const ops: Operand[] = [rd, rn, rm];
      if (amount) ops.push(imm(amount));
      return { mnemonic: `${sub ? 'sub' : 'add'}${setFlags ? 's' : ''}`, operands: ops, flow: 'next', writes: written(rd) };
    },
  },
  {
    name: 'conditional select',
    mask: 0x3fe00800,
    value: 0x1a800000,
    decode: (w) => {
      const wide = bits(w, 31, 31) === 1;
      const op = (bits(w, 30, 30) << 1) | bits(w, 10, 10);
      const rd = xreg(bits(w, 4, 0), wide, 'zr');
      const rn = xreg(bits(w, 9, 5), wide, 'zr');
      const rm = xreg(bits(w, 20, 16), wide, 'zr');
      return { mnemonic: ['csel', 'csinc', 'csinv', 'csneg'][op] as string, operands: [rd, rn, rm, imm(bits(w, 15, 12))], flow: 'next', writes: written(rd) };
    },
  },
  {
    name: 'load literal',
    mask: 0x3b000000,
    value: 0x18000000,
    decode: (w, addr) => {
      const opc = bits(w, 31, 30);
      const simd = bits(w, 26, 26) === 1;
      const pcTarget = addr + sext(bits(w, 23, 5), 19) * 4;
      const rt = bits(w, 4, 0);
      if (!simd && opc === 3) return { mnemonic: 'prfm', operands: [], flow: 'next', writes: [] };
      const bytes = simd ? [4, 8, 16][opc] : opc === 0 ? 4 : 8;
      if (!bytes) return null;
      const t = simd ? vreg(rt, bytes) : xreg(rt, opc !== 0, 'zr');
      const mem: Operand = { kind: 'mem', base: null, index: null, scale: 1, disp: 0, bytes: simd || opc !== 2 ? bytes : 4, pcTarget };
      return { mnemonic: opc === 2 && !simd ? 'ldrsw' : 'ldr', operands: [t, mem], flow: 'next', writes: written(t) };
    },
  },
  {
    name: 'load/store register (unsigned offset)',
    mask: 0x3b000000,
    value: 0x39000000,
    decode: (w) => {
      const k = lsKind(w);
      if (!k) return { mnemonic: 'prfm', operands: [], flow: 'next', writes: [] };
      return loadStore(w, k, bits(w, 21, 10) * k.bytes);
    },
  },
  {
    name: 'load/store register (unscaled, pre/post-index)',
    mask: 0x3b200000,
    value: 0x38000000,
    decode: (w) => {
      const k = lsKind(w);
      if (!k) return { mnemonic: 'prfm', operands: [], flow: 'next', writes: [] };
      const mode = bits(w, 11, 10);
      const disp = sext(bits(w, 20, 12), 9);
      if (mode === 1) return loadStore(w, k, disp, 'post');
      if (mode === 3) return loadStore(w, k, disp, 'pre');
      return loadStore(w, k, disp, undefined, true);
    },
  },
  {
    name: 'load/store register (register offset)',
    mask: 0x3b200c00,
    value: 0x38200800,
    decode: (w) => {
      const k = lsKind(w);
      if (!k) return { mnemonic: 'prfm', operands: [], flow: 'next', writes: [] };
      const rt = bits(w, 4, 0);
      const t = k.simd ? vreg(rt, k.bytes) : xreg(rt, k.bytes === 8 || (k.signed && bits(w, 23, 22) === 2), 'zr');
      const base = xreg(bits(w, 9, 5), true, 'sp');
      const index = xreg(bits(w, 20, 16), true, 'zr');
      const scale = bits(w, 12, 12) ? k.bytes : 1;
      const mem: Operand = { kind: 'mem', base: base.family, index: index.family, scale, disp: 0, bytes: k.bytes };
      return { mnemonic: k.load ? 'ldr' : 'str', operands: [t, mem], flow: 'next', writes: k.load ? written(t) : [] };
    },
  },
  {
    name: 'load/store pair',
    mask: 0x3a000000,
    value: 0x28000000,
    decode: (w) => {
      const opc = bits(w, 31, 30);
      const simd = bits(w, 26, 26) === 1;
      const mode = bits(w, 24, 23);
      const load = bits(w, 22, 22) === 1;
      if (opc === 3) return null;
      const bytes = simd ? 4 << opc : opc === 2 ? 8 : 4;
      const signed = !simd && opc === 1;
      const mk = (r: number) => (simd ? vreg(r, bytes) : xreg(r, bytes === 8 || signed, 'zr'));
      const t1 = mk(bits(w, 4, 0));
      const t2 = mk(bits(w, 14, 10));
      const base = xreg(bits(w, 9, 5), true, 'sp');
      const mem: Operand = { kind: 'mem', base: base.family, index: null, scale: 1, disp: sext(bits(w, 21, 15), 7) * bytes, bytes: bytes * 2 };
      if (mode === 1) mem.writeback = 'post';
      if (mode === 3) mem.writeback = 'pre';
      const writes = load ? written(t1, t2) : [];
      if (mem.writeback && !writes.includes(base.family)) writes.push(base.family);
      return { mnemonic: `${load ? 'ld' : 'st'}${mode === 0 ? 'n' : ''}p${signed ? 'sw' : ''}`, operands: [t1, t2, mem], flow: 'next', writes };
    },
  },
];

const COND = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

/**
 * Decodes one word. Unknown encodings become `?` records (flow `next`) that conservatively write
 * the register in bits 4:0 unless the word is in the load/store group with a store-like shape.
 */
export function decodeArm64Word(w: number, addr: number, classes: readonly Arm64Class[] = ARM64_CLASSES): Instruction {
  for (const c of classes) {
    if ((w & c.mask) >>> 0 !== c.value >>> 0) continue;
    const d = c.decode(w, addr);
    if (d) return { addr, length: 4, ...d };
  }
  const rd = bits(w, 4, 0);
  return { addr, length: 4, mnemonic: '?', operands: [], flow: 'next', writes: rd === 31 ? [] : [`x${rd}`] };
}

/** Decodes a little-endian A64 code block loaded at `addr`; a trailing partial word is ignored. */
export function decodeArm64(bytes: Uint8Array, addr: number, classes: readonly Arm64Class[] = ARM64_CLASSES): Instruction[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Instruction[] = new Array(bytes.length >>> 2);
  for (let i = 0; i + 4 <= bytes.length; i += 4) out[i >>> 2] = decodeArm64Word(view.getUint32(i, true), addr + i, classes);
  return out;
}

/** Every word of a block as a number (for scans that look at encodings, not records). */
export function arm64Words(bytes: Uint8Array): Uint32Array {
  const n = bytes.length >>> 2;
  const out = new Uint32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

export type { Flow };
