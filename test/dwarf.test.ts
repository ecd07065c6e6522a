/**
 * The DWARF struct reader against Go's own debug/dwarf (test/tools/dwarfstructs, run with Go 1.27,
 * which reads DWARF 5) on binaries built by every toolchain (DWARF 4 up to Go 1.24, DWARF 5 from
 * 1.25), in every compressed form: SHF_COMPRESSED zlib as Go writes it, zstd and the GNU .zdebug
 * form (rewritten by binutils' objcopy), uncompressed, and Mach-O __zdebug sections. Then the
 * per-Go-version offset table against the DWARF of each toolchain's server.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dwarfOffsets, fieldStructs, GO_FIELDS, splitField, tableOffsets } from '../src/core/go/offsets.js';
import { type DwarfStruct, readDwarfStructs } from '../src/core/object/dwarf/info.js';
import { readDwarfSection } from '../src/core/object/dwarf/sections.js';
import { openObject } from '../src/core/object/open.js';
import { FileSource } from '../src/node/files/source.js';
import { entry } from './helpers/corpus.js';
import { toolchainFixtures } from './helpers/toolchains.js';

const GO_DWARF = '/usr/lib/go-1.27/bin/go';
const STRUCTS = [...fieldStructs(), 'net/http.Server', 'bufio.Reader'];

interface GoLayout {
  size: number;
  members: { name: string; offset: number; type: string | null }[];
}

function goStructs(file: string, names: string[]): Record<string, GoLayout> {
  const out = execFileSync(GO_DWARF, ['run', join(import.meta.dirname, 'tools', 'dwarfstructs', 'main.go'), file, ...names], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' },
  });
  return JSON.parse(out) as Record<string, GoLayout>;
}

async function ours(file: string, names: string[]): Promise<Map<string, DwarfStruct>> {
  const src = new FileSource(file);
  try {
    const [o] = await openObject(src);
    if (!o) throw new Error(`${file}: no object`);
    const m = await readDwarfStructs(o.obj, new Set(names));
    if (!m) throw new Error(`${file}: no DWARF`);
    return m;
  } finally {
    src.close();
  }
}

/** Same structs, sizes, member names and offsets; member type names where Go's reader names them. */
function expectSame(got: Map<string, DwarfStruct>, want: Record<string, GoLayout>, label: string): void {
  expect([...got.keys()].filter((k) => got.get(k)?.members.length).sort(), label).toEqual(Object.keys(want).sort());
  for (const [name, w] of Object.entries(want)) {
    const g = got.get(name) as DwarfStruct;
    expect(g.size, `${label} ${name} size`).toBe(w.size);
    expect(
      g.members.map((m) => `${m.name}@${m.offset}`),
      `${label} ${name}`,
    ).toEqual(w.members.map((m) => `${m.name}@${m.offset}`));
    w.members.forEach((m, i) => {
      if (m.type !== null) expect(g.members[i]?.type, `${label} ${name}.${m.name}`).toBe(m.type);
    });
  }
}

describe('DWARF struct layouts, against Go’s debug/dwarf', () => {
  const withDwarf = toolchainFixtures('httpserver').filter((f) => !f.stripped);
  it('covers every toolchain, amd64 and arm64, PIE and cgo', () => {
    expect(new Set(withDwarf.map((f) => f.go)).size).toBe(7);
    expect(new Set(withDwarf.map((f) => f.variant))).toEqual(new Set(['amd64', 'amd64-pie', 'amd64-cgo', 'arm64']));
  });
  for (const f of withDwarf) {
    it(`${f.goVersion} ${f.variant}`, async () => {
      expectSame(await ours(f.file, STRUCTS), goStructs(f.file, STRUCTS), f.path);
    });
  }

  const tmp = mkdtempSync(join(tmpdir(), 'goready-dwarf-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  for (const go of ['1.19', '1.27']) {
    for (const form of ['none', 'zlib-gnu', 'zstd']) {
      it(`go${go} with its DWARF rewritten by objcopy --compress-debug-sections=${form}`, async () => {
        const f = toolchainFixtures('httpserver').find((x) => x.go === go && x.variant === 'amd64');
        if (!f) throw new Error(`no go${go} httpserver fixture (npm run corpus)`);
        const out = join(tmp, `${go}-${form}`);
        execFileSync('objcopy', [form === 'none' ? '--decompress-debug-sections' : `--compress-debug-sections=${form}`, f.file, out]);
        const src = new FileSource(out);
        try {
          const [o] = await openObject(src);
          const info = o?.obj.sections.find((s) => s.name.endsWith('debug_info'));
          // The rewrite really produced the form under test.
          expect(info?.name).toBe(form === 'zlib-gnu' ? '.zdebug_info' : '.debug_info');
          expect(!!info?.flags.compressed).toBe(form === 'zstd');
          expect((await readDwarfSection(o?.obj as never, 'info'))?.length).toBeGreaterThan(100_000);
        } finally {
          src.close();
        }
        expectSame(await ours(out, STRUCTS), goStructs(out, STRUCTS), out);
      });
    }
  }

  for (const name of ['darwin-amd64', 'darwin-arm64']) {
    it(`Mach-O ${name} (__DWARF segment)`, async () => {
      const e = entry(name);
      expectSame(await ours(e.file, ['runtime.g', 'runtime.m']), goStructs(e.file, ['runtime.g', 'runtime.m']), e.path);
    });
  }

  it('a binary without DWARF gives null, not an empty layout', async () => {
    const f = toolchainFixtures('httpserver').find((x) => x.stripped);
    const src = new FileSource(f?.file as string);
    try {
      const [o] = await openObject(src);
      expect(await readDwarfStructs(o?.obj as never, new Set(['runtime.g']))).toBeNull();
    } finally {
      src.close();
    }
  });
});

describe('the offset table for stripped binaries, against DWARF', () => {
  for (const f of toolchainFixtures('httpserver').filter((x) => !x.stripped)) {
    it(`${f.goVersion} ${f.variant}: every field the table gives is where DWARF says`, async () => {
      const dwarf = dwarfOffsets(await ours(f.file, [...fieldStructs()]));
      const table = tableOffsets(f.goVersion);
      expect(table).not.toBeNull();
      for (const field of GO_FIELDS) expect(table?.[field], `${field} in ${f.path}`).toBe(dwarf[field]);
    });
  }

  it('1.20 and 1.25, which Debian does not ship, agree with OpenTelemetry’s offset_results.json', () => {
    // open-telemetry/opentelemetry-go-instrumentation internal/pkg/inject/offset_results.json (std module).
    const otel: Record<string, Partial<Record<(typeof GO_FIELDS)[number], number>>> = {
      'go1.20.14': {
        'runtime.g.goid': 152,
        'net/http.Request.Method': 0,
        'net/http.Request.URL': 16,
        'net/http.Request.RemoteAddr': 176,
        'net/url.URL.Path': 56,
        'net/http.response.status': 120,
      },
      'go1.25.5': {
        'runtime.g.goid': 152,
        'net/http.Request.Method': 0,
        'net/http.Request.URL': 16,
        'net/http.Request.RemoteAddr': 176,
        'net/http.Request.Pattern': 232,
        'net/url.URL.Path': 56,
        'net/http.response.status': 120,
      },
    };
    for (const [v, fields] of Object.entries(otel)) {
      const t = tableOffsets(v);
      for (const [k, off] of Object.entries(fields)) expect(t?.[k as (typeof GO_FIELDS)[number]], `${v} ${k}`).toBe(off);
    }
    expect(tableOffsets('go1.20.14')?.['net/http.Request.Pattern']).toBeUndefined();
  });

  it('has nothing for versions outside it', () => {
    expect(tableOffsets('go1.18.10')).toBeNull();
    expect(tableOffsets('go1.28.0')).toBeNull();
    expect(tableOffsets(null)).toBeNull();
    expect(splitField('internal/poll.FD.Sysfd')).toEqual(['internal/poll.FD', 'Sysfd']);
  });
});

describe('DWARF reader on mutated sections', () => {
  it('every mutation of .debug_info and .debug_abbrev ends in layouts or a FormatError', async () => {
    const { BytesSource } = await import('../src/core/io/source.js');
    const { FormatError } = await import('../src/core/errors.js');
    const hello = toolchainFixtures('hello').find((f) => f.go === '1.27' && f.variant === 'amd64');
    if (!hello) throw new Error('no go1.27 hello fixture (npm run corpus)');
    const dir = mkdtempSync(join(tmpdir(), 'goready-dwarf-fuzz-'));
    try {
      const plain = join(dir, 'hello');
      execFileSync('objcopy', ['--decompress-debug-sections', hello.file, plain]);
      const bytes = new Uint8Array((await import('node:fs')).readFileSync(plain));
      const [o] = await openObject(new BytesSource(bytes));
      const ranges = (o?.obj.sections ?? []).filter((s) => s.name === '.debug_info' || s.name === '.debug_abbrev').map((s) => [s.offset, s.fileSize] as const);
      expect(ranges).toHaveLength(2);
      let seed = 11;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      let failed = 0;
      for (let i = 0; i < 150; i++) {
        const copy = bytes.slice();
        for (let k = 0; k <= rand(6); k++) {
          const [off, size] = ranges[rand(2)] as readonly [number, number];
          // Mostly near the start (unit headers, abbreviation tables), sometimes anywhere.
          copy[off + (rand(4) ? rand(Math.min(size, 4096)) : rand(size))] = rand(256);
        }
        const [m] = await openObject(new BytesSource(copy));
        try {
          await readDwarfStructs(m?.obj as never, new Set(['runtime.g', 'runtime.m']));
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          failed++;
        }
      }
      expect(failed).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
