/**
 * The abstract values a register or stack slot can hold at one point of a function, for the
 * constant-propagation analyses of this stage (which trap number reaches a SYSCALL, say).
 *
 * A value is a small set of atoms (the join of the paths that reach the point), each one of:
 *   `c:N`        the constant N (decimal, unsigned 64-bit)
 *   `a:r:REG`    whatever REG held when the function was entered (a register argument)
 *   `a:s:OFF`    whatever the caller left at entry SP+OFF (a stack argument)
 *   `g:ADDR:N`   the N bytes stored at the static address ADDR (a global; its initial value is in the file)
 *   `p:OFF`      the address entry SP+OFF (a pointer into the frame)
 *   `u`          unknown
 * Sets larger than {@link MAX_ATOMS} become unknown, which keeps the fixpoint short.
 */
export type Atom = string;
export type Val = readonly Atom[];

export const UNKNOWN: Val = ['u'];
/** A switch over more cases than this is not a trap table worth enumerating. */
export const MAX_ATOMS = 24;

export const constVal = (n: bigint): Val => [`c:${BigInt.asUintN(64, n)}`];
export const regArg = (reg: string): Val => [`a:r:${reg}`];
export const stackArg = (off: number): Val => [`a:s:${off}`];
export const ptrVal = (off: number): Val => [`p:${off}`];
export const globalVal = (addr: number, bytes: number): Val => [`g:${addr}:${bytes}`];

export function isUnknown(v: Val): boolean {
  return v.length === 1 && v[0] === 'u';
}

/** The single constant of a value, or null. */
export function constOf(v: Val): bigint | null {
  if (v.length !== 1) return null;
  const a = v[0] as string;
  return a.startsWith('c:') ? BigInt(a.slice(2)) : null;
}

/** The single frame pointer of a value (entry-relative), or null. */
export function ptrOf(v: Val): number | null {
  if (v.length !== 1) return null;
  const a = v[0] as string;
  return a.startsWith('p:') ? Number(a.slice(2)) : null;
}

export function union(a: Val, b: Val): Val {
  if (a === b || sameVal(a, b)) return a;
  if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
  const s = new Set(a);
  for (const x of b) s.add(x);
  if (s.size === a.length) return a;
  if (s.size > MAX_ATOMS) return UNKNOWN;
  return [...s].sort();
}

/** Applies `f` to every constant; any other atom becomes unknown. */
export function mapConst(v: Val, f: (n: bigint) => bigint): Val {
  const out = new Set<Atom>();
  for (const a of v) {
    if (!a.startsWith('c:')) return UNKNOWN;
    out.add(`c:${BigInt.asUintN(64, f(BigInt(a.slice(2))))}`);
  }
  return [...out].sort();
}

/** Truncates constants to `bits` (a 32-bit register read or write); arguments pass (traps are small), anything else is unknown. */
export function narrow(v: Val, bits: number): Val {
  if (bits >= 64) return v;
  const out = new Set<Atom>();
  for (const a of v) {
    if (a.startsWith('c:')) out.add(`c:${BigInt.asUintN(bits, BigInt(a.slice(2)))}`);
    else if (a.startsWith('a:') && bits >= 32) out.add(a);
    else return UNKNOWN;
  }
  return [...out].sort();
}

export function sameVal(a: Val, b: Val): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Slot {
  bytes: number;
  val: Val;
}

/** The registers a state tracks, each at a fixed index (an architecture's general-purpose families). */
export class RegisterFile {
  readonly index = new Map<string, number>();
  constructor(readonly names: readonly string[]) {
    for (const [i, n] of names.entries()) this.index.set(n, i);
  }
}

/**
 * Registers and stack slots at one program point. Registers never written still hold their entry
 * value (undefined in the array); slots are keyed by their offset from the stack pointer at function
 * entry, so they stay meaningful while SP moves. `sp` is the current SP's offset from entry SP (null: lost).
 */
export class State {
  regs: (Val | undefined)[];
  slots = new Map<number, Slot>();
  sp: number | null = 0;

  /** `argBase`: offsets at or above this (relative to entry SP) belong to the caller: stack arguments. */
  constructor(
    readonly file: RegisterFile,
    readonly argBase: number,
  ) {
    this.regs = new Array(file.names.length);
  }

  clone(): State {
    const s = new State(this.file, this.argBase);
    s.regs = this.regs.slice();
    s.slots = new Map(this.slots);
    s.sp = this.sp;
    return s;
  }

  /** A register's value; untracked families (segment, vector registers) are unknown. */
  reg(family: string): Val {
    const i = this.file.index.get(family);
    if (i === undefined) return UNKNOWN;
    return this.regs[i] ?? regArg(family);
  }

  setReg(family: string, v: Val): void {
    const i = this.file.index.get(family);
    if (i !== undefined) this.regs[i] = v;
  }

  /** An unknown-everything state (a block reached in ways the analysis cannot follow). */
  static unknown(file: RegisterFile, argBase: number): State {
    const s = new State(file, argBase);
    s.regs.fill(UNKNOWN);
    s.sp = null;
    return s;
  }

  slotDefault(off: number): Val {
    return off >= this.argBase ? stackArg(off) : UNKNOWN;
  }

  load(off: number, bytes: number): Val {
    const s = this.slots.get(off);
    if (!s) {
      // A narrower read of a wider store, or a read overlapping another slot, is not tracked.
      for (const [o, x] of this.slots) if (o < off && o + x.bytes > off) return UNKNOWN;
      return this.slotDefault(off);
    }
    if (s.bytes === bytes) return s.val;
    if (bytes < s.bytes) return narrow(s.val, bytes * 8);
    return UNKNOWN;
  }

  store(off: number, bytes: number, v: Val): void {
    // Whatever the store overlaps is gone.
    for (const [o, x] of this.slots) if (o < off + bytes && o + x.bytes > off && o !== off) this.slots.delete(o);
    this.slots.set(off, { bytes, val: v });
  }

  /** Forgets the slots in [from, to) (a callee wrote its results there, say). */
  kill(from: number, to: number): void {
    for (const [o, x] of this.slots) if (o < to && o + x.bytes > from) this.slots.set(o, { bytes: x.bytes, val: UNKNOWN });
  }

  /** The join of two states at a control-flow merge; true when `this` grew. */
  joinFrom(other: State): boolean {
    let changed = false;
    if (this.sp !== other.sp && this.sp !== null) {
      this.sp = null;
      changed = true;
    }
    const names = this.file.names;
    for (let i = 0; i < names.length; i++) {
      const a = this.regs[i];
      const b = other.regs[i];
      if (a === b) continue;
      const av = a ?? regArg(names[i] as string);
      const j = union(av, b ?? regArg(names[i] as string));
      if (j !== av || a === undefined) this.regs[i] = j;
      if (j !== av) changed = true;
    }
    for (const [k, b] of other.slots) {
      const a = this.slots.get(k);
      if (a === b) continue;
      if (a && a.bytes !== b.bytes) {
        if (!isUnknown(a.val)) {
          this.slots.set(k, { bytes: a.bytes, val: UNKNOWN });
          changed = true;
        }
        continue;
      }
      const av = a?.val ?? this.slotDefault(k);
      const j = union(av, b.val);
      if (!a || j !== av) this.slots.set(k, { bytes: b.bytes, val: j });
      if (j !== av) changed = true;
    }
    for (const [k, a] of this.slots) {
      if (other.slots.has(k)) continue;
      const j = union(a.val, other.slotDefault(k));
      if (j !== a.val) {
        this.slots.set(k, { bytes: a.bytes, val: j });
        changed = true;
      }
    }
    return changed;
  }
}
