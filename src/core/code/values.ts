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
  if (a === b) return a;
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

/**
 * Registers and stack slots at one program point. Registers absent from the map still hold their
 * entry value; slots are keyed by their offset from the stack pointer at function entry, so they
 * stay meaningful while SP moves. `sp` is the current SP's offset from entry SP (null: lost).
 */
export class State {
  regs = new Map<string, Val>();
  slots = new Map<number, Slot>();
  sp: number | null = 0;

  /** Offsets at or above this (relative to entry SP) belong to the caller: stack arguments. */
  constructor(readonly argBase: number) {}

  clone(): State {
    const s = new State(this.argBase);
    s.regs = new Map(this.regs);
    s.slots = new Map(this.slots);
    s.sp = this.sp;
    return s;
  }

  reg(family: string): Val {
    return this.regs.get(family) ?? regArg(family);
  }

  setReg(family: string, v: Val): void {
    this.regs.set(family, v);
  }

  /** An unknown-everything state (a block reached in ways the analysis cannot follow). */
  static unknown(argBase: number, regs: Iterable<string>): State {
    const s = new State(argBase);
    for (const r of regs) s.regs.set(r, UNKNOWN);
    s.sp = null;
    return s;
  }

  private slotDefault(off: number): Val {
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

  /** The join of two states at a control-flow merge; true in `changed` when `this` grew. */
  joinFrom(other: State): boolean {
    let changed = false;
    if (this.sp !== other.sp && this.sp !== null) {
      this.sp = null;
      changed = true;
    }
    const regKeys = new Set([...this.regs.keys(), ...other.regs.keys()]);
    for (const k of regKeys) {
      const a = this.reg(k);
      const j = union(a, other.reg(k));
      if (!this.regs.has(k) || !sameVal(a, j)) {
        if (!sameVal(a, j)) changed = true;
        this.regs.set(k, j);
      }
    }
    const slotKeys = new Set([...this.slots.keys(), ...other.slots.keys()]);
    for (const k of slotKeys) {
      const a = this.slots.get(k);
      const b = other.slots.get(k);
      const bytes = a?.bytes ?? b?.bytes ?? 8;
      if (a && b && a.bytes !== b.bytes) {
        if (!isUnknown(a.val)) changed = true;
        this.slots.set(k, { bytes: a.bytes, val: UNKNOWN });
        continue;
      }
      const av = a?.val ?? this.slotDefault(k);
      const j = union(av, b?.val ?? other.slotDefault(k));
      if (!a || !sameVal(av, j)) {
        if (!sameVal(av, j)) changed = true;
        this.slots.set(k, { bytes, val: j });
      }
    }
    return changed;
  }
}
