/**
 * The data of `goready trace http`: the events the kernel records (after decoding) and the
 * per-request record the trace emits (schema/trace-http.schema.json).
 */

/** `127.0.0.1:8080`, `[::1]:8080`: written as Go's net package writes a RemoteAddr. */
export type Endpoint = string;

interface Base {
  /** CLOCK_MONOTONIC nanoseconds. */
  ts: number;
  /** The traced process (thread group). */
  pid: number;
}

export type HttpEvent =
  | (Base & {
      kind: 'serve';
      g: number;
      goid: number | null;
      req: number;
      method: string | null;
      path: string | null;
      peer: Endpoint | null;
      fd: number | null;
    })
  | (Base & { kind: 'finish'; g: number; status: number | null; pattern: string | null })
  | (Base & { kind: 'flushed'; g: number })
  /** accept4 returned a connection. */
  | (Base & { kind: 'accept'; fd: number })
  | (Base & { kind: 'close'; fd: number })
  /** The kernel finished a handshake on a traced listener (SYN_RECV → ESTABLISHED); pid is 0: softirq. */
  | (Base & { kind: 'established'; local: Endpoint; peer: Endpoint })
  /** A segment with data arrived on a traced listener's connection; pid is 0: softirq. */
  | (Base & { kind: 'data'; local: Endpoint; peer: Endpoint; bytes: number });

export interface HttpPhases {
  /** Handshake done → accept4 returned it (first request of a connection accepted while tracing). */
  acceptWaitNs?: number;
  /** The request's bytes arrived (on a new connection: it was accepted) → ServeHTTP entered. */
  readNs?: number;
  /** ServeHTTP entered → handler returned (finishRequest). */
  handlerNs: number;
  /** Handler returned → the response's final flush returned. */
  writeNs?: number;
}

export interface HttpRequestRecord {
  /** Wall-clock time the request began (its earliest measured point), ISO 8601. */
  ts: string;
  pid: number;
  goid: number | null;
  method: string | null;
  path: string | null;
  /** Go ≥ 1.23: the ServeMux pattern that matched (Request.Pattern), when one did. */
  pattern?: string;
  status: number | null;
  conn: { peer: Endpoint | null; local: Endpoint | null; reused: boolean; fd: number | null };
  phases: HttpPhases;
  totalNs: number;
}
