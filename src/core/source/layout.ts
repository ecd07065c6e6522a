import type { Field, GoType, TypeDecl, Universe } from './types.js';

/** Word size and the largest alignment gc uses (types2.SizesFor("gc", GOARCH)). */
export interface ArchSizes {
  word: number;
  maxAlign: number;
}

/** The 32-bit GOARCHes: int64 is 4-byte aligned there, so 64-bit atomics can be misaligned. */
export const ARCH32 = ['386', 'arm', 'mips', 'mipsle'];

export function archSizes(goarch: string): ArchSizes {
  return ARCH32.includes(goarch) ? { word: 4, maxAlign: 4 } : { word: 8, maxAlign: 8 };
}

const BASIC_SIZE: Record<string, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
  complex64: 8,
  complex128: 16,
};

/** gc gives these zero-size types 8-byte alignment (types2 isSyncAtomicAlign64), which is what makes atomic.Int64 safe. */
const ALIGN64 = new Set(['sync/atomic.align64', 'runtime/internal/atomic.align64', 'internal/runtime/atomic.align64']);

const named = (pkg: string, name: string): GoType => ({ k: 'named', pkg, name });
const b = (name: string): GoType => ({ k: 'basic', name });
const f = (name: string, type: GoType, embedded = false): Field => ({ name, embedded, type });
const st = (...fields: Field[]): GoType => ({ k: 'struct', fields });

/**
 * Standard-library types met in user structs, as their source declares them (Go 1.20+), for when
 * the standard library is not among the files being linted. Types whose layout changed across
 * versions in a way that matters here are left out.
 */
const STD: Record<string, GoType> = {
  'sync/atomic.noCopy': st(),
  'sync/atomic.Bool': st(f('_', named('sync/atomic', 'noCopy')), f('v', b('uint32'))),
  'sync/atomic.Int32': st(f('_', named('sync/atomic', 'noCopy')), f('v', b('int32'))),
  'sync/atomic.Uint32': st(f('_', named('sync/atomic', 'noCopy')), f('v', b('uint32'))),
  'sync/atomic.Int64': st(f('_', named('sync/atomic', 'noCopy')), f('_', named('sync/atomic', 'align64')), f('v', b('int64'))),
  'sync/atomic.Uint64': st(f('_', named('sync/atomic', 'noCopy')), f('_', named('sync/atomic', 'align64')), f('v', b('uint64'))),
  'sync/atomic.Uintptr': st(f('_', named('sync/atomic', 'noCopy')), f('v', b('uintptr'))),
  'sync/atomic.Pointer': st(f('_', named('sync/atomic', 'noCopy')), f('v', b('unsafe.Pointer'))),
  'sync/atomic.Value': st(f('v', { k: 'interface' })),
  'sync.Mutex': st(f('state', b('int32')), f('sema', b('uint32'))),
  'sync.RWMutex': st(
    f('w', named('sync', 'Mutex')),
    f('writerSem', b('uint32')),
    f('readerSem', b('uint32')),
    f('readerCount', b('int32')),
    f('readerWait', b('int32')),
  ),
  'sync.Once': st(f('done', b('uint32')), f('m', named('sync', 'Mutex'))),
  'sync.WaitGroup': st(f('state', named('sync/atomic', 'Uint64')), f('sema', b('uint32'))),
  'time.Time': st(f('wall', b('uint64')), f('ext', b('int64')), f('loc', { k: 'pointer', elem: named('time', 'Location') })),
  'time.Duration': b('int64'),
  'time.Month': b('int'),
  'time.Weekday': b('int'),
};

export interface SizeAlign {
  size: number;
  align: number;
}

/** A field found by name, possibly promoted through embedded structs. */
export interface FieldRef {
  /** Offset from the start of the value searched; meaningless when `viaPointer`. */
  offset: number;
  /** Offset inside the allocation the field lives in when reached through an embedded pointer. */
  viaPointer: boolean;
  type: GoType;
  /** The named struct type that declares the field, when it is named. */
  owner: { pkg: string; name: string } | null;
}

/** Struct layout as gc computes it for one GOARCH. Unknown types make sizes null: no guess. */
export class Layout {
  readonly sizes: ArchSizes;
  private readonly memo = new Map<GoType, SizeAlign | null>();

  constructor(
    private readonly universe: Universe,
    readonly goarch: string,
  ) {
    this.sizes = archSizes(goarch);
  }

  /** The declaration of a named type built for this GOARCH (the first of several only when none says). */
  decl(pkg: string, name: string): TypeDecl | null {
    const decls = this.universe.get(pkg)?.types.get(name);
    if (!decls?.length) return null;
    return decls.find((d) => d.arches.includes(this.goarch)) ?? (decls.length === 1 ? (decls[0] ?? null) : null);
  }

  /** The underlying type: named types followed to their definitions. */
  underlying(t: GoType): GoType {
    let cur = t;
    for (let i = 0; i < 32 && cur.k === 'named'; i++) {
      const d = this.decl(cur.pkg, cur.name);
      const std = STD[`${cur.pkg}.${cur.name}`];
      if (d) cur = d.type;
      else if (std) cur = std;
      else return { k: 'unknown' };
    }
    return cur;
  }

  sizeAlign(t: GoType, depth = 0): SizeAlign | null {
    if (this.memo.has(t)) return this.memo.get(t) ?? null;
    const r = depth > 64 ? null : this.compute(t, depth);
    this.memo.set(t, r);
    return r;
  }

  private compute(t: GoType, depth: number): SizeAlign | null {
    const { word, maxAlign } = this.sizes;
    switch (t.k) {
      case 'named':
        if (ALIGN64.has(`${t.pkg}.${t.name}`)) return { size: 0, align: 8 };
        return this.sizeAlign(this.underlying(t), depth + 1);
      case 'basic': {
        if (t.name === 'string') return { size: 2 * word, align: word };
        if (t.name === 'int' || t.name === 'uint' || t.name === 'uintptr' || t.name === 'unsafe.Pointer') return { size: word, align: word };
        const size = BASIC_SIZE[t.name];
        if (size === undefined) return null;
        const a = t.name.startsWith('complex') ? size / 2 : size;
        return { size, align: Math.min(a, maxAlign) };
      }
      case 'pointer':
      case 'map':
      case 'chan':
      case 'func':
        return { size: word, align: word };
      case 'interface':
        return { size: 2 * word, align: word };
      case 'slice':
        return { size: 3 * word, align: word };
      case 'array': {
        const e = this.sizeAlign(t.elem, depth + 1);
        if (t.len === null || !e) return t.len === 0 && e ? { size: 0, align: e.align } : null;
        return { size: e.size * t.len, align: e.align };
      }
      case 'struct': {
        const offs = this.offsets(t.fields, depth);
        if (!offs) return null;
        let align = 1;
        for (const x of offs) align = Math.max(align, x.align);
        if (!t.fields.length) return { size: 0, align: 1 };
        const last = offs[offs.length - 1] as { offset: number; size: number };
        // gc: the last field of a non-zero-sized struct may not have size 0 (a pointer to it would point past the end).
        const size = last.offset > 0 && last.size === 0 ? 1 : last.size;
        return { size: roundUp(last.offset + size, align), align };
      }
      default:
        return null;
    }
  }

  private offsets(fields: Field[], depth: number): { offset: number; size: number; align: number }[] | null {
    const out: { offset: number; size: number; align: number }[] = [];
    let off = 0;
    for (const fl of fields) {
      const sa = this.sizeAlign(fl.type, depth + 1);
      if (!sa) return null;
      off = roundUp(off, sa.align);
      out.push({ offset: off, size: sa.size, align: sa.align });
      off += sa.size;
    }
    return out;
  }

  /** Offset of field `name` in a struct type (named or literal), searching embedded fields breadth-first as Go does. */
  field(t: GoType, name: string): FieldRef | null {
    let level: { type: GoType; offset: number; viaPointer: boolean }[] = [{ type: t, offset: 0, viaPointer: false }];
    for (let depth = 0; depth < 8 && level.length; depth++) {
      const next: typeof level = [];
      let found: FieldRef | null = null;
      let count = 0;
      for (const cand of level) {
        const owner = cand.type.k === 'named' ? { pkg: cand.type.pkg, name: cand.type.name } : null;
        const u = this.underlying(cand.type);
        if (u.k !== 'struct') continue;
        const offs = this.offsets(u.fields, 0);
        u.fields.forEach((fl, i) => {
          const o = offs ? (offs[i]?.offset ?? 0) : Number.NaN;
          if (fl.name === name) {
            count++;
            found = { offset: cand.offset + o, viaPointer: cand.viaPointer, type: fl.type, owner };
          } else if (fl.embedded) {
            const ptr = fl.type.k === 'pointer';
            next.push({ type: ptr ? (fl.type as { elem: GoType }).elem : fl.type, offset: ptr ? 0 : cand.offset + o, viaPointer: cand.viaPointer || ptr });
          }
        });
      }
      // Two fields of the same name at the same depth: the selector is ambiguous (Go rejects it).
      if (count === 1) return found;
      if (count > 1) return null;
      level = next;
    }
    return null;
  }
}

export function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
