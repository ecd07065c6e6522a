/**
 * Probe sites against GNU objdump (amd64) and aarch64-linux-gnu-objdump (arm64): the site chosen
 * in a Go function's prologue (through the code stage's decoders) is a conditional branch, which
 * the kernel emulates, at an instruction boundary, and nothing before it writes a register a probe
 * reads (arguments, the goroutine).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeHttpBinary } from '../src/core/analyses/trace/http-target.js';
import { GO_ABI_REGISTERS, PROLOGUE_BYTES, probeSite } from '../src/core/code/probe-site.js';
import { findPclntab, readPclntab } from '../src/core/go/pclntab.js';
import { openObject } from '../src/core/object/open.js';
import { type ObjectFile, readVA } from '../src/core/object/types.js';
import { FileSource } from '../src/node/files/source.js';
import { decoder } from '../src/node/trace/decode.js';
import { toolchainFixtures } from './helpers/toolchains.js';

const OBJDUMP: Record<string, string> = { amd64: 'objdump', arm64: 'aarch64-linux-gnu-objdump' };
/** Registers Go's register ABI passes arguments in, and the goroutine register (families as objdump names them). */
const READ: Record<string, RegExp> = {
  amd64: /%(r|e)?(ax|bx|cx|di|si)\b|%r(8|9|10|11|14)d?\b/,
  arm64: /\b[xw]([0-9]|1[0-5]|28)\b/,
};
const decode = decoder();
const site = (arch: string, entry: number, head: Uint8Array) => probeSite(decode(arch, head, entry), entry, GO_ABI_REGISTERS[arch] as ReadonlySet<string>);
const FUNCTIONS = ['net/http.serverHandler.ServeHTTP', 'net/http.(*response).finishRequest', 'net/http.(*connReader).abortPendingRead', 'main.spin'];

interface Line {
  addr: number;
  mnemonic: string;
  operands: string;
}

function disassemble(arch: string, file: string, from: number, to: number): Line[] {
  const out = execFileSync(
    OBJDUMP[arch] as string,
    ['-d', '--no-show-raw-insn', `--start-address=0x${from.toString(16)}`, `--stop-address=0x${to.toString(16)}`, file],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const lines: Line[] = [];
  for (const l of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$/.exec(l);
    if (m) lines.push({ addr: Number.parseInt(m[1] as string, 16), mnemonic: m[2] as string, operands: (m[3] as string).replace(/\s*(\/\/|#|<).*$/, '') });
  }
  return lines;
}

async function open(file: string): Promise<{ obj: ObjectFile; src: FileSource; functions: { name: string; entry: number; size: number }[] }> {
  const src = new FileSource(file);
  const [o] = await openObject(src);
  if (!o) throw new Error(`${file}: no object`);
  const loc = await findPclntab(o.obj);
  if (!loc) throw new Error(`${file}: no pclntab`);
  return { obj: o.obj, src, functions: (await readPclntab(o.obj, loc, { list: true })).functions };
}

/** Direct control transfers, as objdump spells them: what the kernel emulates. */
const DIRECT: Record<string, RegExp> = { amd64: /^(j[a-z]+|call|jmp)$/, arm64: /^(b|bl|b\.[a-z]+|cbn?z|tbn?z)$/ };

/**
 * The site's instruction is a direct branch (with `prologue`, the stack check's: JBE / B.LS), the
 * ones before it fall through and write no register a probe reads.
 */
function expectGoodSite(arch: string, lines: Line[], entry: number, site: number, label: string, prologue = true): void {
  const at = lines.findIndex((l) => l.addr === site);
  expect(at, `${label}: 0x${site.toString(16)} is an instruction boundary`).toBeGreaterThanOrEqual(prologue ? 1 : 0);
  if (prologue) expect(lines[at]?.mnemonic, label).toBe(arch === 'amd64' ? 'jbe' : 'b.ls');
  else expect(lines[at]?.mnemonic, label).toMatch(DIRECT[arch] as RegExp);
  expect(lines[at]?.operands, label).not.toMatch(/\*|%|\bx\d+$/);
  for (const l of lines.slice(0, at)) {
    expect(l.addr).toBeGreaterThanOrEqual(entry);
    // Intel-ish AT&T order: the destination is the last operand (amd64); the first on arm64.
    const ops = l.operands.split(',').map((x) => x.trim());
    const dest = arch === 'amd64' ? (ops[ops.length - 1] ?? '') : (ops[0] ?? '');
    // Compares, tests and stores write no register; a memory destination is not a register.
    const readsOnly = arch === 'amd64' ? /^(cmp|test|bt)/.test(l.mnemonic) || dest.includes('(') : /^(st|cmp|cmn|tst|prfm)/.test(l.mnemonic);
    const writes = !readsOnly && READ[arch]?.test(dest);
    expect(writes, `${label}: ${l.mnemonic} ${l.operands} writes a register a probe reads`).toBe(false);
  }
}

describe('probe sites, against objdump', () => {
  const fixtures = toolchainFixtures('httpserver').filter((f) => f.variant === 'amd64' || f.variant === 'amd64-pie' || f.variant === 'arm64');
  for (const f of fixtures) {
    it(`${f.goVersion} ${f.variant}: the HTTP probes and main.spin sit on the stack check's branch`, async () => {
      const { obj, src, functions } = await open(f.file);
      try {
        for (const name of FUNCTIONS) {
          const fn = functions.find((x) => x.name === name);
          if (!fn) throw new Error(`${f.path}: no ${name}`);
          const head = await readVA(obj, fn.entry, PROLOGUE_BYTES);
          const s = site(f.goarch, fn.entry, head as Uint8Array);
          expect(s.emulated, `${name} in ${f.path}`).toBe(true);
          expectGoodSite(f.goarch, disassemble(f.goarch, f.file, fn.entry, fn.entry + 32), fn.entry, s.addr, `${name} in ${f.path}`);
        }
        // A leaf has no stack check: its entry it is, single-stepped.
        const leaf = functions.find((x) => x.name === 'main.leaf');
        const head = await readVA(obj, leaf?.entry ?? 0, PROLOGUE_BYTES);
        expect(site(f.goarch, leaf?.entry ?? 0, head as Uint8Array)).toEqual({ addr: leaf?.entry, emulated: false });
      } finally {
        src.close();
      }
    });
  }

  for (const [go, variant] of [
    ['1.27', 'amd64'],
    ['1.19', 'arm64'],
  ] as const) {
    it(`go${go} ${variant}: every function of the binary with an emulated site, checked (thousands)`, async () => {
      const f = toolchainFixtures('httpserver').find((x) => x.go === go && x.variant === variant);
      if (!f) throw new Error(`no go${go} httpserver-${variant} fixture (npm run corpus)`);
      const { obj, src, functions } = await open(f.file);
      try {
        const text = functions.filter((x) => x.size >= PROLOGUE_BYTES);
        const lo = Math.min(...text.map((x) => x.entry));
        const hi = Math.max(...text.map((x) => x.entry + x.size));
        const byAddr = new Map<number, number>();
        const all = disassemble(f.goarch, f.file, lo, hi);
        for (const [i, l] of all.entries()) byAddr.set(l.addr, i);
        let matched = 0;
        for (const fn of text) {
          const head = await readVA(obj, fn.entry, PROLOGUE_BYTES);
          const s = site(f.goarch, fn.entry, head as Uint8Array);
          if (!s.emulated) continue;
          matched++;
          const i = byAddr.get(fn.entry) as number;
          expectGoodSite(f.goarch, all.slice(i, i + 5), fn.entry, s.addr, fn.name, false);
        }
        expect(matched).toBeGreaterThan(text.length * 0.7);
      } finally {
        src.close();
      }
    });
  }
});

/**
 * Which register holds which argument, from the binary itself: when the stack check fails, a Go
 * function stores its register arguments into their spill slots — word i of the arguments at
 * 8+8·i above SP — before it calls runtime.morestack_noctxt. objdump shows those stores; the plan
 * must read the *Request (ServeHTTP's word 3, after the receiver and the ResponseWriter's two),
 * the *response (word 2, the interface's data) and finishRequest's receiver (word 0) from those
 * registers, and the goroutine from the register the stack check loads the stack bound through.
 */
function spills(arch: string, file: string, entry: number, size: number, morestack: number): { words: Map<number, string>; g: string | null } {
  const out = execFileSync(
    OBJDUMP[arch] as string,
    ['-d', '--no-show-raw-insn', `--start-address=0x${entry.toString(16)}`, `--stop-address=0x${(entry + size).toString(16)}`, file],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  ).split('\n');
  // By address: a stripped binary's disassembly names no symbol.
  const call = out.findIndex((l) => new RegExp(`\\s(call|bl)\\s+(0x)?${morestack.toString(16)}\\b`).test(l));
  if (call < 0) throw new Error(`${file}: no call of runtime.morestack_noctxt at 0x${entry.toString(16)}`);
  const words = new Map<number, string>();
  const name = (r: string) => (arch === 'amd64' ? r.replace(/^r(ax|bx|cx|dx|di|si)$/, '$1') : r);
  for (let i = call - 1; i >= 0; i--) {
    const l = out[i] as string;
    const amd = /\bmov\s+%(\w+),0x([0-9a-f]+)\(%rsp\)/.exec(l);
    const str = /\bstr\s+(x\d+), \[sp, #(\d+)\]/.exec(l);
    const stp = /\bstp\s+(x\d+), (x\d+), \[sp, #(\d+)\]/.exec(l);
    if (amd) words.set((Number.parseInt(amd[2] as string, 16) - 8) / 8, name(amd[1] as string));
    else if (str) words.set((Number(str[2]) - 8) / 8, str[1] as string);
    else if (stp) {
      words.set((Number(stp[3]) - 8) / 8, stp[1] as string);
      words.set((Number(stp[3]) - 8) / 8 + 1, stp[2] as string);
    } else if (!/\s(nop|mov\s+x3, x30)\b/.test(l)) break;
  }
  // The stack check loads g.stackguard0 (offset 16): amd64 `cmp 0x10(%r14),%rsp`, arm64 `ldr x16, [x28, #16]`.
  const head = out.slice(0, 12).join('\n');
  const g = arch === 'amd64' ? (/\scmp\s+0x10\(%(r\d+)\),/.exec(head)?.[1] ?? null) : (/\sldr\s+x\d+, \[(x\d+), #16\]/.exec(head)?.[1] ?? null);
  return { words, g };
}

describe('argument registers, against the morestack spill', () => {
  for (const f of toolchainFixtures('httpserver')) {
    it(`${f.goVersion} ${f.variant}: the plan reads the request, the response and the goroutine where the binary keeps them`, async () => {
      const { functions, src } = await open(f.file);
      try {
        const target = await analyzeHttpBinary(src, decode);
        const morestack = functions.find((y) => y.name === 'runtime.morestack_noctxt.abi0' || y.name === 'runtime.morestack_noctxt')?.entry;
        if (morestack === undefined) throw new Error(`${f.path}: no runtime.morestack_noctxt`);
        const fn = (name: string) => {
          const x = functions.find((y) => y.name === name);
          if (!x) throw new Error(`${f.path}: no ${name}`);
          return spills(f.goarch, f.file, x.entry, x.size, morestack);
        };
        const serve = fn('net/http.serverHandler.ServeHTTP');
        const finish = fn('net/http.(*response).finishRequest');
        const probe = (name: string) => target.plan.probes.find((p) => p.name === name);
        const reg = (name: string, arg: string) =>
          new Set(
            probe(name)
              ?.fetch.filter((a) => a.name === arg)
              .map((a) => a.reg),
          );
        expect([...serve.words.keys()].sort()).toEqual([0, 1, 2, 3]);
        expect(reg('serve', 'req')).toEqual(new Set([serve.words.get(3)]));
        expect(reg('serve', 'method')).toEqual(new Set([serve.words.get(3)]));
        expect(reg('serve', 'fd')).toEqual(new Set([serve.words.get(2)]));
        expect(finish.words.get(0)).toBeDefined();
        expect(reg('finish', 'status')).toEqual(new Set([finish.words.get(0)]));
        for (const name of ['serve', 'finish', 'flushed']) expect(probe(name)?.fetch.find((a) => a.name === 'g')?.reg).toBe(serve.g);
        expect(serve.g).toBe(finish.g);
      } finally {
        src.close();
      }
    });
  }
});
