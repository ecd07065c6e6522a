/**
 * Where to put a uprobe in a function so that it costs one trap, not two.
 *
 * A uprobe replaces an instruction with a breakpoint; when it fires, the kernel either emulates
 * the displaced instruction or single-steps a copy of it, which takes a second trap. Measured on
 * this project's machine kind (a 2-vCPU KVM guest, Linux 6.18): about 2 µs per hit on a
 * conditional branch (emulated), 15–23 µs on a CMP or MOV at the function entry and 34 µs on a RET
 * (single-stepped). x86 emulates direct JMP/CALL/Jcc (arch/x86/kernel/uprobes.c
 * branch_setup_xol_ops, Linux ≥ 3.15); arm64 simulates B, BL, B.cond, CBZ and TBZ
 * (arch/arm64/kernel/probes/simulate-insn.c).
 *
 * Every Go function with a stack check starts with the check and its conditional branch to
 * morestack (cmd/internal/obj x86/obj6.go and arm64/obj7.go stacksplit): `CMPQ SP, 16(R14); JLS`,
 * or `LEAQ -n(SP), R12; CMPQ R12, 16(R14); JLS`; `MOVD 16(g), R16; CMP R16, RSP; BLS`. The site is
 * the first control transfer of the function's straight-line start when it is a direct branch,
 * jump or call and nothing before it writes a register a probe reads there: it then runs once per
 * call, with the values the entry had. Anything else (a leaf with no stack check, an indirect jump
 * first) keeps the entry.
 */
import type { Instruction } from './instruction.js';

export interface ProbeSite {
  /** Virtual address of the probed instruction. */
  addr: number;
  /** True when the kernel emulates the instruction (one trap per hit instead of two). */
  emulated: boolean;
}

/** Bytes of a function's start to decode: the longest Go prologue (LEA with a 32-bit displacement, CMP, Jcc rel32) is 18. */
export const PROLOGUE_BYTES = 24;
/** Instructions looked at before the entry is kept. */
const MAX_PROLOGUE = 4;

/** Registers Go's register ABI reads arguments from, and the goroutine register, as instruction records name their families. */
export const GO_ABI_REGISTERS: Record<string, ReadonlySet<string>> = {
  amd64: new Set(['rax', 'rbx', 'rcx', 'rdi', 'rsi', 'r8', 'r9', 'r10', 'r11', 'r14']),
  arm64: new Set([...Array.from({ length: 16 }, (_, i) => `x${i}`), 'x28']),
};

/**
 * The probe site of a function from its first instructions (decoded from `entry` on): the first
 * control transfer if the kernel emulates it and no instruction before it writes one of `keep`.
 */
export function probeSite(code: readonly Instruction[], entry: number, keep: ReadonlySet<string>): ProbeSite {
  const atEntry = { addr: entry, emulated: false };
  if (code[0]?.addr !== entry) return atEntry;
  for (const ins of code.slice(0, MAX_PROLOGUE)) {
    if (ins.flow === 'next') {
      if (ins.writes.some((r) => keep.has(r))) return atEntry;
      continue;
    }
    const direct = (ins.flow === 'branch' || ins.flow === 'jump' || ins.flow === 'call') && ins.target !== undefined;
    return direct ? { addr: ins.addr, emulated: true } : atEntry;
  }
  return atEntry;
}
