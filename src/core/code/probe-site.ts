/**
 * Where to put a uprobe in a Go function so that it costs one trap, not two.
 *
 * A uprobe replaces an instruction with a breakpoint; when it fires, the kernel either emulates
 * the displaced instruction or single-steps a copy of it, which takes a second trap. Measured on
 * this project's machine kind (a 2-vCPU KVM guest, Linux 6.18): 1.6 µs per hit on a conditional
 * branch (emulated), 15–19 µs on a CMP or MOV at the function entry, 34 µs on a RET (both
 * single-stepped). x86 emulates Jcc/JMP/CALL (arch/x86/kernel/uprobes.c branch_setup_xol_ops,
 * Linux ≥ 3.15); arm64 simulates B.cond and the other branches (arch/arm64/kernel/probes/
 * simulate-insn.c).
 *
 * Every Go function with a stack check starts with the check and its conditional branch to
 * morestack, in the exact shapes cmd/internal/obj emits (x86/obj6.go and arm64/obj7.go
 * stacksplit). This module recognises those shapes byte for byte — a signature, not a decoder —
 * and returns the branch: it runs before the function has touched any argument register or the
 * goroutine register, so a probe there reads the same values as one at the entry. Any other shape
 * (a leaf without a stack check, a huge frame, code from another compiler) gets the entry.
 */
/** Where a function is probed. */
export interface ProbeSite {
  /** Virtual address of the probed instruction. */
  addr: number;
  /** True when the kernel emulates the instruction (one trap per hit instead of two). */
  emulated: boolean;
}

/**
 * amd64, register ABI (g in R14):
 *   CMPQ SP, 16(R14)                      49 3b 66 10
 *   or LEAQ -n(SP), R12; CMPQ R12, 16(R14)  4c 8d 64 24 d8 | 4c 8d a4 24 d32, then 4d 3b 66 10
 * then JLS morestack:                     76 rel8 | 0f 86 rel32
 */
function amd64Site(b: Uint8Array): number | null {
  const at = (i: number, ...bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
  let i = -1;
  if (at(0, 0x49, 0x3b, 0x66, 0x10)) i = 4;
  else if (at(0, 0x4c, 0x8d, 0x64, 0x24) && at(5, 0x4d, 0x3b, 0x66, 0x10)) i = 9;
  else if (at(0, 0x4c, 0x8d, 0xa4, 0x24) && at(8, 0x4d, 0x3b, 0x66, 0x10)) i = 12;
  if (i < 0) return null;
  return b[i] === 0x76 || (b[i] === 0x0f && b[i + 1] === 0x86) ? i : null;
}

/**
 * arm64 (g in R28):
 *   MOVD 16(g), R16                       ldr x16, [x28, #16]   f9400b90
 *   CMP R16, RSP                          cmp sp, x16           eb3063ff
 *   or SUB $n, RSP, R17; CMP R16, R17     sub x17, sp, #n       d10003f1 | imm12 << 10 (shift 0 or 12), then cmp x17, x16  eb10023f
 * then BLS morestack                      b.ls                  0x54000009 | imm19 << 5
 */
function arm64Site(b: Uint8Array): number | null {
  if (b.length < 16) return null;
  // Words compare unsigned (>>> 0): JavaScript's & yields a signed 32-bit result.
  const w = (i: number) => new DataView(b.buffer, b.byteOffset + i, 4).getUint32(0, true);
  if (w(0) !== 0xf9400b90) return null;
  let i = -1;
  if (w(4) === 0xeb3063ff) i = 8;
  else if ((w(4) & 0xff8003ff) >>> 0 === 0xd10003f1 && w(8) === 0xeb10023f) i = 12;
  if (i < 0 || i + 4 > b.length) return null;
  return (w(i) & 0xff00001f) >>> 0 === 0x54000009 ? i : null;
}

/** How many bytes of a function's start `probeSite` looks at. */
export const PROLOGUE_BYTES = 16;

/** The probe site of a function whose code starts with `head` (its first bytes) at `entry`. */
export function probeSite(arch: string, entry: number, head: Uint8Array): ProbeSite {
  const off = arch === 'amd64' ? amd64Site(head) : arch === 'arm64' ? arm64Site(head) : null;
  return off === null ? { addr: entry, emulated: false } : { addr: entry + off, emulated: true };
}
