import type { ProgramFacts, Semantics } from './dataflow.js';
import type { ImmOperand, Instruction, MemOperand, Operand, RegOperand } from './instruction.js';
import { constOf, constVal, globalVal, mapConst, narrow, ptrOf, ptrVal, RegisterFile, type State, UNKNOWN, union, type Val } from './values.js';

const GPRS = Array.from({ length: 31 }, (_, i) => `x${i}`);
const REGISTERS = new RegisterFile(GPRS);
/** Go on arm64 keeps g in x28 and the frame pointer in x29 across calls; everything else is the callee's. */
const PRESERVED = new Set(['x28', 'x29']);

/**
 * A64 semantics for the constant propagation: MOVZ/MOVN/MOVK, ORR/AND/EOR immediate (ORR with the
 * zero register is Go's `MOVD $c`), ADD/SUB immediate (SP arithmetic and frame addresses), ADRP/ADR,
 * loads and stores (pairs, pre/post-index writeback, literal and register-offset forms) to stack
 * slots and static addresses, CSEL as a choice. Calls clobber x0–x27 and x30.
 */
export class Arm64Semantics implements Semantics {
  /** Go's arm64 frames keep the caller's saved-LR slot at 0(RSP); arguments start at 8. */
  readonly argBase = 8;
  readonly gprs = GPRS;
  readonly registers = REGISTERS;

  read(s: State, op: Operand | undefined): Val {
    if (!op) return UNKNOWN;
    if (op.kind === 'imm') return constVal(op.value);
    if (op.kind === 'reg') return this.readReg(s, op);
    return UNKNOWN;
  }

  private readReg(s: State, r: RegOperand): Val {
    if (r.family === 'xzr') return constVal(0n);
    if (r.family === 'sp') return s.sp === null ? UNKNOWN : ptrVal(s.sp);
    if (r.family.startsWith('v')) return UNKNOWN;
    return narrow(s.reg(r.family), r.bits);
  }

  private writeReg(s: State, r: Operand | undefined, v: Val): void {
    if (r?.kind !== 'reg' || r.family === 'xzr' || r.family.startsWith('v')) return;
    if (r.family === 'sp') {
      s.sp = ptrOf(v);
      return;
    }
    s.setReg(r.family, narrow(v, r.bits));
  }

  /** Base address of a memory operand: an entry-relative frame offset or a static address. */
  private base(s: State, m: MemOperand): { frame: number } | { addr: number } | null {
    if (m.pcTarget !== undefined) return { addr: m.pcTarget };
    if (m.base === null) return null;
    let frame: number | null = null;
    let addr: bigint | null = null;
    if (m.base === 'sp') frame = s.sp;
    else {
      const v = s.reg(m.base);
      frame = ptrOf(v);
      if (frame === null) addr = constOf(v);
    }
    let extra = 0;
    if (m.index !== null) {
      const i = constOf(m.index === 'xzr' ? constVal(0n) : s.reg(m.index));
      if (i === null) return null;
      extra = Number(BigInt.asIntN(64, i)) * m.scale;
    }
    // Post-index addresses the old base; plain and pre-index add the displacement first.
    const disp = m.writeback === 'post' ? 0 : m.disp;
    if (frame !== null) return { frame: frame + disp + extra };
    if (addr !== null) return { addr: Number(addr) + disp + extra };
    return null;
  }

  private writeback(s: State, m: MemOperand): void {
    if (!m.writeback || m.base === null) return;
    if (m.base === 'sp') {
      if (s.sp !== null) s.sp += m.disp;
      return;
    }
    const v = s.reg(m.base);
    const p = ptrOf(v);
    s.setReg(m.base, p !== null ? ptrVal(p + m.disp) : mapConst(v, (n) => n + BigInt(m.disp)));
  }

  private load(s: State, m: MemOperand, bytes: number): Val {
    const b = this.base(s, m);
    if (!b) return UNKNOWN;
    if ('frame' in b) return s.load(b.frame, bytes);
    return globalVal(b.addr, bytes);
  }

  /** STR/STUR of a register to an address built from a constant (ADRP + offset): a store to a global. */
  globalStore(s: State, ins: Instruction): { addr: number; bytes: number; val: Val } | null {
    const [a, m] = ins.operands;
    if (!/^stu?r[bh]?$/.test(ins.mnemonic) || a?.kind !== 'reg' || m?.kind !== 'mem') return null;
    const b = this.base(s, m);
    if (!b || 'frame' in b) return null;
    return { addr: b.addr, bytes: m.bytes, val: a.family.startsWith('v') ? UNKNOWN : this.read(s, a) };
  }

  private store(s: State, m: MemOperand, bytes: number, v: Val): void {
    const b = this.base(s, m);
    if (b && 'frame' in b) s.store(b.frame, bytes, v);
    else if (!b && m.base === 'sp') s.slots.clear();
  }

  private call(s: State, ins: Instruction, facts: ProgramFacts, tail: boolean): void {
    for (const r of GPRS) if (!PRESERVED.has(r)) s.setReg(r, UNKNOWN);
    if (tail || s.sp === null) return;
    const args = ins.target !== undefined ? facts.calleeArgs(ins.target) : null;
    // The callee's arguments and results sit at 8(RSP) upwards in this frame.
    if (args !== null) s.kill(s.sp, s.sp + 8 + args);
    else s.kill(s.sp, 0);
  }

  step(s: State, ins: Instruction, facts: ProgramFacts): void {
    const ops = ins.operands;
    const [a, b, c] = ops;
    switch (ins.flow) {
      case 'call':
      case 'indirect-call':
        this.call(s, ins, facts, false);
        return;
      case 'syscall':
        s.setReg('x0', UNKNOWN);
        return;
      case 'jump':
      case 'branch':
      case 'return':
      case 'indirect-jump':
      case 'trap':
        return;
      default:
        break;
    }
    switch (ins.mnemonic) {
      case 'movz':
      case 'movn':
        this.writeReg(s, a, this.read(s, b));
        return;
      case 'movk': {
        const imm = (b as ImmOperand).value;
        const shift = (c as ImmOperand).value;
        const mask = 0xffffn << shift;
        this.writeReg(
          s,
          a,
          mapConst(this.read(s, a), (n) => (n & ~mask) | (imm << shift)),
        );
        return;
      }
      case 'orr':
      case 'eor':
      case 'and':
        if (ops.length === 3 && c?.kind === 'imm') {
          const x = c.value;
          const f = ins.mnemonic === 'orr' ? (n: bigint) => n | x : ins.mnemonic === 'eor' ? (n: bigint) => n ^ x : (n: bigint) => n & x;
          this.writeReg(s, a, mapConst(this.read(s, b), f));
          return;
        }
        // MOV Xd, Xm is ORR Xd, XZR, Xm.
        if (ins.mnemonic === 'orr' && ops.length === 3 && b?.kind === 'reg' && b.family === 'xzr') {
          this.writeReg(s, a, this.read(s, c));
          return;
        }
        break;
      case 'add':
      case 'sub': {
        const sign = ins.mnemonic === 'add' ? 1 : -1;
        if (ops.length !== 3) break;
        const rn = this.read(s, b);
        const rm = this.read(s, c);
        const k = constOf(rm);
        if (k === null) break;
        const p = ptrOf(rn);
        if (p !== null) this.writeReg(s, a, ptrVal(p + sign * Number(BigInt.asIntN(64, k))));
        else
          this.writeReg(
            s,
            a,
            mapConst(rn, (n) => (sign > 0 ? n + k : n - k)),
          );
        return;
      }
      case 'adrp':
      case 'adr':
        this.writeReg(s, a, this.read(s, b));
        return;
      case 'csel':
        this.writeReg(s, a, union(this.read(s, b), this.read(s, c)));
        return;
      case 'stp':
      case 'stnp': {
        const m = c as MemOperand;
        const half = m.bytes / 2;
        const b0 = this.base(s, m);
        if (b0 && 'frame' in b0) {
          s.store(b0.frame, half, a?.kind === 'reg' && a.family.startsWith('v') ? UNKNOWN : this.read(s, a));
          s.store(b0.frame + half, half, b?.kind === 'reg' && b.family.startsWith('v') ? UNKNOWN : this.read(s, b));
        } else if (!b0 && m.base === 'sp') s.slots.clear();
        this.writeback(s, m);
        return;
      }
      case 'ldp':
      case 'ldnp':
      case 'ldpsw': {
        const m = c as MemOperand;
        const half = m.bytes / 2;
        const b0 = this.base(s, m);
        const v1 = b0 && 'frame' in b0 ? s.load(b0.frame, half) : UNKNOWN;
        const v2 = b0 && 'frame' in b0 ? s.load(b0.frame + half, half) : UNKNOWN;
        this.writeback(s, m);
        this.writeReg(s, a, v1);
        this.writeReg(s, b, v2);
        return;
      }
      default:
        break;
    }
    const m = ops.find((o): o is MemOperand => o.kind === 'mem');
    if (m && /^(ld|st)/.test(ins.mnemonic) && a?.kind === 'reg') {
      if (ins.mnemonic.startsWith('st')) {
        this.store(s, m, m.bytes, a.family.startsWith('v') ? UNKNOWN : this.read(s, a));
        this.writeback(s, m);
        return;
      }
      const v = this.load(s, m, m.bytes);
      this.writeback(s, m);
      const signed = /^ldurs|^ldrs/.test(ins.mnemonic);
      this.writeReg(s, a, signed ? mapConst(v, (n) => BigInt.asIntN(m.bytes * 8, n)) : v);
      return;
    }
    for (const f of ins.writes) {
      if (f === 'sp') s.sp = null;
      else if (f !== 'xzr') s.setReg(f, UNKNOWN);
    }
  }
}
