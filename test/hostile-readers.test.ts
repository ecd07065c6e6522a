/**
 * Crafted binaries of the shapes that used to exhaust memory or run for hours (issue 15, items
 * 1–6): each must end in a result or a one-line error, within a small heap. The hang guard is a
 * generous kill timeout, not a timing assertion: a run that needs it has not ended at all.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect } from '../src/core/facts/inspect.js';
import type { ByteSource } from '../src/core/io/source.js';
import { BytesSource } from '../src/core/io/source.js';
import { openObject } from '../src/core/object/open.js';
import { FileSource } from '../src/node/files/source.js';
import { CLI } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';
import { craftElf, PF_R, PF_X, PT_LOAD, SHF_ALLOC, SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB } from './helpers/craft.js';

/** The heap goready gets here: far below what the old code needed (1.5–6 GB), ample for real binaries. */
const HEAP_MB = 192;
/** A run still going after this has hung (the fixed code ends each case in about a second). */
const HANG_GUARD_MS = 60_000;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goready-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: HANG_GUARD_MS,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Ended on its own, with a result (0/1) or one line naming the file (2), never a crash or a stack trace. */
function endsCleanly(r: ReturnType<typeof run>, file: string): void {
  expect(r.signal, `killed (hung or out of memory): ${r.stderr.slice(0, 500)}`).toBeNull();
  expect([0, 1, 2]).toContain(r.code);
  expect(r.stderr).not.toMatch(/\n\s+at |heap out of memory|Invalid string length|Maximum call stack/);
  if (r.code === 2) {
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^goready: /);
    expect(lines[0]).toContain(file);
  }
}

function write(name: string, bytes: Uint8Array): string {
  const f = join(dir, name);
  writeFileSync(f, bytes, { mode: 0o755 });
  return f;
}

describe('1. .gnu.version_r records that chain back to themselves', () => {
  it('the walk stays inside the section and stops at the first record read twice', async () => {
    const real = entry('linux-amd64-cgo').file;
    const bytes = new Uint8Array(readFileSync(real));
    const src = new BytesSource(bytes);
    const [opened] = await openObject(src);
    const vr = opened?.obj.sections.find((s) => s.name === '.gnu.version_r');
    expect(vr, 'the cgo fixture has version needs').toBeDefined();
    const v = vr as { offset: number; fileSize: number };
    // Every 16-byte record: vn_version 1, vn_cnt = vna… 65535, aux and next 16 bytes on: each record doubles as the next.
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let o = v.offset; o + 16 <= v.offset + v.fileSize; o += 16) {
      dv.setUint16(o, 1, true);
      dv.setUint16(o + 2, 65535, true);
      dv.setUint32(o + 8, 16, true);
      dv.setUint32(o + 12, 16, true);
    }
    const f = write('verneed-loop', bytes);
    const [r] = await inspect(new BytesSource(bytes), { path: f });
    expect(r?.damage.map((d) => d.detail).join('\n')).toMatch(/(outside the \d+-byte version needs|loops back).* in ELF \.gnu\.version_r/);
    const cli = run(['inspect', f]);
    endsCleanly(cli, f);
    expect(cli.code).toBe(2);
    endsCleanly(run(['check', f, '--host', join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json')]), f);
  });
});

describe('2. a 16 MB file of go1.x strings', () => {
  it('the version scan keeps a bounded set of candidates', () => {
    const size = 16 << 20;
    const body = Buffer.alloc(size, 'go1.22.3 ');
    const f = write(
      'go1-everywhere',
      craftElf({ segments: [{ type: PT_LOAD, flags: PF_R, offset: 0, vaddr: 0x400000, fileSize: 120 + size, memSize: 120 + size }], body }),
    );
    for (const args of [
      ['inspect', f],
      ['inspect', '--format', 'json', f],
    ]) {
      const r = run(args);
      endsCleanly(r, f);
    }
  });
});

describe('3. 65,000 load segments and no sections', () => {
  it('the pclntab scan is linear in the segments and reads each file byte once', () => {
    const n = 65_000;
    const body = Buffer.alloc(n * 16, 0x90);
    const bodyAt = 64 + n * 56;
    // Each segment maps its own 16 bytes, alternately data and code, plus one that maps them all.
    const segments = Array.from({ length: n }, (_, i) => ({
      type: PT_LOAD,
      flags: i % 2 ? PF_R | PF_X : PF_R,
      offset: i === n - 1 ? 0 : bodyAt + i * 16,
      vaddr: 0x400000 + i * 16,
      fileSize: i === n - 1 ? bodyAt + body.length : 16,
      memSize: 16,
    }));
    const f = write('many-segments', craftElf({ segments, body }));
    for (const cmd of ['inspect', 'size']) endsCleanly(run([cmd, f]), f);
  });
});

/**
 * A go1.20 pclntab whose every functab entry points at one _func record, whose name is a 1 MiB run
 * without a NUL and whose pcsp stream is (value 2, pc +0) pairs that never advance.
 */
function sharedFuncTable(nfunc: number): { table: Uint8Array; textSize: number } {
  const NAME = 1 << 20;
  const PCTAB = 64 << 10;
  const header = 8 + 8 * 8;
  const funcnametab = header;
  const cutab = funcnametab + NAME;
  const filetab = cutab + 8;
  const pctab = filetab + 8;
  const functab = pctab + PCTAB;
  const funcRec = (nfunc + 1) * 8;
  const size = functab + funcRec + 48;
  const b = Buffer.alloc(size);
  b.writeUInt32LE(0xfffffff1, 0);
  b[6] = 1; // quantum
  b[7] = 8; // pointer size
  const words = [nfunc, 1, 0x401000, funcnametab, cutab, filetab, pctab, functab];
  for (const [i, w] of words.entries()) b.writeBigUInt64LE(BigInt(w), 8 + i * 8);
  b.fill('A', funcnametab, cutab);
  b.write('a.go\0', filetab, 'latin1');
  for (let i = pctab; i + 1 < functab; i += 2) {
    b[i] = 0x04; // zig-zag value delta +2
    b[i + 1] = 0x00; // pc delta 0
  }
  for (let i = 0; i <= nfunc; i++) {
    b.writeUInt32LE(i * 16, functab + i * 8);
    b.writeUInt32LE(funcRec, functab + i * 8 + 4);
  }
  const fo = functab + funcRec;
  b.writeInt32LE(0, fo + 4); // nameOff: the start of the run
  b.writeUInt32LE(1, fo + 16); // pcsp
  return { table: new Uint8Array(b.buffer, b.byteOffset, b.length), textSize: (nfunc + 1) * 16 };
}

describe('4. one shared _func record with a 1 MiB name and a pcsp stream that never advances', () => {
  it('inspect --functions, size and check end with a result or one line', () => {
    const nfunc = 20_000;
    const { table, textSize } = sharedFuncTable(nfunc);
    const bodyAt = 0x1000;
    const textAt = bodyAt;
    const tableAt = textAt + textSize;
    const body = new Uint8Array(textSize + table.length);
    body.set(table, textSize);
    const f = write(
      'shared-func',
      craftElf({
        segments: [{ type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0x400000, fileSize: bodyAt + body.length, memSize: bodyAt + body.length }],
        sections: [
          { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | 4, addr: 0x400000 + textAt, offset: textAt, size: textSize },
          { name: '.gopclntab', type: SHT_PROGBITS, flags: SHF_ALLOC, addr: 0x400000 + tableAt, offset: tableAt, size: table.length },
        ],
        body,
        bodyAt,
      }),
    );
    const listed = run(['inspect', '--functions', f]);
    endsCleanly(listed, f);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toMatch(/function names total more than/);
    endsCleanly(run(['size', f]), f);
    endsCleanly(run(['check', f, '--host', join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json')]), f);
  });
});

describe('5. a sparse 2 GiB file whose sections claim 512 MiB tables', () => {
  it('one read budget per file, proportional to what it really stores', async () => {
    const claim = 512 << 20;
    const head = craftElf({
      segments: [],
      sections: [
        { name: '.symtab', type: SHT_SYMTAB, flags: 0, addr: 0, offset: 1 << 20, size: claim, link: 3, entsize: 24 },
        { name: '.strtab', type: SHT_STRTAB, flags: 0, addr: 0, offset: (1 << 20) + claim, size: claim },
        { name: '.gopclntab', type: SHT_PROGBITS, flags: SHF_ALLOC, addr: 0x500000, offset: (1 << 20) + 2 * claim, size: claim },
      ],
    });
    const f = join(dir, 'sparse');
    const fd = openSync(f, 'w', 0o755);
    writeSync(fd, head);
    closeSync(fd);
    // Extend to 2 GiB without storing anything: the filesystem allocates no blocks for the hole.
    const fd2 = openSync(f, 'r+');
    writeSync(fd2, new Uint8Array([0]), 0, 1, 2 ** 31 - 1);
    closeSync(fd2);
    const st = statSync(f);
    expect(st.size).toBe(2 ** 31);
    expect(st.blocks * 512, 'the test file must be sparse').toBeLessThan(1 << 20);
    const src = new FileSource(f);
    try {
      const [r] = await inspect(src as ByteSource, { path: f });
      expect(r?.damage.map((d) => d.detail).join('\n')).toMatch(/more bytes of tables than a file storing this much can hold/);
    } finally {
      src.close();
    }
    for (const cmd of [
      ['inspect', f],
      ['inspect', '--functions', f],
      ['size', f],
    ])
      endsCleanly(run(cmd), f);
  });
});

describe('6. an engine limit reached while reading', () => {
  it('becomes an error naming what was being read', async () => {
    const bytes = new Uint8Array(readFileSync(entry('linux-amd64').file));
    // A source that fails like the engine does on a string too long to build, after the headers.
    const failing: ByteSource = {
      size: bytes.length,
      read: async (offset, length) => {
        if (offset > 4096) throw new RangeError('Invalid string length');
        return bytes.subarray(offset, offset + length);
      },
    };
    await expect(inspect(failing, { path: 'x' })).rejects.toThrow(/^reading the [a-zA-Z ]+: Invalid string length$/);
  });
});
