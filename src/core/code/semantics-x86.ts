import type { ProgramFacts, Semantics } from './dataflow.js';
import type { Instruction, MemOperand, Operand, RegOperand } from './instruction.js';
import { constOf, constVal, globalVal, isUnknown, mapConst, narrow, ptrOf, ptrVal, RegisterFile, type State, UNKNOWN, union, type Val } from './values.js';

/**
 * x86 semantics for the constant propagation: moves of constants, registers, stack slots and
 * globals; XOR/SUB zeroing; LEA of frame addresses; PUSH/POP and SP arithmetic; CMOV as a choice;
 * calls clobber every register but the stack and frame pointers and the fixed g/GOT registers,
 * and may write the callee's argument area. Anything else clobbers what it writes.
 */
export class X86Semantics implements Semantics {
  readonly argBase: number;
  readonly gprs: readonly string[];
  readonly registers: RegisterFile;
  private readonly sp: string;
  private readonly word: number;
  /** Families a call leaves alone: SP, the frame pointer; on amd64 also g (r14) and the GOT base (r15). */
  private readonly preserved: ReadonlySet<string>;

  constructor(readonly bits: 32 | 64) {
    this.word = bits / 8;
    this.argBase = this.word;
    this.sp = bits === 64 ? 'rsp' : 'esp';
    this.gprs =
      bits === 64
        ? ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15']
        : ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'];
    this.preserved = new Set(bits === 64 ? ['rsp', 'rbp', 'r14', 'r15'] : ['esp', 'ebp']);
    this.registers = new RegisterFile(this.gprs);
  }

  /** The value of an operand as the instruction reads it; null for operands with no value (branch targets are immediates). */
  read(s: State, op: Operand | undefined): Val {
    if (!op) return UNKNOWN;
    if (op.kind === 'imm') return constVal(op.value);
    if (op.kind === 'reg') return this.readReg(s, op);
    return this.readMem(s, op);
  }

  private readReg(s: State, r: RegOperand): Val {
    if (r.family === this.sp) return s.sp === null ? UNKNOWN : ptrVal(s.sp);
    if (!this.registers.index.has(r.family)) return UNKNOWN;
    // A full-width register (eax on 386) holds pointers and globals' values whole.
    return r.bits >= this.bits ? s.reg(r.family) : narrow(s.reg(r.family), r.bits);
  }

  /** The entry-relative stack offset a memory operand addresses, or null. */
  slotOf(s: State, m: MemOperand): number | null {
    if (m.base === null || m.pcTarget !== undefined) return null;
    let base: number | null;
    if (m.base === this.sp) base = s.sp;
    else base = ptrOf(s.reg(m.base));
    if (base === null) return null;
    if (m.index !== null) {
      const i = constOf(s.reg(m.index));
      if (i === null) return null;
      return base + m.disp + Number(i) * m.scale;
    }
    return base + m.disp;
  }

  private readMem(s: State, m: MemOperand): Val {
    const bytes = m.bytes || this.word;
    if (m.pcTarget !== undefined) return globalVal(m.pcTarget, bytes);
    if (m.base === null && m.index === null) return globalVal(m.disp, bytes);
    const off = this.slotOf(s, m);
    if (off !== null) return s.load(off, bytes);
    return UNKNOWN;
  }

  /** MOV to an absolute or RIP-relative address (Go's `MOVL $221, syscall·fcntl64Syscall(SB)` in a package init). */
  globalStore(s: State, ins: Instruction): { addr: number; bytes: number; val: Val } | null {
    const [dst, src] = ins.operands;
    if (ins.mnemonic !== 'mov' || dst?.kind !== 'mem') return null;
    const addr = dst.pcTarget ?? (dst.base === null && dst.index === null ? dst.disp : null);
    if (addr === null) return null;
    return { addr, bytes: dst.bytes || this.word, val: this.read(s, src) };
  }

  private write(s: State, op: Operand | undefined, v: Val): void {
    if (!op) return;
    if (op.kind === 'reg') {
      if (op.family === this.sp) {
        s.sp = ptrOf(v);
        return;
      }
      if (!this.registers.index.has(op.family)) return;
      // 32-bit writes zero-extend; 8/16-bit writes merge into the old value, which is not tracked.
      s.setReg(op.family, op.bits >= this.bits ? v : op.bits >= 32 ? narrow(v, op.bits) : UNKNOWN);
      return;
    }
    if (op.kind === 'mem') {
      const bytes = op.bytes || this.word;
      if (op.pcTarget !== undefined || op.base === null) return;
      const off = this.slotOf(s, op);
      if (off !== null) s.store(off, bytes, bytes < this.word ? narrow(v, bytes * 8) : v);
      // A store through SP whose offset is lost: every slot may have changed.
      else if (op.base === this.sp) s.slots.clear();
    }
  }

  private clobber(s: State, ins: Instruction): void {
    for (const f of ins.writes) {
      if (f === this.sp) s.sp = null;
      else if (this.registers.index.has(f)) s.setReg(f, UNKNOWN);
    }
  }

  private call(s: State, ins: Instruction, facts: ProgramFacts, tail: boolean): void {
    for (const r of this.gprs) if (!this.preserved.has(r)) s.setReg(r, UNKNOWN);
    if (tail || s.sp === null) return;
    // The callee may write its stack arguments and results: [SP, SP+args) of this frame.
    const args = ins.target !== undefined ? facts.calleeArgs(ins.target) : null;
    if (args !== null) s.kill(s.sp, s.sp + args);
    else s.kill(s.sp, 0);
  }

  step(s: State, ins: Instruction, facts: ProgramFacts): void {
    const [a, b] = ins.operands;
    switch (ins.flow) {
      case 'call':
      case 'indirect-call':
        this.call(s, ins, facts, false);
        return;
      case 'syscall':
        this.clobber(s, ins);
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
      case 'mov':
      case 'movzx':
        if (a?.kind === 'mem' || a?.kind === 'reg') this.write(s, a, this.read(s, b));
        return;
      case 'movsxd':
      case 'movsx': {
        const src = this.read(s, b);
        const from = b?.kind === 'reg' ? b.bits : b?.kind === 'mem' ? (b.bytes || 4) * 8 : 64;
        this.write(
          s,
          a,
          mapConst(src, (n) => BigInt.asIntN(from, n)),
        );
        return;
      }
      case 'lea': {
        if (b?.kind !== 'mem') break;
        if (b.pcTarget !== undefined) this.write(s, a, constVal(BigInt(b.pcTarget)));
        else {
          const off = this.slotOf(s, b);
          this.write(s, a, off === null ? UNKNOWN : ptrVal(off));
        }
        return;
      }
      case 'xor':
      case 'sub':
        if (a?.kind === 'reg' && b?.kind === 'reg' && a.family === b.family) {
          this.write(s, a, constVal(0n));
          return;
        }
        if (a?.kind === 'reg' && a.family === this.sp && b?.kind === 'imm' && s.sp !== null && ins.mnemonic === 'sub') {
          s.sp -= Number(b.value);
          return;
        }
        break;
      case 'add':
        if (a?.kind === 'reg' && a.family === this.sp && b?.kind === 'imm' && s.sp !== null) {
          s.sp += Number(b.value);
          return;
        }
        if (a?.kind === 'reg' && b?.kind === 'imm') {
          const v = this.read(s, a);
          const p = ptrOf(v);
          this.write(s, a, p !== null ? ptrVal(p + Number(b.value)) : mapConst(v, (n) => n + b.value));
          return;
        }
        break;
      case 'push': {
        const v = this.read(s, a);
        if (s.sp === null) return;
        s.sp -= this.word;
        s.store(s.sp, this.word, v);
        return;
      }
      case 'pop': {
        if (s.sp === null) {
          this.clobber(s, ins);
          return;
        }
        const v = s.load(s.sp, this.word);
        s.sp += this.word;
        if (a?.kind === 'reg' && a.family !== this.sp) this.write(s, a, v);
        else if (a?.kind === 'reg') s.sp = ptrOf(v);
        return;
      }
      case 'xchg':
        if (a?.kind === 'reg' && b?.kind === 'reg') {
          const va = this.read(s, a);
          const vb = this.read(s, b);
          this.write(s, a, vb);
          this.write(s, b, va);
          return;
        }
        break;
      default:
        if (ins.mnemonic.startsWith('cmov') && a?.kind === 'reg') {
          const v = union(this.read(s, a), this.read(s, b));
          this.write(s, a, isUnknown(v) ? UNKNOWN : v);
          return;
        }
        break;
    }
    // Stores by instructions not modelled above invalidate the stack slot they write.
    if (a?.kind === 'mem' && a.base !== null && ins.writes.length === 0 && !['cmp', 'test', 'bt'].includes(ins.mnemonic)) {
      const off = this.slotOf(s, a);
      if (off !== null) s.store(off, a.bytes || this.word, UNKNOWN);
    }
    this.clobber(s, ins);
  }
}
