/**
 * `--metrics ADDR`: a Prometheus endpoint (prom-client) serving, while a trace runs, per-route and
 * per-phase latency histograms and request counts by status. Routes are always the bounded ones
 * (Request.Pattern, else path shapes) so a path full of IDs cannot explode the label space.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';
import type { HttpRequestRecord } from '../../core/analyses/trace/http-types.js';

/** Buckets from 50 µs to ~13 s, ×2 each: request phases span that range. */
const BUCKETS = Array.from({ length: 19 }, (_, i) => 0.00005 * 2 ** i);

const PHASE_LABELS: [keyof HttpRequestRecord['phases'], string][] = [
  ['acceptWaitNs', 'accept_wait'],
  ['readNs', 'read'],
  ['handlerNs', 'handler'],
  ['writeNs', 'write'],
];

/** `127.0.0.1:9464`, `:9464` (loopback), `9464`, `[::1]:9464`, `0.0.0.0:9464` (every interface, when asked). */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*))?:?(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`--metrics ${addr}: not HOST:PORT`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export class TraceMetrics {
  readonly registry = new Registry();
  private readonly phase: Histogram<'route' | 'phase'>;
  private readonly total: Histogram<'route'>;
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private server: Server | null = null;

  constructor() {
    this.phase = new Histogram({
      name: 'goready_http_request_phase_seconds',
      help: 'Time of each phase of traced HTTP requests: accept_wait (handshake done to accept), read, handler, write',
      labelNames: ['route', 'phase'],
      buckets: BUCKETS,
      registers: [this.registry],
    });
    this.total = new Histogram({
      name: 'goready_http_request_seconds',
      help: 'Time of traced HTTP requests from their first measured point to the response flushed',
      labelNames: ['route'],
      buckets: BUCKETS,
      registers: [this.registry],
    });
    this.requests = new Counter({
      name: 'goready_http_requests_total',
      help: 'Traced HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [this.registry],
    });
  }

  observe(r: HttpRequestRecord, route: string): void {
    for (const [key, phase] of PHASE_LABELS) {
      const v = r.phases[key];
      if (v !== undefined) this.phase.observe({ route, phase }, v / 1e9);
    }
    this.total.observe({ route }, r.totalNs / 1e9);
    this.requests.inc({ route, method: r.method ?? 'unknown', status: r.status === null ? 'unknown' : String(r.status) });
  }

  /** Serves /metrics; resolves with the address bound (port 0 picks a free one). */
  listen(addr: string): Promise<string> {
    const { host, port } = parseListenAddress(addr);
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end('goready serves /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        (e: Error) => res.writeHead(500).end(`${e.message}\n`),
      );
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`--metrics ${addr}: ${e.code ?? e.message}`)));
      server.listen(port, host, () => {
        const a = server.address();
        resolve(typeof a === 'object' && a ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : addr);
      });
    });
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = null;
    return s ? new Promise((resolve) => s.close(() => resolve())) : Promise.resolve();
  }
}
