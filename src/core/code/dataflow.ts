import type { Instruction } from './instruction.js';
import { type RegisterFile, State, type Val } from './values.js';

/** What an architecture's instruction semantics need to know about the rest of the program. */
export interface ProgramFacts {
  /**
   * Bytes of arguments and results a direct callee at `target` has on the stack (the pclntab's
   * `args`), or null when unknown (an address outside Go's functions).
   */
  calleeArgs(target: number): number | null;
  /** True for runtime.morestack*: control never returns to the caller; the function restarts from its entry with the same arguments. */
  restarts(target: number): boolean;
}

/** One architecture's instruction semantics over {@link State}. */
export interface Semantics {
  /** Entry-relative offset where stack arguments start (after the return address on x86). */
  readonly argBase: number;
  /** The general-purpose register families the analysis tracks. */
  readonly registers: RegisterFile;
  /** Applies an instruction's effect to the state (the state before it is what hooks see). */
  step(s: State, ins: Instruction, facts: ProgramFacts): void;
  /** A store to a static address (a global): where, how many bytes, and the value; null for any other instruction. */
  globalStore?(s: State, ins: Instruction): { addr: number; bytes: number; val: Val } | null;
}

interface Block {
  start: number;
  /** Instruction indices [from, to). */
  from: number;
  to: number;
  succ: number[];
  in: State | null;
}

/** The basic blocks of one function. */
export interface Cfg {
  code: readonly Instruction[];
  blocks: Block[];
  /** Blocks ending in an indirect jump (switch tables). */
  indirect: number[];
}

/** Basic blocks: leaders are the entry, branch targets, and whatever follows a control transfer. */
export function buildCfg(code: readonly Instruction[], facts: ProgramFacts): Cfg {
  const first = code[0] as Instruction;
  const last = code[code.length - 1] as Instruction;
  const lo = first.addr;
  const hi = last.addr + last.length;
  const index = new Map<number, number>();
  for (let i = 0; i < code.length; i++) index.set((code[i] as Instruction).addr, i);
  const inside = (t: number | undefined): t is number => t !== undefined && t >= lo && t < hi && index.has(t);

  const leaders = new Set<number>([0]);
  for (let i = 0; i < code.length; i++) {
    const ins = code[i] as Instruction;
    if ((ins.flow === 'jump' || ins.flow === 'branch') && inside(ins.target)) leaders.add(index.get(ins.target) as number);
    const ends = ins.flow !== 'next' && ins.flow !== 'syscall' && ins.flow !== 'call' && ins.flow !== 'indirect-call';
    if ((ends || (ins.flow === 'call' && ins.target !== undefined && facts.restarts(ins.target))) && i + 1 < code.length) leaders.add(i + 1);
  }
  const starts = [...leaders].sort((a, b) => a - b);
  const blockOf = new Map<number, number>();
  const blocks: Block[] = starts.map((from, b) => {
    blockOf.set(from, b);
    return { start: (code[from] as Instruction).addr, from, to: starts[b + 1] ?? code.length, succ: [], in: null };
  });
  const indirect: number[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const blk = blocks[b] as Block;
    const ins = code[blk.to - 1] as Instruction;
    const fall = blk.to < code.length ? (blockOf.get(blk.to) as number) : null;
    const target = inside(ins.target) ? (blockOf.get(index.get(ins.target) as number) as number) : null;
    switch (ins.flow) {
      case 'next':
      case 'syscall':
      case 'indirect-call':
        if (fall !== null) blk.succ.push(fall);
        break;
      case 'call':
        if (fall !== null && !(ins.target !== undefined && facts.restarts(ins.target))) blk.succ.push(fall);
        break;
      case 'jump':
        if (target !== null) blk.succ.push(target);
        break;
      case 'branch':
        if (target !== null) blk.succ.push(target);
        if (fall !== null) blk.succ.push(fall);
        break;
      case 'indirect-jump':
        indirect.push(b);
        break;
      default:
        break;
    }
  }
  return { code, blocks, indirect };
}

/**
 * Each block on its own, from a state where nothing is known and SP is 0 at the block's start:
 * `visit` sees what the block itself computes. A value it finds constant is exact whatever flows
 * in, so most syscall sites (`MOV $n, AX; CALL`) are settled without the whole-function fixpoint.
 */
export function runLocal(cfg: Cfg, sem: Semantics, facts: ProgramFacts, visit: (ins: Instruction, before: State) => void): void {
  for (const blk of cfg.blocks) {
    const s = State.unknown(sem.registers, Number.POSITIVE_INFINITY);
    s.sp = 0;
    for (let i = blk.from; i < blk.to; i++) {
      const ins = cfg.code[i] as Instruction;
      visit(ins, s);
      sem.step(s, ins, facts);
    }
  }
}

/**
 * Forward data flow over one function's control-flow graph: blocks from the decoded instructions,
 * states joined at merges until nothing changes, then `visit(ins, stateBefore)` once for every
 * instruction of every reached block. Blocks only reachable through indirect jumps (switch
 * tables) start from the join of the states at those jumps; blocks reached no other way start
 * from an all-unknown state, so nothing is skipped; `dead` tells the visitor it is in such a block.
 */
export function runDataflow(
  code: readonly Instruction[],
  sem: Semantics,
  facts: ProgramFacts,
  visit: (ins: Instruction, before: State, dead: boolean) => void,
  cfg?: Cfg,
): void {
  if (!code.length) return;
  const { blocks, indirect } = cfg ?? buildCfg(code, facts);
  for (const b of blocks) b.in = null;
  const out = new Map<number, State>();
  const run = (b: number, visitIns: boolean): State => {
    const blk = blocks[b] as Block;
    const s = (blk.in as State).clone();
    for (let i = blk.from; i < blk.to; i++) {
      const ins = code[i] as Instruction;
      if (visitIns) visit(ins, s, frozen.size > 0 && !frozen.has(b));
      sem.step(s, ins, facts);
    }
    return s;
  };
  // Iteration bound: values only grow and sets are capped, so this is far above what real code needs.
  let budget = blocks.length * 64 + 1024;
  // Blocks a solve may not widen: code reached without following control flow must not blur the rest.
  let frozen: ReadonlySet<number> = new Set();
  const solve = (roots: number[]) => {
    const work = [...roots];
    const queued = new Set(work);
    while (work.length && budget-- > 0) {
      const b = work.shift() as number;
      queued.delete(b);
      const s = run(b, false);
      out.set(b, s);
      for (const n of (blocks[b] as Block).succ) {
        if (frozen.has(n)) continue;
        const nb = blocks[n] as Block;
        let grew = false;
        if (!nb.in) {
          // `s` is kept (for switch-table seeding) and never changed again, so successors copy it.
          nb.in = s.clone();
          grew = true;
        } else grew = nb.in.joinFrom(s);
        if (grew && !queued.has(n)) {
          work.push(n);
          queued.add(n);
        }
      }
    }
  };
  (blocks[0] as Block).in = new State(sem.registers, sem.argBase);
  solve([0]);
  const unreached = () => blocks.map((_, b) => b).filter((b) => !(blocks[b] as Block).in);
  const rest = unreached();
  if (rest.length) {
    // Switch-table targets: entered from some indirect jump; seed them with the join of those states.
    let seed: State | null = null;
    for (const b of indirect) {
      const s = out.get(b);
      if (!s) continue;
      if (!seed) seed = s.clone();
      else seed.joinFrom(s);
    }
    // Without indirect jumps such blocks are dead (the fall-through after runtime.morestack, say):
    // they are still visited, from an all-unknown state, but what they compute flows nowhere else.
    if (!seed) frozen = new Set(blocks.map((_, b) => b).filter((b) => (blocks[b] as Block).in));
    const start = seed ?? State.unknown(sem.registers, sem.argBase);
    for (const b of rest) (blocks[b] as Block).in = start.clone();
    solve(rest);
  }
  for (let b = 0; b < blocks.length; b++) if ((blocks[b] as Block).in) run(b, true);
}
