/**
 * The tracefs format parser and the binary ring-buffer decoder against the kernel itself: the same
 * events recorded in a second instance and printed by the kernel as text (`trace`) must be what
 * goready decodes from the binary pages, value for value and within microseconds (each instance
 * stamps its own copy). Then every
 * format file of this kernel, and mutated pages (a result or a FormatError, never a hang).
 */
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../src/core/errors.js';
import { decodePage, parseHeaderPage } from '../src/core/linux/ring-buffer.js';
import { parseTraceFormat, recordReader } from '../src/core/linux/trace-format.js';
import { TraceSession } from '../src/node/trace/tracefs.js';
import { requireTracing, sleep } from './helpers/trace.js';

const ROOT = '/sys/kernel/tracing';
/** fds closed by the test: far above any real one. */
const BASE = 900_000;

describe('tracefs records decoded from binary pages, against the kernel’s own text', () => {
  beforeAll(requireTracing);

  it('3000 sys_enter_close records (many pages, time extends) decode as the kernel prints them', async () => {
    const tids = readdirSync(`/proc/${process.pid}/task`).map(Number);
    // The kernel's text view: a second instance recording the same event for the same threads.
    const textDir = join(ROOT, 'instances', `goready-${process.pid}-text`);
    mkdirSync(textDir);
    const session = TraceSession.start(ROOT, [], [{ pids: tids, events: [{ event: 'syscalls/sys_enter_close' }] }]);
    try {
      writeFileSync(join(textDir, 'trace_clock'), 'mono');
      writeFileSync(join(textDir, 'buffer_size_kb'), '2048');
      writeFileSync(join(textDir, 'set_event_pid'), tids.join(' '));
      writeFileSync(join(textDir, 'events/syscalls/sys_enter_close/enable'), '1');
      // close(2) of fds that do not exist (EBADF): the kernel still records each, and every record
      // carries a number that says which one it is.
      const fds: number[] = [];
      for (let i = 0; i < 3000; i++) {
        fds.push(BASE + i);
        try {
          closeSync(BASE + i);
        } catch {
          // EBADF, as intended.
        }
        // Gaps longer than 2^27 ns make the kernel write time-extend entries.
        if (i % 1000 === 999) await sleep(200);
      }
      await sleep(50);
      writeFileSync(join(textDir, 'events/syscalls/sys_enter_close/enable'), '0');
      const ours = session.poll(true).filter((e) => e.format.name === 'sys_enter_close');
      const read = recordReader(ours[0]?.format ?? session.format('syscalls/sys_enter_close'), ['common_pid', 'fd']);
      const decoded = ours.map((e) => ({ us: Math.round(e.ts / 1000), ...read(e.data) }));
      // "  node-1234  [001] .....  4123.456789: sys_close(fd: 0x12)" (small values in decimal)
      const text = readFileSync(join(textDir, 'trace'), 'utf8')
        .split('\n')
        .map((l) => /-(\d+)\s+\[\d+\].*?\s(\d+)\.(\d{6}): sys_close\(fd: (0x[0-9a-f]+|\d+)\)/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ us: Number(m[2]) * 1e6 + Number(m[3]), common_pid: Number(m[1]), fd: Number(m[4]) }));
      expect(text.length).toBeGreaterThanOrEqual(3000);
      const a = decoded.filter((d) => (d.fd as number) >= BASE);
      const b = text.filter((d) => d.fd >= BASE);
      expect(b.map((x) => x.fd)).toEqual(fds);
      expect(a.map((x) => x.fd)).toEqual(fds);
      a.forEach((d, i) => {
        const t = b[i] as (typeof b)[number];
        expect(d.common_pid).toBe(t.common_pid);
        // Each instance stamps its own copy of an event: microseconds apart, never a wrongly
        // decoded time extend (a multiple of 2^27 ns).
        expect(Math.abs(d.us - t.us)).toBeLessThanOrEqual(100);
        if (i > 0) expect(d.us).toBeGreaterThanOrEqual((a[i - 1] as (typeof a)[number]).us);
      });
      expect(session.lost).toEqual({ pages: 0, events: 0 });
    } finally {
      session.close();
      rmdirSync(textDir);
    }
  });

  it('parses every event format of this kernel', () => {
    let n = 0;
    for (const group of readdirSync(join(ROOT, 'events'))) {
      let names: string[];
      try {
        names = readdirSync(join(ROOT, 'events', group));
      } catch {
        // A plain file at the top of events/ (enable, header_page …).
        continue;
      }
      for (const name of names) {
        let text: string;
        try {
          text = readFileSync(join(ROOT, 'events', group, name, 'format'), 'utf8');
        } catch {
          // enable, filter: not events.
          continue;
        }
        const f = parseTraceFormat(text, `${group}/${name}`);
        expect(f.name).toBe(name);
        expect(f.fields[0]?.name).toBe('common_type');
        // Flexible arrays (`args[]`) have size 0.
        for (const fl of f.fields) expect(fl.size > 0 || fl.array === 0).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(500);
    const drop = parseTraceFormat(readFileSync(join(ROOT, 'events/skb/kfree_skb/format'), 'utf8'));
    expect(drop.symbols.get('reason')?.get(2)).toBe('NOT_SPECIFIED');
    expect([...(drop.symbols.get('reason')?.values() ?? [])]).toContain('NO_SOCKET');
    const state = parseTraceFormat(readFileSync(join(ROOT, 'events/sock/inet_sock_set_state/format'), 'utf8'));
    expect(state.symbols.get('newstate')?.get(1)).toBe('TCP_ESTABLISHED');
    expect(state.fields.find((x) => x.name === 'saddr')).toMatchObject({ array: 4, size: 4 });
  });
});

describe('format files, mutated', () => {
  it('every mutation of a real format file parses or fails with a FormatError', () => {
    requireTracing();
    const text = readFileSync(join(ROOT, 'events/tcp/tcp_probe/format'), 'utf8');
    let seed = 5;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'field:;offset size signed[]0123456789 \n\t_abcxyz{}",()-';
    for (let i = 0; i < 3000; i++) {
      const chars = [...text];
      for (let k = 0; k <= rand(5); k++) {
        const at = rand(chars.length);
        if (rand(3) === 0) chars.splice(at, rand(20));
        else chars[at] = alphabet[rand(alphabet.length)] as string;
      }
      try {
        const f = parseTraceFormat(chars.join(''));
        for (const fl of f.fields) expect(fl.offset + fl.size).toBeLessThanOrEqual(1 << 16);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }
  });
});

describe('ring-buffer pages, mutated', () => {
  it('every mutation of a real page decodes or fails with a FormatError', async () => {
    requireTracing();
    const layout = parseHeaderPage(readFileSync(join(ROOT, 'events/header_page'), 'utf8'));
    // A real page: sys_enter_close events of this process.
    const session = TraceSession.start(
      ROOT,
      [],
      [{ pids: readdirSync(`/proc/${process.pid}/task`).map(Number), events: [{ event: 'syscalls/sys_enter_close' }] }],
    );
    const pages: Uint8Array[] = [];
    try {
      for (let i = 0; i < 200; i++) closeSync(openSync('/dev/null', 'r'));
      await sleep(20);
      // Read the raw pages directly, as the session would.
      const dir = readdirSync(join(ROOT, 'instances')).find((d) => d.startsWith(`goready-${process.pid}-`)) as string;
      for (const cpu of readdirSync(join(ROOT, 'instances', dir, 'per_cpu'))) {
        const fd = openSync(join(ROOT, 'instances', dir, 'per_cpu', cpu, 'trace_pipe_raw'), constants.O_RDONLY | constants.O_NONBLOCK);
        const buf = new Uint8Array(4096);
        try {
          for (;;) {
            const n = readSync(fd, buf, 0, buf.length, null);
            if (n <= 0) break;
            pages.push(buf.slice(0, n));
          }
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        } finally {
          closeSync(fd);
        }
      }
    } finally {
      session.close();
    }
    expect(pages.length).toBeGreaterThan(0);
    const base = pages[0] as Uint8Array;
    expect(decodePage(base, layout).events.length).toBeGreaterThan(0);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let errors = 0;
    for (let i = 0; i < 5000; i++) {
      const p = base.slice();
      for (let k = 0; k <= rand(8); k++) p[rand(Math.min(p.length, 512))] = rand(256);
      try {
        const d = decodePage(p.subarray(0, rand(p.length + 1)), layout);
        for (const e of d.events) expect(e.data.length).toBeLessThanOrEqual(layout.dataSize);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  });
});
