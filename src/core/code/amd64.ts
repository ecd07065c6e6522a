import type * as Iced from 'iced-x86';
import type { Flow, Instruction, Operand } from './instruction.js';

/**
 * x86 decoding (amd64, and 386 with bitness 32) through iced-x86, a complete, maintained decoder
 * (Go's runtime assembly holds VEX/EVEX code, so a hand-made length decoder would be wrong).
 *
 * iced-x86's npm build loads its WASM with Node's `fs`, so the core does not import it: the caller
 * passes the loaded module (src/node/code/iced.ts `loadIced()` in Node; a web build of iced in a page).
 * Callers get plain {@link Instruction} records, never iced's objects.
 */
export type IcedModule = typeof Iced;

interface RegInfo {
  name: string;
  family: string;
  bits: number;
  gpr: boolean;
}

/** A decoder bound to one loaded iced module: its register and mnemonic names are computed once. */
export class X86Decoder {
  private readonly regs: RegInfo[] = [];
  private readonly mnemonics: string[] = [];
  private readonly memSizes: number[] = [];
  private readonly instr: Iced.Instruction;
  private readonly info: Iced.InstructionInfoFactory;
  /** Mnemonics whose only general-purpose register write is operand 0 (when it is a register), for which iced's slower access query is skipped. */
  private readonly simpleOp0: Set<number>;
  /** Mnemonics that read operand 0 and write no register. */
  private readonly readOnly: Set<number>;

  constructor(
    private readonly iced: IcedModule,
    readonly bitness: 32 | 64 = 64,
  ) {
    const { Register, RegisterExt, Mnemonic } = iced;
    for (let r = 0; typeof Register[r] === 'string'; r++) {
      const full = RegisterExt.fullRegister(r);
      const gpr = RegisterExt.isGPR(r);
      // In 32-bit code the GPR families are the 32-bit registers.
      const family = gpr && bitness === 32 ? RegisterExt.fullRegister32(r) : full;
      this.regs.push({ name: String(Register[r]).toLowerCase(), family: String(Register[family]).toLowerCase(), bits: RegisterExt.size(r) * 8, gpr });
    }
    for (let m = 0; typeof Mnemonic[m] === 'string'; m++) this.mnemonics.push(String(Mnemonic[m]).toLowerCase());
    for (let m = 0; typeof iced.MemorySize[m] === 'string'; m++) this.memSizes.push(iced.MemorySizeExt.size(m));
    const M = Mnemonic;
    this.simpleOp0 = new Set([
      M.Mov,
      M.Lea,
      M.Movzx,
      M.Movsx,
      M.Movsxd,
      M.Add,
      M.Sub,
      M.And,
      M.Or,
      M.Xor,
      M.Adc,
      M.Sbb,
      M.Shl,
      M.Shr,
      M.Sar,
      M.Rol,
      M.Ror,
      M.Inc,
      M.Dec,
      M.Neg,
      M.Not,
      M.Bswap,
      M.Popcnt,
      M.Lzcnt,
      M.Tzcnt,
      M.Bsf,
      M.Bsr,
      M.Andn,
      M.Shlx,
      M.Shrx,
      M.Sarx,
      M.Rorx,
      M.Cmova,
      M.Cmovae,
      M.Cmovb,
      M.Cmovbe,
      M.Cmove,
      M.Cmovg,
      M.Cmovge,
      M.Cmovl,
      M.Cmovle,
      M.Cmovne,
      M.Cmovno,
      M.Cmovnp,
      M.Cmovns,
      M.Cmovo,
      M.Cmovp,
      M.Cmovs,
      M.Seta,
      M.Setae,
      M.Setb,
      M.Setbe,
      M.Sete,
      M.Setg,
      M.Setge,
      M.Setl,
      M.Setle,
      M.Setne,
      M.Setno,
      M.Setnp,
      M.Setns,
      M.Seto,
      M.Setp,
      M.Sets,
      M.Movd,
      M.Movq,
      M.Movaps,
      M.Movups,
      M.Movapd,
      M.Movupd,
      M.Movdqa,
      M.Movdqu,
      M.Movss,
      M.Movsd,
      M.Pxor,
      M.Xorps,
      M.Vmovdqu,
      M.Vmovdqa,
      M.Btr,
      M.Bts,
      M.Btc,
      M.Shld,
      M.Shrd,
      M.Bextr,
      M.Bzhi,
      M.Crc32,
    ]);
    this.readOnly = new Set([
      M.Cmp,
      M.Test,
      M.Bt,
      M.Nop,
      M.Ucomisd,
      M.Ucomiss,
      M.Comisd,
      M.Comiss,
      M.Ptest,
      M.Prefetchnta,
      M.Prefetcht0,
      M.Prefetcht1,
      M.Prefetcht2,
      M.Prefetchw,
      M.Endbr64,
      M.Endbr32,
      M.Pause,
      M.Lfence,
      M.Mfence,
      M.Sfence,
    ]);
    this.instr = new iced.Instruction();
    this.info = new iced.InstructionInfoFactory();
  }

  /**
   * Decodes `bytes` loaded at `addr`; undecodable bytes become `(bad)` records with flow `trap` so the
   * walk continues. `{ detail: false }` leaves out operands and register writes (about 4× faster)
   * for scans that need only addresses, mnemonics, flow and branch targets (RET sites, call graphs).
   */
  decode(bytes: Uint8Array, addr: number, opts: { detail?: boolean } = {}): Instruction[] {
    const detail = opts.detail ?? true;
    const { Decoder, DecoderOptions } = this.iced;
    const d = new Decoder(this.bitness, bytes, DecoderOptions.None);
    d.ip = BigInt(addr);
    const out: Instruction[] = [];
    try {
      while (d.canDecode) {
        d.decodeOut(this.instr);
        out.push(this.record(this.instr, detail));
      }
    } finally {
      d.free();
    }
    return out;
  }

  private record(i: Iced.Instruction, detail: boolean): Instruction {
    const { OpKind, FlowControl, Mnemonic } = this.iced;
    const addr = Number(i.ip);
    const length = i.length;
    if (i.isInvalid) return { addr, length, mnemonic: '(bad)', operands: [], flow: 'trap', writes: [] };
    const mnem = i.mnemonic;
    const operands: Operand[] = [];
    const n = detail ? i.opCount : 0;
    let target: number | undefined;
    if (
      !detail &&
      (i.flowControl === this.iced.FlowControl.UnconditionalBranch ||
        i.flowControl === this.iced.FlowControl.ConditionalBranch ||
        i.flowControl === this.iced.FlowControl.Call)
    ) {
      const k = i.op0Kind;
      if (k === OpKind.NearBranch16 || k === OpKind.NearBranch32 || k === OpKind.NearBranch64) target = Number(i.nearBranchTarget);
    }
    for (let k = 0; k < n; k++) {
      const kind = i.opKind(k);
      if (kind === OpKind.Register) {
        const r = this.regs[i.opRegister(k)] as RegInfo;
        operands.push({ kind: 'reg', reg: r.name, family: r.family, bits: r.bits });
      } else if (kind === OpKind.NearBranch16 || kind === OpKind.NearBranch32 || kind === OpKind.NearBranch64) {
        target = Number(i.nearBranchTarget);
        operands.push({ kind: 'imm', value: BigInt(target) });
      } else if (kind === OpKind.Memory) {
        const base = i.memoryBase;
        const index = i.memoryIndex;
        const rip = i.isIpRelMemoryOperand;
        const m: Operand = {
          kind: 'mem',
          base: rip ? null : base ? (this.regs[base] as RegInfo).family : null,
          index: index ? (this.regs[index] as RegInfo).family : null,
          scale: i.memoryIndexScale,
          disp: rip ? 0 : Number(BigInt.asIntN(64, i.memoryDisplacement)),
          bytes: this.memSizes[i.memorySize] ?? 0,
        };
        if (rip) m.pcTarget = Number(i.ipRelMemoryAddress);
        operands.push(m);
      } else if (kind >= OpKind.Immediate8 && kind <= OpKind.Immediate32to64) {
        operands.push({ kind: 'imm', value: BigInt.asIntN(64, i.immediate(k)) });
      } else {
        // String-instruction memory (ds:[rsi], es:[rdi]) and far branches: implicit addressing.
        operands.push({ kind: 'mem', base: null, index: null, scale: 1, disp: 0, bytes: 0 });
      }
    }
    const fc = i.flowControl;
    let flow: Flow;
    // iced files SYSCALL and SYSENTER under Call: here they are kernel entries, which return the result in eax/rax.
    const kernel = mnem === Mnemonic.Syscall || mnem === Mnemonic.Sysenter;
    if (kernel) flow = 'syscall';
    else
      switch (fc) {
        case FlowControl.UnconditionalBranch:
          flow = target === undefined ? 'indirect-jump' : 'jump';
          break;
        case FlowControl.ConditionalBranch:
          flow = 'branch';
          break;
        case FlowControl.IndirectBranch:
          flow = 'indirect-jump';
          break;
        case FlowControl.Return:
          flow = 'return';
          break;
        case FlowControl.Call:
          flow = 'call';
          break;
        case FlowControl.IndirectCall:
          flow = 'indirect-call';
          break;
        case FlowControl.Interrupt:
          flow = mnem === Mnemonic.Int && i.immediate8 === 0x80 ? 'syscall' : 'trap';
          break;
        case FlowControl.Exception:
          flow = 'trap';
          break;
        default:
          flow = 'next';
      }
    const writes = detail ? this.writes(i, mnem, operands) : [];
    if (flow === 'syscall') {
      const ax = this.bitness === 64 ? 'rax' : 'eax';
      if (!writes.includes(ax)) writes.push(ax);
    }
    const rec: Instruction = { addr, length, mnemonic: this.mnemonics[mnem] as string, operands, flow, writes };
    if (target !== undefined) rec.target = target;
    return rec;
  }

  /** GPR families written: operand 0 for the common arithmetic/move forms, else iced's own access query. */
  private writes(i: Iced.Instruction, mnem: number, operands: Operand[]): string[] {
    if (this.readOnly.has(mnem)) return [];
    const op0 = operands[0];
    if (this.simpleOp0.has(mnem)) {
      if (op0?.kind === 'reg' && (this.regs[i.op0Register] as RegInfo).gpr) return [op0.family];
      return [];
    }
    const info = this.info.info(i);
    const out: string[] = [];
    try {
      for (const u of info.usedRegisters() as Iced.UsedRegister[]) {
        const a = u.access;
        if (
          a === this.iced.OpAccess.Write ||
          a === this.iced.OpAccess.ReadWrite ||
          a === this.iced.OpAccess.CondWrite ||
          a === this.iced.OpAccess.ReadCondWrite
        ) {
          const r = this.regs[u.register] as RegInfo;
          if (r.gpr && !out.includes(r.family)) out.push(r.family);
        }
        u.free();
      }
    } finally {
      info.free();
    }
    return out;
  }

  /** Releases the WASM objects this decoder holds. */
  free(): void {
    this.instr.free();
    this.info.free();
  }
}
