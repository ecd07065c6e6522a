/**
 * The kernel's tracing filesystem, driven directly: uprobes defined in `uprobe_events` at any
 * instruction (bpftrace 0.17 without libbfd refuses any address but a symbol's first byte on an
 * unstripped binary), tracepoints enabled with in-kernel filters, all recorded into a private
 * instance (`instances/goready-<pid>-<n>`) so nothing another tracer does is touched, and read back
 * as binary pages (`per_cpu/cpuN/trace_pipe_raw`) without the kernel formatting text.
 *
 * Everything goready creates is named after its own pid and removed on close, on exit and on
 * SIGINT/SIGTERM; what a killed goready left behind is removed by the next one.
 */
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeOrdered } from '../../core/linux/ordered-merge.js';
import { type PageLayout, parseHeaderPage, type RawEvent, visitPage } from '../../core/linux/ring-buffer.js';
import { parseTraceFormat, type TraceFormat } from '../../core/linux/trace-format.js';
import { onCleanup } from './cleanup.js';

export const TRACEFS_CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** The mounted tracefs, or null. */
export function findTracefs(): string | null {
  for (const dir of TRACEFS_CANDIDATES) if (existsSync(join(dir, 'uprobe_events')) || existsSync(join(dir, 'instances'))) return dir;
  return null;
}

/** The format of a tracepoint (`group/name`), or null when this kernel has no such event. */
export function readEventFormat(root: string, event: string): TraceFormat | null {
  const path = join(root, 'events', event, 'format');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // No such event on this kernel: the caller names what that costs.
    return null;
  }
  return parseTraceFormat(text, path);
}

/** Per-CPU buffer size for goready's instances: seconds of headroom at tens of thousands of events per second between two reads. */
const BUFFER_KB = 4096;
/** Events newer than this before the read started are held back: a writer may have taken its timestamp but not committed yet. */
const COMMIT_SLACK_NS = 5_000_000;

/** Writes a tracefs control file. uprobe_events is always appended to: opening it with O_TRUNC deletes every uprobe on the machine. */
function write(path: string, text: string): void {
  try {
    writeFileSync(path, text, { flag: path.endsWith('uprobe_events') ? 'a' : 'w' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${path}: writing '${text.trim()}' failed: ${err.code ?? err.message}${tracefsError(path)}`);
  }
}

/** The kernel's own explanation, which tracefs keeps in error_log for a rejected command. */
function tracefsError(path: string): string {
  const root = TRACEFS_CANDIDATES.find((r) => path.startsWith(r));
  if (!root) return '';
  try {
    const log = readFileSync(join(root, 'error_log'), 'utf8').trim().split('\n');
    const last = log.slice(-3).join(' ').replace(/\s+/g, ' ').trim();
    return last ? ` (error_log: ${last})` : '';
  } catch {
    // Kernels before 4.19 keep no error_log: the errno alone is the message.
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A uprobe to define: `p:GROUP/NAME PATH:0xOFFSET ARGS`. */
export interface UprobeSpec {
  name: string;
  path: string;
  /** File offset of the probed instruction (not its virtual address). */
  offset: number;
  /** Fetch arguments in tracefs syntax, e.g. `goid=+152(%r14):s64`. */
  args: string[];
}

/** A tracepoint (or a uprobe defined above) to record, with an in-kernel filter. */
export interface EventSpec {
  /** `group/name`, e.g. `syscalls/sys_exit_accept4`; uprobes are `<uprobe group>/<name>`. */
  event: string;
  filter?: string;
}

export interface InstanceSpec {
  /** Record only these threads (and, with `followForks`, the threads they create). */
  pids?: number[];
  followForks?: boolean;
  events: EventSpec[];
}

export interface DecodedEvent extends RawEvent {
  /** Which instance of the session recorded it. */
  instance: number;
  format: TraceFormat;
}

let sessionCount = 0;

/**
 * One tracing session: its uprobes and its instances. Create with `TraceSession.start`, read with
 * `poll()`, end with `close()` (idempotent, also run on exit and on signals).
 */
export class TraceSession {
  readonly group: string;
  private readonly uprobes: string[] = [];
  private readonly instances: string[] = [];
  private readonly enabled: string[] = [];
  private readonly cpus: { instance: number; fd: number }[] = [];
  private readonly formats = new Map<number, TraceFormat>();
  private readonly formatByName = new Map<string, TraceFormat>();
  private pending: DecodedEvent[] = [];
  private closed = false;
  private unregister: () => void = () => {};
  private readonly layout: PageLayout;
  private readonly pageBytes: number;
  /** Pages the kernel marked as following lost events, and how many events were lost when it said. */
  lost = { pages: 0, events: 0 };

  private constructor(readonly root: string) {
    this.group = `goready_${process.pid}`;
    this.layout = parseHeaderPage(readFileSync(join(root, 'events', 'header_page'), 'utf8'));
    let sub = 4;
    try {
      sub = Number(readFileSync(join(root, 'buffer_subbuf_size_kb'), 'utf8').trim()) || 4;
    } catch {
      // Kernels before 6.8 have one page per sub-buffer.
    }
    this.pageBytes = Math.max(4096, sub * 1024, this.layout.dataOffset + this.layout.dataSize);
  }

  /** Removes what goready processes that no longer run left in tracefs (a kill -9 skips every exit hook). */
  static sweep(root: string): void {
    const ue = join(root, 'uprobe_events');
    const stale = new Set<string>();
    if (existsSync(ue)) {
      for (const line of readFileSync(ue, 'utf8').split('\n')) {
        const m = /^[pr]:(goready_(\d+))\/(\S+)/.exec(line);
        if (m && !alive(Number(m[2]))) stale.add(`${m[1]}/${m[3]}`);
      }
    }
    const inst = join(root, 'instances');
    const deadInstances = existsSync(inst)
      ? readdirSync(inst).filter((d) => {
          const m = /^goready-(\d+)-\d+$/.exec(d);
          return m !== null && !alive(Number(m[1]));
        })
      : [];
    for (const d of deadInstances) {
      for (const ev of stale) {
        const en = join(inst, d, 'events', ev, 'enable');
        if (existsSync(en)) write(en, '0');
      }
    }
    for (const ev of stale) {
      const en = join(root, 'events', ev, 'enable');
      if (existsSync(en)) write(en, '0');
      write(ue, `-:${ev}\n`);
    }
    for (const d of deadInstances) rmdirSync(join(inst, d));
  }

  static start(root: string, uprobes: UprobeSpec[], instances: InstanceSpec[]): TraceSession {
    TraceSession.sweep(root);
    const s = new TraceSession(root);
    s.unregister = onCleanup(() => s.close());
    try {
      s.define(uprobes);
      instances.forEach((spec, i) => {
        s.instance(spec, i);
      });
    } catch (e) {
      s.close();
      throw e;
    }
    return s;
  }

  private define(uprobes: UprobeSpec[]): void {
    const ue = join(this.root, 'uprobe_events');
    for (const u of uprobes) {
      // Appending (never truncating) leaves every other tracer's probes alone.
      write(ue, `p:${this.group}/${u.name} ${u.path}:0x${u.offset.toString(16)} ${u.args.join(' ')}\n`);
      this.uprobes.push(u.name);
    }
  }

  /** The format of an event (`group/name`), read once. */
  format(event: string): TraceFormat {
    const cached = this.formatByName.get(event);
    if (cached) return cached;
    const path = join(this.root, 'events', event, 'format');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // Absent on this kernel (or not a tracepoint at all): say which event, in words.
      throw new Error(`${event}: no such trace event on this kernel (${path})`);
    }
    const fmt = parseTraceFormat(text, path);
    this.formatByName.set(event, fmt);
    this.formats.set(fmt.id, fmt);
    return fmt;
  }

  private instance(spec: InstanceSpec, index: number): void {
    const name = `goready-${process.pid}-${++sessionCount}`;
    const dir = join(this.root, 'instances', name);
    mkdirSync(dir);
    this.instances.push(dir);
    write(join(dir, 'trace_clock'), 'mono');
    write(join(dir, 'buffer_size_kb'), String(BUFFER_KB));
    if (spec.pids) {
      if (spec.followForks) write(join(dir, 'options', 'event-fork'), '1');
      write(join(dir, 'set_event_pid'), spec.pids.join(' '));
    }
    for (const ev of spec.events) {
      this.format(ev.event);
      const evDir = join(dir, 'events', ev.event);
      if (ev.filter) write(join(evDir, 'filter'), ev.filter);
      write(join(evDir, 'enable'), '1');
      this.enabled.push(join(evDir, 'enable'));
    }
    // O_NONBLOCK: an empty buffer answers EAGAIN at once instead of blocking Node's only thread.
    for (const cpu of readdirSync(join(dir, 'per_cpu')).filter((d) => /^cpu\d+$/.test(d))) {
      this.cpus.push({ instance: index, fd: openSync(join(dir, 'per_cpu', cpu, 'trace_pipe_raw'), constants.O_RDONLY | constants.O_NONBLOCK) });
    }
  }

  /** Adds threads to an instance's pid filter (a process traced by --binary that started later). */
  addPids(index: number, pids: number[]): void {
    const dir = this.instances[index];
    if (!dir || pids.length === 0) return;
    writeFileSync(join(dir, 'set_event_pid'), pids.join(' '), { flag: 'a' });
  }

  /**
   * Reads every CPU buffer of every instance and returns, in timestamp order, the events that are
   * certainly complete: older than the moment the read began, less a commit slack. Later events stay
   * for the next poll; `flush` returns everything (at the end of a session).
   */
  poll(flush = false): DecodedEvent[] {
    if (this.closed) return [];
    const before = Number(process.hrtime.bigint());
    // Records stay views into the page they came in: a page that held any gets a fresh buffer for the next read.
    let buf = new Uint8Array(this.pageBytes);
    // Each CPU's buffer is in timestamp order, and so is what the last poll held back: merged, not sorted.
    const streams: DecodedEvent[][] = [this.pending];
    for (const c of this.cpus) {
      const stream: DecodedEvent[] = [];
      for (;;) {
        let n: number;
        try {
          n = readSync(c.fd, buf, 0, buf.length, null);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN' || code === 'EINTR') break;
          throw e;
        }
        if (n <= 0) break;
        const page = buf.subarray(0, n);
        const had = stream.length;
        const info = visitPage(page, this.layout, (ts, at, len) => {
          // common_type, the record's first field: which event it is; other records are skipped without an object.
          const format = len >= 2 ? this.formats.get((page[at] as number) | ((page[at + 1] as number) << 8)) : undefined;
          if (format) stream.push({ ts, data: page.subarray(at, at + len), instance: c.instance, format });
        });
        if (info.lost) {
          this.lost.pages++;
          if (info.lostCount !== null) this.lost.events += info.lostCount;
        }
        if (stream.length > had) buf = new Uint8Array(this.pageBytes);
      }
      streams.push(stream);
    }
    const all = mergeOrdered(streams);
    if (flush) {
      this.pending = [];
      return all;
    }
    const cut = before - COMMIT_SLACK_NS;
    let i = all.length;
    while (i > 0 && (all[i - 1] as DecodedEvent).ts > cut) i--;
    this.pending = i === all.length ? [] : all.slice(i);
    return i === all.length ? all : all.slice(0, i);
  }

  /** Disables and removes everything the session created. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unregister();
    const errors: string[] = [];
    const attempt = (f: () => void) => {
      try {
        f();
      } catch (e) {
        errors.push((e as Error).message);
      }
    };
    for (const en of this.enabled) attempt(() => writeFileSync(en, '0'));
    for (const c of this.cpus) attempt(() => closeSync(c.fd));
    const ue = join(this.root, 'uprobe_events');
    for (const u of this.uprobes) attempt(() => writeFileSync(ue, `-:${this.group}/${u}\n`, { flag: 'a' }));
    for (const d of this.instances) attempt(() => rmdirSync(d));
    if (errors.length) process.stderr.write(`goready: cleaning up tracefs: ${errors.join('; ')}\n`);
  }
}
