/**
 * Turns raw trace records (laid out as the kernel's format files say) into the events the HTTP
 * join understands. Pure: the caller reads the formats and the ring buffer.
 */
import { type FieldValue, recordReader, type TraceFormat } from '../../linux/trace-format.js';
import type { Endpoint, HttpEvent } from './http-types.js';

const AF_INET = 2;
const AF_INET6 = 10;
const TCP_ESTABLISHED = 1;
const TCP_SYN_RECV = 3;

/** Longest method a request may carry before goready calls the bytes garbage (a wrong offset). */
const MAX_METHOD = 16;

const utf8 = new TextDecoder('utf-8', { fatal: false });

function num(v: FieldValue | undefined): number {
  return typeof v === 'number' ? v : Number.NaN;
}

/** A Go string fetched as bytes plus its length: the bytes it has (cut ones end in "…"), or null when the length is impossible. */
export function goString(bytes: FieldValue | undefined, len: FieldValue | undefined, max = 1 << 20): string | null {
  const n = num(len);
  if (!(bytes instanceof Uint8Array) || !Number.isInteger(n) || n < 0 || n > max) return null;
  const text = utf8.decode(bytes.subarray(0, Math.min(n, bytes.length)));
  return n > bytes.length ? `${text}…` : text;
}

function ipv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** An IPv6 address as Go prints it (RFC 5952: lower case, longest zero run as ::); v4-mapped addresses as IPv4. */
export function ipv6(b: Uint8Array, at: number): string {
  const mapped = b.subarray(at, at + 10).every((x) => x === 0) && b[at + 10] === 0xff && b[at + 11] === 0xff;
  if (mapped) return ipv4(b, at + 12);
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(((b[at + 2 * i] as number) << 8) | (b[at + 2 * i + 1] as number));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

/** `addr:port` the way Go's net.JoinHostPort writes it. */
export function endpoint(addr: string, port: number): Endpoint {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** A struct sockaddr_in / sockaddr_in6 as the tcp tracepoints store it (family, big-endian port, address). */
export function sockaddr(b: FieldValue | undefined): Endpoint | null {
  if (!(b instanceof Uint8Array) || b.length < 8) return null;
  const family = (b[0] as number) | ((b[1] as number) << 8);
  const port = ((b[2] as number) << 8) | (b[3] as number);
  if (family === AF_INET) return endpoint(ipv4(b, 4), port);
  if (family === AF_INET6 && b.length >= 24) return endpoint(ipv6(b, 8), port);
  return null;
}

export interface DecodeContext {
  /** The traced process a thread belongs to, or null when the thread is not one of the traced processes'. */
  pidOf(tid: number): number | null;
}

/** The formats the decoder needs, by event name; a missing optional one disables its events. */
export interface HttpFormats {
  serve: TraceFormat;
  finish: TraceFormat;
  flushed?: TraceFormat;
  accept?: TraceFormat;
  close?: TraceFormat;
  state?: TraceFormat;
  probe?: TraceFormat;
}

/** Builds the decoder: one function from a raw record (and its format's ID) to an event, or null for records that are not one. */
export function httpDecoder(formats: HttpFormats, ctx: DecodeContext): (format: TraceFormat, data: Uint8Array, ts: number) => HttpEvent | null {
  const has = (f: TraceFormat, n: string) => f.fields.some((x) => x.name === n);
  const pick = (f: TraceFormat, names: string[]) => names.filter((n) => has(f, n));
  const serveFields = pick(formats.serve, ['common_pid', 'g', 'goid', 'req', 'method', 'method_len', 'path', 'path_len', 'peer', 'peer_len', 'fd']);
  const serve = recordReader(formats.serve, serveFields);
  const finish = recordReader(formats.finish, pick(formats.finish, ['common_pid', 'g', 'status', 'wrote', 'pattern', 'pattern_len']));
  const flushed = formats.flushed ? recordReader(formats.flushed, ['common_pid', 'g']) : null;
  const accept = formats.accept ? recordReader(formats.accept, ['common_pid', 'ret']) : null;
  const close = formats.close ? recordReader(formats.close, ['common_pid', 'fd']) : null;
  const state = formats.state
    ? recordReader(formats.state, ['oldstate', 'newstate', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr_v6', 'daddr_v6'])
    : null;
  const probe = formats.probe ? recordReader(formats.probe, ['saddr', 'daddr', 'data_len']) : null;
  const hasGoid = serveFields.includes('goid');
  // Made once: the bundle names every function it creates (esbuild keepNames), a cost per event if made per call.
  const pidOfRecord = (tid: FieldValue) => ctx.pidOf(num(tid));

  return (format, data, ts) => {
    if (format === formats.serve) {
      const r = serve(data);
      const pid = pidOfRecord(r.common_pid as FieldValue);
      if (pid === null) return null;
      const fd = num(r.fd);
      return {
        kind: 'serve',
        ts,
        pid,
        g: num(r.g),
        goid: hasGoid ? num(r.goid) : null,
        req: num(r.req),
        method: goString(r.method, r.method_len, MAX_METHOD),
        path: goString(r.path, r.path_len),
        peer: goString(r.peer, r.peer_len, 64),
        fd: Number.isInteger(fd) && fd >= 0 && fd < 1 << 24 ? fd : null,
      };
    }
    if (format === formats.finish) {
      const r = finish(data);
      const pid = pidOfRecord(r.common_pid as FieldValue);
      if (pid === null) return null;
      const status = num(r.status);
      // finishRequest writes 200 itself when the handler never called WriteHeader.
      const code = r.wrote === undefined ? null : num(r.wrote) ? status : 200;
      return {
        kind: 'finish',
        ts,
        pid,
        g: num(r.g),
        status: code !== null && code >= 100 && code <= 999 ? code : null,
        pattern: goString(r.pattern, r.pattern_len) || null,
      };
    }
    if (flushed && format === formats.flushed) {
      const r = flushed(data);
      const pid = pidOfRecord(r.common_pid as FieldValue);
      return pid === null ? null : { kind: 'flushed', ts, pid, g: num(r.g) };
    }
    if (accept && format === formats.accept) {
      const r = accept(data);
      const pid = pidOfRecord(r.common_pid as FieldValue);
      const fd = num(r.ret);
      return pid === null || fd < 0 ? null : { kind: 'accept', ts, pid, fd };
    }
    if (close && format === formats.close) {
      const r = close(data);
      const pid = pidOfRecord(r.common_pid as FieldValue);
      return pid === null ? null : { kind: 'close', ts, pid, fd: num(r.fd) };
    }
    if (state && format === formats.state) {
      const r = state(data);
      if (num(r.oldstate) !== TCP_SYN_RECV || num(r.newstate) !== TCP_ESTABLISHED) return null;
      const v6 = num(r.family) === AF_INET6;
      const addr = (v4: FieldValue, v6b: FieldValue) => (v6 && v6b instanceof Uint8Array ? ipv6(v6b, 0) : v4 instanceof Uint8Array ? ipv4(v4, 0) : '?');
      return {
        kind: 'established',
        ts,
        pid: 0,
        local: endpoint(addr(r.saddr as FieldValue, r.saddr_v6 as FieldValue), num(r.sport)),
        peer: endpoint(addr(r.daddr as FieldValue, r.daddr_v6 as FieldValue), num(r.dport)),
      };
    }
    if (probe && format === formats.probe) {
      const r = probe(data);
      const local = sockaddr(r.saddr);
      const peer = sockaddr(r.daddr);
      if (!local || !peer) return null;
      return { kind: 'data', ts, pid: 0, local, peer, bytes: num(r.data_len) };
    }
    return null;
  };
}
