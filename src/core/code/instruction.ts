/**
 * One decoded machine instruction as plain data, the same shape for every architecture, so an
 * analysis (syscall sites, atomics census, RET probe sites) never touches a decoder's own objects.
 *
 * Registers are lower-case names as the architecture's manuals spell them: amd64 `rax`/`eax`/`al`,
 * arm64 `x0`/`w0`/`sp`/`xzr`. `family` folds the sizes of one register (`eax` → `rax`, `w3` → `x3`).
 */
export type Flow =
  /** falls through to the next instruction */
  | 'next'
  /** unconditional direct jump (`target` set) */
  | 'jump'
  /** conditional direct branch (`target` set; may also fall through) */
  | 'branch'
  /** direct call (`target` set) */
  | 'call'
  /** call through a register or memory */
  | 'indirect-call'
  /** jump through a register or memory (switch tables, tail calls through a pointer) */
  | 'indirect-jump'
  | 'return'
  /** enters the kernel: amd64 SYSCALL, 386 INT 0x80 / SYSENTER, arm64 SVC, arm SWI */
  | 'syscall'
  /** stops here: UD2, HLT, INT3, BRK, undefined encodings */
  | 'trap';

export interface RegOperand {
  kind: 'reg';
  reg: string;
  family: string;
  bits: number;
}

export interface ImmOperand {
  kind: 'imm';
  /** The value as the instruction means it (sign-extended where the encoding says so), as a 64-bit two's-complement bigint. */
  value: bigint;
}

export interface MemOperand {
  kind: 'mem';
  base: string | null;
  index: string | null;
  scale: number;
  /** Signed displacement. */
  disp: number;
  /** Bytes accessed (0 when the instruction does not say, e.g. LEA). */
  bytes: number;
  /** The absolute address for PC-relative operands (amd64 RIP-relative, arm64 literal loads). */
  pcTarget?: number;
  /** arm64 base-register writeback: `pre` ([x, #n]!) or `post` ([x], #n). */
  writeback?: 'pre' | 'post';
}

export type Operand = RegOperand | ImmOperand | MemOperand;

export interface Instruction {
  addr: number;
  length: number;
  /** Lower-case mnemonic: `mov`, `syscall`, `call`; arm64 `movz`, `bl`, `svc`, `ldr`. */
  mnemonic: string;
  /** Operands in the architecture's assembler order (Intel order for x86: destination first). */
  operands: Operand[];
  flow: Flow;
  /** Direct branch/call target. */
  target?: number;
  /**
   * General-purpose register families the instruction writes, implicit writes included (amd64
   * MUL → rdx, SYSCALL → rcx r11 rax; arm64 writeback bases). The stack pointer is included when it changes.
   */
  writes: string[];
}
