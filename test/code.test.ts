import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { X86Decoder } from '../src/core/code/amd64.js';
import { decodeArm64, decodeBitMask } from '../src/core/code/arm64.js';
import { functionCode, goFunctions } from '../src/core/code/functions.js';
import type { Instruction, MemOperand } from '../src/core/code/instruction.js';
import { SYSCALL_ARCHES, syscallTable } from '../src/core/linux/syscalls.js';
import { openObject } from '../src/core/object/open.js';
import type { ObjectFile } from '../src/core/object/types.js';
import { loadIced } from '../src/node/code/iced.js';
import { FileSource } from '../src/node/files/source.js';
import { entry } from './helpers/corpus.js';
import { toolchainFixtures } from './helpers/toolchains.js';

async function open(file: string): Promise<ObjectFile> {
  const [o] = await openObject(new FileSource(file));
  if (!o) throw new Error(`${file}: no object`);
  return o.obj;
}

/** Every instruction of every pclntab function, by address. */
async function decodeAll(file: string, decode: (bytes: Uint8Array, addr: number) => Instruction[]): Promise<Map<number, Instruction>> {
  const obj = await open(file);
  const tab = await goFunctions(obj);
  if (!tab) throw new Error(`${file}: no pclntab`);
  const out = new Map<number, Instruction>();
  const skipped = { count: 0 };
  for await (const f of functionCode(obj, tab.functions, { skipped })) for (const i of decode(f.bytes, f.entry)) out.set(i.addr, i);
  expect(skipped.count).toBe(0);
  return out;
}

/** objdump's lines `addr: mnemonic args`, without raw bytes. */
function objdump(tool: string, file: string, args: string[] = []): { addr: number; op: string; args: string }[] {
  const text = execFileSync(tool, ['-d', '--no-show-raw-insn', ...args, file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const out: { addr: number; op: string; args: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ addr: Number.parseInt(m[1] as string, 16), op: m[2] as string, args: m[3] as string });
  }
  return out;
}

const mem = (i: Instruction): MemOperand | undefined => i.operands.find((o): o is MemOperand => o.kind === 'mem');

describe('code: x86-64 through iced-x86 against GNU objdump', () => {
  const cases = [
    toolchainFixtures('hello').find((f) => f.go === '1.27' && f.variant === 'amd64-stripped'),
    toolchainFixtures('hello').find((f) => f.go === '1.19' && f.variant === 'amd64'),
  ].map((f) => f?.file as string);
  cases.push(entry('linux-amd64-pie-stripped').file);
  for (const file of cases) {
    it(`${file.split('/').slice(-2).join('/')}: instruction starts, branch targets, immediates, RIP-relative targets`, async () => {
      const dec = new X86Decoder(loadIced());
      const mine = await decodeAll(file, (b, a) => dec.decode(b, a));
      let checked = 0;
      const bad: string[] = [];
      let starts = 0;
      for (const d of objdump('objdump', file, ['-M', 'intel'])) {
        const i = mine.get(d.addr);
        if (!i) continue;
        starts++;
        const args = d.args.replace(/\s*<.*>$/, '');
        let ok: boolean | null = null;
        if (/^(call|jmp|j[a-z]+)$/.test(d.op) && /^[0-9a-f]+$/.test(args.trim())) ok = i.target === Number.parseInt(args.trim(), 16);
        else if (d.op === 'mov' && /^[re][a-z0-9]+,0x[0-9a-f]+$/.test(args)) {
          const [reg, v] = args.split(',') as [string, string];
          const o0 = i.operands[0];
          const o1 = i.operands[1];
          ok = o0?.kind === 'reg' && o0.reg === reg && o1?.kind === 'imm' && BigInt.asUintN(32, o1.value) === BigInt.asUintN(32, BigInt(v));
        } else if (d.op === 'syscall') ok = i.flow === 'syscall' && i.writes.includes('rax');
        else if (d.op === 'ret') ok = i.flow === 'return';
        else {
          const rip = /rip\+0x[0-9a-f]+\]\S*\s+# (?:0x)?([0-9a-f]+)/.exec(d.args);
          if (rip) ok = mem(i)?.pcTarget === Number.parseInt(rip[1] as string, 16);
        }
        if (ok === null) continue;
        checked++;
        if (!ok) bad.push(`${d.addr.toString(16)} ${d.op} ${d.args}`);
      }
      // Every instruction goready decodes starts where objdump's linear sweep starts one.
      expect(starts).toBe(mine.size);
      expect(checked).toBeGreaterThan(10_000);
      expect(bad.slice(0, 10)).toEqual([]);
    });
  }

  it('register writes include the implicit ones (MUL, SYSCALL, XCHG) and exclude compares', () => {
    const dec = new X86Decoder(loadIced());
    // mul rbx; syscall; xchg rcx, rdx; cmp rax, rbx; mov dword [rsp+8], eax; mov eax, 0x101
    const code = new Uint8Array([0x48, 0xf7, 0xe3, 0x0f, 0x05, 0x48, 0x87, 0xd1, 0x48, 0x39, 0xd8, 0x89, 0x44, 0x24, 0x08, 0xb8, 0x01, 0x01, 0, 0]);
    const ins = dec.decode(code, 0x1000);
    expect(ins.map((i) => [i.mnemonic, [...i.writes].sort()])).toEqual([
      ['mul', ['rax', 'rdx']],
      ['syscall', ['r11', 'rax', 'rcx']],
      ['xchg', ['rcx', 'rdx']],
      ['cmp', []],
      ['mov', []],
      ['mov', ['rax']],
    ]);
    expect(mem(ins[4] as Instruction)).toMatchObject({ base: 'rsp', disp: 8, bytes: 4 });
  });
});

describe('code: arm64 by masks against aarch64-linux-gnu-objdump', () => {
  const cases = [
    toolchainFixtures('hello').find((f) => f.go === '1.27' && f.variant === 'arm64-stripped'),
    toolchainFixtures('hello').find((f) => f.go === '1.19' && f.variant === 'arm64'),
  ].map((f) => f?.file as string);
  for (const file of cases) {
    it(`${file.split('/').slice(-2).join('/')}: branches, constants, ADRP, stack loads/stores, SVC`, async () => {
      const mine = await decodeAll(file, (b, a) => decodeArm64(b, a));
      const counts = new Map<string, number>();
      const bad: string[] = [];
      for (const d of objdump('aarch64-linux-gnu-objdump', file)) {
        const i = mine.get(d.addr);
        if (!i) continue;
        const args = d.args.replace(/\s*\/\/.*$/, '');
        const op = d.op;
        let ok: boolean | null = null;
        if (/^(bl?|b\.[a-z]+|cbn?z|tbn?z)$/.test(op)) {
          const t = /([0-9a-f]+)(?:\s+<.*>)?$/.exec(args.trim());
          ok = i.mnemonic === op && i.target === Number.parseInt(t?.[1] as string, 16);
        } else if (op === 'adrp' || op === 'adr') {
          const v = i.operands[1];
          ok = i.mnemonic === op && v?.kind === 'imm' && Number(v.value) === Number.parseInt((args.split(',')[1] as string).trim().replace(/^0x/, ''), 16);
        } else if (op === 'mov' && /#/.test(args) && ['movz', 'movn', 'orr'].includes(i.mnemonic)) {
          const rd = (args.split(',')[0] as string).trim();
          const v = BigInt((/#(-?(?:0x[0-9a-f]+|\d+))/.exec(args) as RegExpExecArray)[1] as string);
          const got = i.operands[i.mnemonic === 'orr' ? 2 : 1];
          const width = rd.startsWith('w') ? 32 : 64;
          const o0 = i.operands[0];
          ok = got?.kind === 'imm' && BigInt.asUintN(width, got.value) === BigInt.asUintN(width, v) && o0?.kind === 'reg' && o0.reg === rd;
        } else if (op === 'svc') ok = i.flow === 'syscall';
        else if (/^(ldr|str|ldur|stur|ldp|stp)$/.test(op)) {
          const m = /\[sp(?:, #(-?\d+))?\](!)?(?:, #(-?\d+))?$/.exec(args);
          if (m) {
            const mo = mem(i);
            const rt = (args.split(',')[0] as string).trim();
            const o0 = i.operands[0];
            ok =
              i.mnemonic === op &&
              o0?.kind === 'reg' &&
              o0.reg === rt &&
              mo?.base === 'sp' &&
              mo.disp === Number(m[1] ?? m[3] ?? 0) &&
              mo.writeback === (m[2] ? 'pre' : m[3] ? 'post' : undefined);
          }
        } else if (op === 'ret' || op === 'br' || op === 'blr') ok = i.mnemonic === op;
        if (ok === null) continue;
        counts.set(op, (counts.get(op) ?? 0) + 1);
        if (!ok) bad.push(`${d.addr.toString(16)} ${op} ${d.args}`);
      }
      expect(bad.slice(0, 10)).toEqual([]);
      for (const op of ['bl', 'b', 'adrp', 'mov', 'svc', 'ldr', 'str', 'stp', 'ldp', 'ret', 'cbz', 'tbz']) expect(counts.get(op) ?? 0).toBeGreaterThan(0);
    });
  }

  it('logical immediates decode as the Arm ARM DecodeBitMasks does', () => {
    // Fields as GNU as encodes them: orr x0, xzr, #0x38 (Go: ORR $56, ZR, R0); 0x5555…; reserved all-ones; orr w0, wzr, #0xff00ff00.
    expect(decodeBitMask(1, 0b000010, 0b111101, true)).toBe(0x38n);
    expect(decodeBitMask(0, 0b111100, 0, true)).toBe(0x5555555555555555n);
    expect(decodeBitMask(1, 0b111111, 0, true)).toBeNull();
    expect(decodeBitMask(0, 0b100111, 0b001000, false)).toBe(0xff00ff00n);
  });
});

describe('syscall tables (generated from the kernel uapi headers) against libseccomp', () => {
  const LIBSECCOMP: Record<string, string> = { amd64: 'X86_64', '386': 'X86', arm64: 'AARCH64', arm: 'ARM' };
  it('has amd64, 386, arm64 and arm', () => expect([...SYSCALL_ARCHES].sort()).toEqual(['386', 'amd64', 'arm', 'arm64']));
  for (const arch of Object.keys(LIBSECCOMP)) {
    it(`${arch}: every name libseccomp 2.5 knows has libseccomp's number`, () => {
      const t = syscallTable(arch);
      if (!t) throw new Error(`no table for ${arch}`);
      const names = t.names();
      const script = `import json, sys, seccomp
a = getattr(seccomp.Arch, sys.argv[1])
out = {}
for n in json.load(sys.stdin):
    try: out[n] = seccomp.resolve_syscall(a, n)
    except Exception: out[n] = None
print(json.dumps(out))`;
      const res = JSON.parse(
        execFileSync('/usr/bin/python3', ['-c', script, LIBSECCOMP[arch] as string], { input: JSON.stringify(names), encoding: 'utf8' }),
      ) as Record<string, number | null>;
      // On 386 libseccomp files the socket and SysV IPC calls under their multiplexers socketcall (102) and ipc (117).
      const multiplexed = (n: string) => arch === '386' && (res[n] === 102 || res[n] === 117) && n !== 'socketcall' && n !== 'ipc';
      const known = names.filter((n) => (res[n] ?? -1) >= 0 && !multiplexed(n));
      expect(known.length).toBeGreaterThan(names.length * 0.9);
      expect(known.filter((n) => res[n] !== t.number(n))).toEqual([]);
      // Names newer than libseccomp 2.5 (listns, file_getattr …) are why goready ships its own table.
      expect(t.number('getrandom')).toBe(res.getrandom);
    });
  }
  it('round-trips names and numbers', () => {
    const t = syscallTable('arm64');
    expect(t?.number('openat')).toBe(56);
    expect(t?.name(56)).toBe('openat');
    expect(t?.number('open')).toBeUndefined();
    expect(syscallTable('mips')).toBeNull();
  });
});
