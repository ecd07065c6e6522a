import type { PclnFunction } from '../go/pclntab.js';
import type { ObjectFile, Section } from '../object/types.js';
import { readVA } from '../object/types.js';
import type { X86Decoder } from './amd64.js';
import { arm64Words, decodeArm64 } from './arm64.js';
import { buildCfg, type ProgramFacts, runDataflow, runLocal, type Semantics } from './dataflow.js';
import { CodeReader, functionCode } from './functions.js';
import type { Instruction } from './instruction.js';
import { Arm64Semantics } from './semantics-arm64.js';
import { X86Semantics } from './semantics-x86.js';
import type { State, Val } from './values.js';

/**
 * Static syscall extraction: which system call numbers a Go binary's machine code can pass to the
 * kernel, and where.
 *
 * 1. One pass over every function's bytes finds the functions holding a kernel entry (amd64
 *    `0F 05` SYSCALL, arm64 SVC #0) and every direct call or tail jump between functions.
 * 2. Each function with a kernel entry is decoded and run through a constant-propagation data flow
 *    (registers and entry-relative stack slots, joined over the control-flow graph). The trap
 *    register (rax, x8) at the SYSCALL/SVC is a set of constants (sites), the value of an argument
 *    at entry (the function is a wrapper: syscall.Syscall, internal/runtime/syscall.Syscall6,
 *    golang.org/x/sys/unix.Syscall.abi0 …), a global (its initial value in the file), or unknown.
 * 3. Callers of wrappers are analysed the same way, evaluating the wrapper's trap location at the
 *    call — a register for Go's register ABI, a stack slot for ABI0 assembly and Go before 1.17 —
 *    so pass-through wrappers are found, not listed, until no new wrapper appears.
 * Nothing depends on the Go version or on symbol names beyond the pclntab's function names, which
 * stripped binaries keep.
 */
export type SiteKind = 'asm' | 'wrapper' | 'global';

export interface SyscallSite {
  function: string;
  pc: number;
  /** asm: the constant is loaded right at a SYSCALL/SVC; wrapper: passed to a syscall wrapper; global: read from an initialised global. */
  kind: SiteKind;
  /** The wrapper called (for kind wrapper, and global sites at a call). */
  via?: string;
  /** The global the trap was read from (its symbol, or its address in a stripped binary). */
  global?: string;
  /** For a global: the package init function that stores this number in it (absent for the global's initial value). */
  setBy?: string;
}

export interface UnresolvedSite {
  function: string;
  pc: number;
  why: string;
}

export interface SyscallWrapper {
  function: string;
  /** Entry address (a Go function and its ABI0 wrapper share one name in the pclntab). */
  entry: number;
  /** Where callers pass the trap: a register (`rax`, `x0`) or `stack+N` (N bytes above the return address slot at entry). */
  trap: string[];
  /** Functions seen calling it directly. */
  callers: number;
}

export interface StaticSyscalls {
  arch: string;
  /** Syscall number → the sites that pass it. */
  numbers: Map<number, SyscallSite[]>;
  unresolved: UnresolvedSite[];
  wrappers: SyscallWrapper[];
  stats: { functions: number; analysed: number; instructions: number; skipped: number };
}

export interface ExtractOptions {
  /** An x86 decoder (required for amd64 and 386). */
  x86?: X86Decoder;
}

const SUPPORTED = new Set(['amd64', 'arm64', '386']);
/**
 * Functions decoded for data flow are at most this big: the largest seen in real binaries is 0.9 MB
 * (aws-sdk-go's endpoints init in rclone), and a crafted size must not cost gigabytes of records.
 */
const MAX_ANALYSED = 2 << 20;

/** For the line that says an architecture is not supported. */
export const SUPPORTED_TEXT = 'amd64, arm64 and 386 are';

/** The architectures extraction supports. */
export function extractionSupported(arch: string): boolean {
  return SUPPORTED.has(arch);
}

interface ArchSpec {
  sem: Semantics;
  trapReg: string;
  /** Bytes of a stack slot (a pointer). */
  word: number;
  /** Entry-relative offset of the callee's SP at a call, relative to the caller's SP (-8: CALL pushes a return address). */
  callShift: number;
  decode(bytes: Uint8Array, addr: number): Instruction[];
  scan(bytes: Uint8Array, addr: number, onCall: (target: number) => void): boolean;
}

/**
 * amd64 (SYSCALL, 0F 05) and 386 (INT 0x80, CD 80: Go's runtime, syscall and x/sys/unix enter the
 * kernel only that way on linux/386, runtime/sys_linux_386.s INVOKE_SYSCALL). 386 Go has the stack
 * ABI only: every wrapper takes its trap at entry SP+4.
 */
function x86Spec(x86: X86Decoder | undefined, bits: 32 | 64): ArchSpec {
  if (!x86 || x86.bitness !== bits) throw new Error(`${bits === 64 ? 'amd64' : '386'} extraction needs a ${bits}-bit x86 decoder`);
  const [k0, k1] = bits === 64 ? [0x0f, 0x05] : [0xcd, 0x80];
  return {
    sem: new X86Semantics(bits),
    trapReg: bits === 64 ? 'rax' : 'eax',
    word: bits / 8,
    callShift: -bits / 8,
    decode: (b, a) => x86.decode(b, a),
    scan(bytes, addr, onCall) {
      let kernel = false;
      const n = bytes.length;
      for (let i = 0; i < n; i++) {
        const c = bytes[i] as number;
        if (c === k0) {
          if (bytes[i + 1] === k1) kernel = true;
        } else if ((c === 0xe8 || c === 0xe9) && i + 5 <= n) {
          const rel = (bytes[i + 1] as number) | ((bytes[i + 2] as number) << 8) | ((bytes[i + 3] as number) << 16) | ((bytes[i + 4] as number) << 24);
          onCall(addr + i + 5 + rel);
        }
      }
      return kernel;
    },
  };
}

function arm64Spec(): ArchSpec {
  return {
    sem: new Arm64Semantics(),
    trapReg: 'x8',
    word: 8,
    callShift: 0,
    decode: (b, a) => decodeArm64(b, a),
    scan(bytes, addr, onCall) {
      let kernel = false;
      const words = arm64Words(bytes);
      for (let i = 0; i < words.length; i++) {
        const w = words[i] as number;
        if ((w & 0xffe0001f) >>> 0 === 0xd4000001) kernel = true;
        else if ((w & 0x7c000000) >>> 0 === 0x14000000) onCall(addr + i * 4 + ((w << 6) >> 6) * 4);
      }
      return kernel;
    },
  };
}

/** runtime.morestack* never returns to its caller: the function restarts from its entry. */
const RESTARTS = new Set(['runtime.morestack', 'runtime.morestack_noctxt', 'runtime.morestackc']);

/** Why a trap is known at run time only, for the functions whose reason is worth a sentence. */
const KNOWN_INDIRECT: Record<string, string> = {
  'runtime.runPerThreadSyscall':
    'replays on every thread the syscall that syscall.AllThreadsSyscall (setuid, setgid, setgroups … on Linux) just made; its traps are those of the AllThreadsSyscall callers',
};

function locName(loc: string): string {
  return loc.startsWith('r:') ? loc.slice(2) : `stack+${loc.slice(2)}`;
}

export async function extractSyscalls(obj: ObjectFile, functions: readonly PclnFunction[], arch: string, opts: ExtractOptions = {}): Promise<StaticSyscalls> {
  if (!extractionSupported(arch)) throw new Error(`syscall extraction for ${arch} is not supported yet (${SUPPORTED_TEXT})`);
  const spec = arch === 'arm64' ? arm64Spec() : x86Spec(opts.x86, arch === 'amd64' ? 64 : 32);
  const byEntry = new Map<number, number>();
  functions.forEach((f, i) => {
    if (!byEntry.has(f.entry)) byEntry.set(f.entry, i);
  });
  const restartEntries = new Set(functions.filter((f) => RESTARTS.has(f.name.replace(/\.abi0$/, ''))).map((f) => f.entry));
  const facts: ProgramFacts = {
    calleeArgs: (t) => {
      const i = byEntry.get(t);
      const a = i === undefined ? undefined : functions[i]?.args;
      return a === undefined || a < 0 ? null : a;
    },
    restarts: (t) => restartEntries.has(t),
  };

  // Pass 1: kernel entries and the direct call graph, from the raw bytes. Edges are kept as packed
  // (caller, callee) pairs — a large binary has millions of calls — and indexed by callee afterwards.
  const edges = new EdgeList();
  const queue: number[] = [];
  const skipped = { count: 0 };
  for await (const f of functionCode(obj, functions, { skipped })) {
    const kernel = spec.scan(f.bytes, f.entry, (target) => {
      const callee = byEntry.get(target);
      if (callee !== undefined && callee !== f.index) edges.add(f.index, callee);
    });
    if (kernel) queue.push(f.index);
  }
  const callers = edges.byCallee(functions.length);

  const wrappers = new Map<number, Set<string>>(); // function index → trap locations
  const numbers = new Map<number, Map<string, SyscallSite>>();
  const unresolved = new Map<string, UnresolvedSite>();
  const queued = new Set(queue);
  let analysed = 0;
  let instructions = 0;
  const addSite = (nr: number, site: SyscallSite) => {
    const m = numbers.get(nr) ?? new Map<string, SyscallSite>();
    numbers.set(nr, m);
    m.set(`${site.pc}`, site);
  };

  let namer: ((addr: number) => string) | null = null;
  // The symbol table is read only when a trap comes from a global, to name it.
  const globalName = async (addr: number) => {
    namer ??= await globalNamer(obj);
    return namer(addr);
  };
  const reader = new CodeReader(obj);
  // Functions are analysed again when a callee turns out to be a wrapper: decode each once.
  const decoded = new Map<number, Instruction[]>();
  // Globals traps are read from: address → size and the sites reading it.
  const trapGlobals = new Map<number, { size: number; reads: { function: string; pc: number; via?: string }[] }>();

  while (queue.length) {
    const fi = queue.shift() as number;
    queued.delete(fi);
    const fn = functions[fi] as PclnFunction;
    let code = decoded.get(fi);
    if (!code && fn.size > MAX_ANALYSED) {
      unresolved.set(`${fn.entry}:size`, {
        function: fn.name,
        pc: fn.entry,
        why: `not analysed: ${fn.size} bytes of code, more than any real Go function (limit ${MAX_ANALYSED >> 20} MiB); its sites are unknown`,
      });
      continue;
    }
    if (!code) {
      const bytes = await reader.read(fn.entry, fn.size);
      if (!bytes) continue;
      code = spec.decode(bytes, fn.entry);
      decoded.set(fi, code);
    }
    analysed++;
    instructions += code.length;
    const end = fn.entry + fn.size;
    const newLocs = new Set<string>();

    const classify = async (v: Val, pc: number, kind: SiteKind, via: string | undefined, dead = false) => {
      for (const atom of v) {
        if (atom.startsWith('c:')) {
          const nr = Number(BigInt(atom.slice(2)));
          const site: SyscallSite = { function: fn.name, pc, kind };
          if (via) site.via = via;
          addSite(nr, site);
        } else if (atom.startsWith('a:')) {
          newLocs.add(atom.slice(2));
        } else if (atom.startsWith('g:')) {
          // Settled once every function is read: a package init may store another number in it.
          const [, addrS, bytesS] = atom.split(':');
          const addr = Number(addrS);
          const g = trapGlobals.get(addr) ?? { size: Number(bytesS), reads: [] };
          trapGlobals.set(addr, g);
          g.reads.push(via ? { function: fn.name, pc, via } : { function: fn.name, pc });
        } else {
          const why =
            KNOWN_INDIRECT[fn.name] ??
            (dead
              ? 'in code no path from the function entry reaches (bytes after a return, say): if it ever runs, its trap is unknown'
              : atom === 'u'
                ? 'trap computed at run time (not a constant, an argument or an initialised global)'
                : `trap is a frame address (${atom})`);
          unresolved.set(`${pc}`, { function: fn.name, pc, why });
        }
      }
    };

    // The trap values at this instruction's sites: the SYSCALL/SVC register, or each trap location of a called wrapper.
    const sitesAt = (ins: Instruction, before: State): { key: string; val: Val; kind: SiteKind; via?: string }[] => {
      if (ins.flow === 'syscall') return [{ key: `${ins.addr}`, val: before.reg(spec.trapReg), kind: 'asm' }];
      const outside = ins.target !== undefined && (ins.target < fn.entry || ins.target >= end);
      if (!outside || (ins.flow !== 'call' && ins.flow !== 'jump' && ins.flow !== 'branch')) return [];
      const callee = byEntry.get(ins.target as number);
      const locs = callee === undefined ? undefined : wrappers.get(callee);
      if (!locs) return [];
      const shift = ins.flow === 'call' ? spec.callShift : 0;
      const via = (functions[callee as number] as PclnFunction).name;
      return [...locs].map((loc) => ({ key: `${ins.addr}:${loc}`, val: valueAt(before, loc, shift, spec.word), kind: 'wrapper' as const, via }));
    };
    const pending: Promise<void>[] = [];
    const cfg = buildCfg(code, facts);
    // Most sites load the trap right there: settle them block by block, and run the whole-function
    // fixpoint only when some site's value comes from elsewhere (an argument, a join of paths).
    const settled = new Set<string>();
    let needFull = false;
    runLocal(cfg, spec.sem, facts, (ins, before) => {
      for (const site of sitesAt(ins, before)) {
        if (site.val.every((a) => a.startsWith('c:') || a.startsWith('g:'))) {
          settled.add(site.key);
          pending.push(classify(site.val, ins.addr, site.kind, site.via));
        } else needFull = true;
      }
    });
    if (needFull)
      runDataflow(
        code,
        spec.sem,
        facts,
        (ins, before, dead) => {
          for (const site of sitesAt(ins, before)) if (!settled.has(site.key)) pending.push(classify(site.val, ins.addr, site.kind, site.via, dead));
        },
        cfg,
      );
    await Promise.all(pending);

    // A function that passes its own argument on as the trap is a wrapper: analyse its callers.
    const locs = wrappers.get(fi) ?? new Set<string>();
    let grew = false;
    for (const l of newLocs) {
      wrappers.set(fi, locs);
      if (!locs.has(l)) {
        locs.add(l);
        grew = true;
      }
    }
    if (grew) {
      for (const c of callers.of(fi)) {
        if (!queued.has(c)) {
          queued.add(c);
          queue.push(c);
        }
      }
    }
  }

  // Trap globals: the initial value in the file, and every number a package init of the reading
  // function's package stores there (32-bit Go's syscall.fcntl64Syscall starts as SYS_FCNTL and
  // syscall.init sets SYS_FCNTL64). Code elsewhere storing into it is not seen.
  if (trapGlobals.size) {
    const stores = new Map<number, { val: Val; setBy: string }[]>();
    const store = spec.sem.globalStore?.bind(spec.sem);
    if (store) {
      const pkgs = new Set<string>();
      for (const [addr, g] of trapGlobals) {
        for (const r of g.reads) pkgs.add(packageOf(r.function));
        // A named global's own package (a stripped binary keeps the readers' packages only).
        const name = await globalName(addr);
        if (!name.startsWith('0x')) pkgs.add(packageOf(name.replace(/\+\d+$/, '')));
      }
      for (let wi = 0; wi < functions.length; wi++) {
        const fn = functions[wi] as PclnFunction;
        const pkg = packageOf(fn.name);
        if (!pkgs.has(pkg) || !(fn.name === `${pkg}.init` || fn.name.startsWith(`${pkg}.init.`)) || fn.size > MAX_ANALYSED) continue;
        let code = decoded.get(wi);
        if (!code) {
          const bytes = await reader.read(fn.entry, fn.size);
          if (!bytes) continue;
          code = spec.decode(bytes, fn.entry);
        }
        if (!code.length) continue;
        runLocal(buildCfg(code, facts), spec.sem, facts, (ins, before) => {
          const st = store(before, ins);
          if (!st || !trapGlobals.has(st.addr)) return;
          const list = stores.get(st.addr) ?? [];
          stores.set(st.addr, list);
          list.push({ val: st.val, setBy: fn.name });
        });
      }
    }
    for (const [addr, g] of trapGlobals) {
      const name = await globalName(addr);
      const values: { nr: number; setBy?: string }[] = [];
      const initial = await staticValue(obj, addr, g.size);
      if (initial !== null) values.push({ nr: initial });
      let computedBy: string | null = null;
      for (const st of stores.get(addr) ?? [])
        for (const a of st.val) {
          if (a.startsWith('c:')) values.push({ nr: Number(BigInt(a.slice(2))), setBy: st.setBy });
          else computedBy = st.setBy;
        }
      for (const r of g.reads) {
        for (const v of values) {
          const site: SyscallSite = { function: r.function, pc: r.pc, kind: 'global', global: name };
          if (r.via) site.via = r.via;
          if (v.setBy) site.setBy = v.setBy;
          addSite(v.nr, site);
        }
        if (!values.length || computedBy)
          unresolved.set(`${r.pc}:g:${addr}`, {
            function: r.function,
            pc: r.pc,
            why:
              KNOWN_INDIRECT[r.function] ??
              (computedBy
                ? `trap read from ${name}, which ${computedBy} sets to a value computed at run time`
                : `trap read from ${name}, which is set at run time (no initial value in the file)`),
          });
      }
    }
  }

  const out = new Map<number, SyscallSite[]>();
  for (const nr of [...numbers.keys()].sort((a, b) => a - b))
    out.set(
      nr,
      [...(numbers.get(nr) as Map<string, SyscallSite>).values()].sort((a, b) => a.pc - b.pc),
    );
  return {
    arch,
    numbers: out,
    unresolved: [...unresolved.values()].sort((a, b) => a.pc - b.pc),
    wrappers: [...wrappers.entries()]
      .map(([i, l]) => ({
        function: (functions[i] as PclnFunction).name,
        entry: (functions[i] as PclnFunction).entry,
        trap: [...l].map(locName).sort(),
        callers: new Set(callers.of(i)).size,
      }))
      .sort((a, b) => a.function.localeCompare(b.function) || a.entry - b.entry),
    stats: { functions: functions.length, analysed, instructions, skipped: skipped.count },
  };
}

/** The package of a Go function or global name: `internal/syscall/unix.IsNonblock` → `internal/syscall/unix`. */
function packageOf(name: string): string {
  const dot = name.indexOf('.', name.lastIndexOf('/') + 1);
  return dot < 0 ? name : name.slice(0, dot);
}

/** Direct calls as packed (caller, callee) index pairs, growing by doubling. */
class EdgeList {
  private pairs = new Int32Array(1 << 16);
  private n = 0;

  add(caller: number, callee: number): void {
    if (this.n * 2 + 2 > this.pairs.length) {
      const bigger = new Int32Array(this.pairs.length * 2);
      bigger.set(this.pairs);
      this.pairs = bigger;
    }
    this.pairs[this.n * 2] = caller;
    this.pairs[this.n * 2 + 1] = callee;
    this.n++;
  }

  /** Callers grouped by callee (a counting sort into one array). */
  byCallee(functions: number): { of(callee: number): Int32Array } {
    const start = new Int32Array(functions + 1);
    for (let i = 0; i < this.n; i++) {
      const k = (this.pairs[i * 2 + 1] as number) + 1;
      start[k] = (start[k] as number) + 1;
    }
    for (let f = 0; f < functions; f++) start[f + 1] = (start[f + 1] as number) + (start[f] as number);
    const fill = start.slice(0, functions);
    const list = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const callee = this.pairs[i * 2 + 1] as number;
      list[(fill[callee] as number)++] = this.pairs[i * 2] as number;
    }
    this.pairs = new Int32Array(0);
    return { of: (callee) => list.subarray(start[callee] as number, start[callee + 1] as number) };
  }
}

/** The value of a wrapper's trap location at a call: a register, or the caller's stack slot that becomes the callee's entry SP+N. */
function valueAt(s: State, loc: string, shift: number, word: number): Val {
  if (loc.startsWith('r:')) return s.reg(loc.slice(2));
  if (s.sp === null) return ['u'];
  const off = Number(loc.slice(2));
  return s.load(s.sp + shift + off, word);
}

/** The initial value of an N-byte global, or null when the file holds none (.bss) or the address is outside it. */
async function staticValue(obj: ObjectFile, addr: number, size: number): Promise<number | null> {
  const sec = obj.sections.find((s: Section) => addr >= s.addr && addr + size <= s.addr + s.size && s.addr !== 0);
  if (sec && sec.fileSize === 0) return null;
  if (size !== 4 && size !== 8) return null;
  const b = await readVA(obj, addr, size);
  if (!b) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = obj.endian === 'little';
  return size === 8 ? Number(v.getBigUint64(0, le)) : v.getUint32(0, le);
}

/** Names addresses by the symbol covering them (unstripped binaries), else by the address. */
async function globalNamer(obj: ObjectFile): Promise<(addr: number) => string> {
  const syms = (await obj.hasSymbols()) ? (await obj.symbols()).filter((s) => s.kind !== 'func' && s.value > 0).sort((a, b) => a.value - b.value) : [];
  return (addr) => {
    let lo = 0;
    let hi = syms.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((syms[mid]?.value ?? 0) <= addr) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const s = best >= 0 ? syms[best] : undefined;
    if (s && (addr < s.value + Math.max(s.size, 1) || s.size === 0)) return addr === s.value ? s.name : `${s.name}+${addr - s.value}`;
    return `0x${addr.toString(16)}`;
  };
}
