import type { PclnFunction } from '../go/pclntab.js';
import type { X86Decoder } from './amd64.js';
import { type Arm64Class, type Arm64Decoded, arm64Words, bits } from './arm64.js';

/**
 * The atomics census: which atomic instructions each function of a Go binary contains.
 *
 * arm64: LSE (ARMv8.1 Large System Extensions: LD<op>/ST<op>, SWP, CAS, CASP, every A/L/AL and B/H
 * form) versus exclusive pairs (LDXR/STXR and friends, the LL/SC loops ARMv8.0 needs), plus
 * LDAR/STLR (Go's atomic Load/Store) and DMB. A function's LSE is **guarded** when the function
 * also holds the LL/SC fallback and tests the runtime's CPU flag (`runtime.arm64HasATOMICS` or
 * `internal/cpu.ARM64.HasATOMICS`, loaded with ADRP+LDRB and tested by CBZ/TBZ): that is what
 * Go ≤ 1.22, and Go ≥ 1.23 at GOARM64=v8.0, emit. LSE without that is **unguarded**: built with
 * GOARM64=v8.1+ or `,lse`, or hand-written assembly; it dies with SIGILL on a CPU without LSE.
 *
 * amd64/386: LOCK-prefixed read-modify-write, XCHG with memory (implicitly locked), MFENCE.
 * arm (32-bit): LDREX/STREX (all widths) and DMB.
 */
export type AtomicKind = 'lse' | 'llsc' | 'ldar' | 'stlr' | 'dmb' | 'lock' | 'xchg' | 'mfence';

const SIZE_SUFFIX = ['b', 'h', '', ''];
const ORDER = (w: number) => (bits(w, 23, 23) ? 'a' : '') + (bits(w, 22, 22) ? 'l' : '');
const atomicOp = (mnemonic: string): Arm64Decoded => ({ mnemonic, operands: [], flow: 'next', writes: [] });
const LDOP = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin'];

/** An A64 class with the census kind it counts as. */
export interface AtomicClass extends Arm64Class {
  kind: AtomicKind;
}

/**
 * Atomic A64 encodings (Arm ARM DDI 0487, "Atomic memory operations", "Compare and swap",
 * "Load/store exclusive", "Load-acquire/store-release", "Barriers"), checked against GNU as and
 * Go's asm7.go. Mnemonics as GNU objdump prints them (ST<op> when the loaded value is discarded).
 * They plug into decodeArm64 as extra classes: `decodeArm64(b, a, [...ATOMIC_CLASSES, ...ARM64_CLASSES])`.
 */
export const ATOMIC_CLASSES: readonly AtomicClass[] = [
  {
    // LD<op>{A,L,AL}{B,H}; Rt = XZR without acquire is the ST<op> alias.
    name: 'ld<op>',
    kind: 'lse',
    mask: 0x3f208c00,
    value: 0x38200000,
    decode: (w) => {
      if (bits(w, 26, 26)) return null;
      const st = bits(w, 4, 0) === 31 && !bits(w, 23, 23);
      return atomicOp(`${st ? 'st' : 'ld'}${LDOP[bits(w, 14, 12)]}${ORDER(w)}${SIZE_SUFFIX[bits(w, 31, 30)]}`);
    },
  },
  {
    name: 'swp',
    kind: 'lse',
    mask: 0x3f20fc00,
    value: 0x38208000,
    decode: (w) => (bits(w, 26, 26) ? null : atomicOp(`swp${ORDER(w)}${SIZE_SUFFIX[bits(w, 31, 30)]}`)),
  },
  {
    // CAS: bit 22 is L (release), bit 15 is o0 (acquire... named by the A suffix).
    name: 'cas',
    kind: 'lse',
    mask: 0x3fa07c00,
    value: 0x08a07c00,
    decode: (w) => atomicOp(`cas${bits(w, 22, 22) ? 'a' : ''}${bits(w, 15, 15) ? 'l' : ''}${SIZE_SUFFIX[bits(w, 31, 30)]}`),
  },
  {
    name: 'casp',
    kind: 'lse',
    mask: 0xbfa07c00,
    value: 0x08207c00,
    decode: (w) => atomicOp(`casp${bits(w, 22, 22) ? 'a' : ''}${bits(w, 15, 15) ? 'l' : ''}`),
  },
  {
    name: 'ldxr/ldaxr',
    kind: 'llsc',
    mask: 0x3fe00000,
    value: 0x08400000,
    decode: (w) => atomicOp(`ld${bits(w, 15, 15) ? 'a' : ''}xr${SIZE_SUFFIX[bits(w, 31, 30)]}`),
  },
  {
    name: 'stxr/stlxr',
    kind: 'llsc',
    mask: 0x3fe00000,
    value: 0x08000000,
    decode: (w) => atomicOp(`st${bits(w, 15, 15) ? 'l' : ''}xr${SIZE_SUFFIX[bits(w, 31, 30)]}`),
  },
  {
    name: 'ldxp/ldaxp',
    kind: 'llsc',
    mask: 0xbfe00000,
    value: 0x88600000,
    decode: (w) => atomicOp(`ld${bits(w, 15, 15) ? 'a' : ''}xp`),
  },
  {
    name: 'stxp/stlxp',
    kind: 'llsc',
    mask: 0xbfe00000,
    value: 0x88200000,
    decode: (w) => atomicOp(`st${bits(w, 15, 15) ? 'l' : ''}xp`),
  },
  { name: 'ldar', kind: 'ldar', mask: 0x3fe08000, value: 0x08c08000, decode: (w) => atomicOp(`ldar${SIZE_SUFFIX[bits(w, 31, 30)]}`) },
  { name: 'stlr', kind: 'stlr', mask: 0x3fe08000, value: 0x08808000, decode: (w) => atomicOp(`stlr${SIZE_SUFFIX[bits(w, 31, 30)]}`) },
  { name: 'dmb', kind: 'dmb', mask: 0xfffff0ff, value: 0xd50330bf, decode: () => atomicOp('dmb') },
];

/** A32 (GOARM=6/7 runtime assembly): LDREX/STREX in every width, and DMB. */
const ARM32_CLASSES: readonly { kind: AtomicKind; mask: number; value: number; mnemonic: string }[] = [
  { kind: 'llsc', mask: 0x0f900ff0, value: 0x01900f90, mnemonic: 'ldrex' },
  { kind: 'llsc', mask: 0x0f900ff0, value: 0x01800f90, mnemonic: 'strex' },
  { kind: 'dmb', mask: 0xfffffff0, value: 0xf57ff050, mnemonic: 'dmb' },
];

/** How many instructions of each kind. */
export type AtomicCounts = Record<AtomicKind, number>;

export interface FunctionAtomics extends AtomicCounts {
  name: string;
  package: string;
  entry: number;
  /** arm64: the function's LSE sits behind the runtime's LSE test with an LL/SC fallback. */
  guarded: boolean;
  /** Each atomic mnemonic and how often it occurs (`ldaddal`, `casal`, `lock cmpxchg`). */
  mnemonics: Record<string, number>;
}

/** Where the runtime keeps its "CPU has LSE" byte, when the symbol table says. */
export interface FlagRange {
  name: string;
  start: number;
  end: number;
}

/** The flag symbols Go's runtime and assembly test before an LSE instruction. */
export const LSE_FLAG_SYMBOLS = ['runtime.arm64HasATOMICS', 'internal/cpu.ARM64'];

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const KINDS: AtomicKind[] = ['lse', 'llsc', 'ldar', 'stlr', 'dmb', 'lock', 'xchg', 'mfence'];

/** A function's record; its package is filled in by the caller, only for functions that have atomics. */
export function newFunctionAtomics(name: string, entry: number): FunctionAtomics {
  return { name, package: '', entry, lse: 0, llsc: 0, ldar: 0, stlr: 0, dmb: 0, lock: 0, xchg: 0, mfence: 0, guarded: false, mnemonics: {} };
}

const empty = (f: PclnFunction): FunctionAtomics => newFunctionAtomics(f.name, f.entry);

export function countAtomic(r: FunctionAtomics, kind: AtomicKind, mnemonic: string): void {
  r[kind]++;
  r.mnemonics[mnemonic] = (r.mnemonics[mnemonic] ?? 0) + 1;
}

/** True when the census found any atomic instruction. */
export function hasAtomics(r: FunctionAtomics): boolean {
  return KINDS.some((k) => r[k] > 0);
}

/**
 * arm64: counts a function's atomic instructions (null when it has none) and decides whether its LSE is guarded.
 * `flags` are the flag symbols' address ranges (empty for a stripped binary: then any ADRP+LDRB
 * feeding a CBZ/TBZ counts as the test, which is what Go's code does).
 */
export function arm64Atomics(f: PclnFunction, bytes: Uint8Array, flags: readonly FlagRange[]): FunctionAtomics | null {
  let r: FunctionAtomics | null = null;
  // Read in place: copying every function's words (arm64Words) doubles the census's garbage; a
  // Uint32Array over aligned code on a little-endian host reads a word several times faster than a DataView.
  const n = bytes.byteLength >>> 2;
  const words = LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, n) : null;
  const view = words ? null : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    const w = words ? (words[i] as number) : (view as DataView).getUint32(i * 4, true);
    if (!mayBeAtomic(w)) continue;
    const hit = classifyArm64Atomic(w);
    if (!hit) continue;
    r ??= empty(f);
    countAtomic(r, hit.kind, hit.mnemonic);
  }
  if (r) r.guarded = r.lse > 0 && r.llsc > 0 && testsFlag(arm64Words(bytes), f.entry, flags);
  return r;
}

/**
 * One test that passes every atomic class and few other words (most code is skipped by it): bits
 * 29:24 = 001000 is the load/store-exclusive and ordered space (CAS, CASP, LD/ST[A]X[R|P], LDAR,
 * STLR); 111000 with bit 21 set and bits 11:10 = 00 is LD<op> and SWP (LDR/STR register offset
 * there have bits 11:10 = 10); and the DMB word.
 */
export const mayBeAtomic = (w: number): boolean => (w & 0x3f000000) === 0x08000000 || (w & 0x3f200c00) === 0x38200000 || (w & 0xfffff0ff) >>> 0 === 0xd50330bf;

/** The census kind and objdump mnemonic of an A64 word, or null when it is not an atomic instruction. */
export function classifyArm64Atomic(w: number): { kind: AtomicKind; mnemonic: string } | null {
  for (const c of ATOMIC_CLASSES) {
    if ((w & c.mask) >>> 0 !== c.value >>> 0) continue;
    // The address is not part of any atomic's text.
    const d = c.decode(w, 0);
    if (d) return { kind: c.kind, mnemonic: d.mnemonic };
  }
  return null;
}

/**
 * ADRP xN, page; LDRB wM, [xN, #off]; then CBZ/CBNZ/TBZ/TBNZ wM within a few instructions, on a flag address.
 * `words` are the function's code from `entry`.
 */
export function testsFlag(words: Uint32Array, entry: number, flags: readonly FlagRange[]): boolean {
  // The upper halves first: 16-bit values stay small integers before V8 optimizes the loop.
  const halves = new Uint16Array(words.buffer, words.byteOffset, words.length * 2);
  const upper = LITTLE_ENDIAN_HOST ? 1 : 0;
  for (let i = 1; i < words.length; i++) {
    // LDRB (immediate, unsigned offset): 0011 1001 01 imm12 Rn Rt
    if (((halves[2 * i + upper] as number) & 0xffc0) !== 0x3940) continue;
    const w = words[i] as number;
    const rn = bits(w, 9, 5);
    const rt = bits(w, 4, 0);
    // Go ≤ 1.19 adds the page offset with ADD (ADRP; ADD; LDRB [x, #0]); later Go folds it into the LDRB.
    let page: number | null = null;
    let low = 0;
    for (let j = i - 1; j >= Math.max(0, i - 4) && page === null; j--) {
      const a = words[j] as number;
      if ((a & 0x9f000000) >>> 0 === 0x90000000 && bits(a, 4, 0) === rn) {
        const imm = (((bits(a, 23, 5) << 2) | bits(a, 30, 29)) << 11) >> 11;
        page = Math.floor((entry + j * 4) / 4096) * 4096 + imm * 4096;
      } else if ((a & 0xffc00000) >>> 0 === 0x91000000 && bits(a, 4, 0) === rn && bits(a, 9, 5) === rn) {
        low += bits(a, 21, 10);
      }
    }
    if (page === null) continue;
    const addr = page + low + bits(w, 21, 10);
    if (flags.length && !flags.some((r) => addr >= r.start && addr < r.end)) continue;
    for (let k = i + 1; k < Math.min(words.length, i + 5); k++) {
      const b = words[k] as number;
      if (((b & 0x7e000000) >>> 0 === 0x34000000 || (b & 0x7e000000) >>> 0 === 0x36000000) && bits(b, 4, 0) === rt) return true;
    }
  }
  return false;
}

/** arm (A32): LDREX/STREX and DMB. */
export function arm32Atomics(f: PclnFunction, bytes: Uint8Array): FunctionAtomics | null {
  let r: FunctionAtomics | null = null;
  const words = arm64Words(bytes);
  for (const w of words) {
    for (const c of ARM32_CLASSES) {
      if ((w & c.mask) >>> 0 !== c.value >>> 0) continue;
      // LDREX/STREX carry a condition (bits 31:28); 1111 is the unconditional space, not these.
      if (c.mnemonic !== 'dmb' && bits(w, 31, 28) === 15) continue;
      r ??= empty(f);
      countAtomic(r, c.kind, c.mnemonic);
      break;
    }
  }
  return r;
}

/** Legacy prefixes that may precede LOCK (F0) in an x86 instruction. */
const PREFIX = new Set([0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67]);

/** amd64/386: LOCK-prefixed instructions, XCHG with a memory operand, MFENCE. */
export function x86Atomics(f: PclnFunction, bytes: Uint8Array, decoder: X86Decoder, bits64: boolean): FunctionAtomics | null {
  const r = empty(f);
  for (const ins of decoder.decode(bytes, f.entry, { detail: false })) {
    const m = ins.mnemonic;
    if (m === 'mfence') {
      countAtomic(r, 'mfence', m);
      continue;
    }
    let p = ins.addr - f.entry;
    const end = p + ins.length;
    let lock = false;
    while (p < end && PREFIX.has(bytes[p] as number)) if (bytes[p++] === 0xf0) lock = true;
    if (lock) {
      countAtomic(r, 'lock', `lock ${m}`);
      continue;
    }
    if (m !== 'xchg') continue;
    if (bits64 && ((bytes[p] as number) & 0xf0) === 0x40) p++;
    const op = bytes[p];
    // 86/87 /r: XCHG r/m, r — memory when ModRM.mod != 11 (90+r forms are register-only).
    if ((op === 0x86 || op === 0x87) && p + 1 < end && (bytes[p + 1] as number) >> 6 !== 3) countAtomic(r, 'xchg', m);
  }
  return hasAtomics(r) ? r : null;
}

/** What `check` needs of an arm64 census: is LSE required, and the evidence for it. */
export interface AtomicsSummary {
  lse: number;
  lseUnguarded: number;
  llsc: number;
  /** Functions with unguarded LSE, most first (up to 5), as `name (n× mnemonic)`. */
  unguardedFunctions: string[];
}

export function summarizeAtomics(functions: readonly FunctionAtomics[]): AtomicsSummary {
  const unguarded = functions.filter((f) => f.lse > 0 && !f.guarded).sort((a, b) => b.lse - a.lse);
  const lseNames = (f: FunctionAtomics) =>
    Object.entries(f.mnemonics)
      .filter(([m]) => /^(ld|st)(add|clr|eor|set|smax|smin|umax|umin)|^swp|^cas/.test(m))
      .map(([m, n]) => `${n}× ${m}`)
      .join(', ');
  return {
    lse: functions.reduce((n, f) => n + f.lse, 0),
    lseUnguarded: unguarded.reduce((n, f) => n + f.lse, 0),
    llsc: functions.reduce((n, f) => n + f.llsc, 0),
    unguardedFunctions: unguarded.slice(0, 5).map((f) => `${f.name} (${lseNames(f)})`),
  };
}
