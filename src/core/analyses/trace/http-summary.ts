/**
 * Per-route statistics of traced requests: counts, status classes and the percentiles of each
 * phase. Memory stays bounded on long traces: each series is a Reservoir.
 */
import type { HttpRequestRecord } from './http-types.js';
import { quantile, Reservoir, seededRandom } from './reservoir.js';
import { RouteNamer } from './routes.js';

export const PHASES = ['acceptWaitNs', 'readNs', 'handlerNs', 'writeNs', 'totalNs'] as const;
export type PhaseName = (typeof PHASES)[number];

interface RouteEntry {
  count: number;
  statuses: Record<string, number>;
  phases: Map<PhaseName, Reservoir>;
}

export interface PhaseStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface RouteStats {
  route: string;
  count: number;
  /** `2xx`, `4xx`, … and `unknown`. */
  statuses: Record<string, number>;
  phases: Partial<Record<PhaseName, PhaseStats>>;
}

export interface HttpSummary {
  requests: number;
  /** Busiest first. */
  routes: RouteStats[];
  /** Routes left out by a limit (the live table shows the busiest few). */
  more?: number;
}

/** Rows of the live table: a terminal shows a screenful, and each row sorts its samples every second. */
export const LIVE_ROUTES = 20;

function phaseStats(r: Reservoir): PhaseStats {
  const s = r.sorted();
  return { count: r.n, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: r.max };
}

export function statusClass(status: number | null): string {
  return status === null ? 'unknown' : `${Math.floor(status / 100)}xx`;
}

/** Accumulates records as they come; `summary()` may be called at any time (the live table). */
export class HttpAggregator {
  private readonly routes = new Map<string, RouteEntry>();
  private readonly namer: RouteNamer;
  private total = 0;
  // One generator for every series: the same records give the same summary.
  private readonly rand = seededRandom();

  /** `byRoute`: rows are routes (pattern or path shape); otherwise each path is its own row. */
  constructor(byRoute: boolean) {
    this.namer = new RouteNamer(!byRoute);
  }

  routeOf(r: HttpRequestRecord): string {
    return this.namer.route(r.path, r.pattern);
  }

  add(r: HttpRequestRecord): string {
    const route = this.routeOf(r);
    let e = this.routes.get(route);
    if (!e) {
      e = { count: 0, statuses: {}, phases: new Map() };
      this.routes.set(route, e);
    }
    e.count++;
    this.total++;
    const cls = statusClass(r.status);
    e.statuses[cls] = (e.statuses[cls] ?? 0) + 1;
    // Per request: no arrays built, one reservoir per phase present.
    const ph = r.phases;
    if (ph.acceptWaitNs !== undefined) this.sample(e, 'acceptWaitNs', ph.acceptWaitNs);
    if (ph.readNs !== undefined) this.sample(e, 'readNs', ph.readNs);
    this.sample(e, 'handlerNs', ph.handlerNs);
    if (ph.writeNs !== undefined) this.sample(e, 'writeNs', ph.writeNs);
    this.sample(e, 'totalNs', r.totalNs);
    return route;
  }

  private sample(e: RouteEntry, p: PhaseName, v: number): void {
    let s = e.phases.get(p);
    if (!s) {
      s = new Reservoir(this.rand);
      e.phases.set(p, s);
    }
    s.add(v);
  }

  /** The statistics so far; with `limit`, of the busiest routes only (the others are counted in `more`). */
  summary(limit = Number.POSITIVE_INFINITY): HttpSummary {
    const all = [...this.routes].sort(([ra, a], [rb, b]) => b.count - a.count || ra.localeCompare(rb));
    const routes: RouteStats[] = all.slice(0, limit).map(([route, e]) => {
      const phases: RouteStats['phases'] = {};
      for (const p of PHASES) {
        const s = e.phases.get(p);
        if (s) phases[p] = phaseStats(s);
      }
      return { route, count: e.count, statuses: e.statuses, phases };
    });
    const out: HttpSummary = { requests: this.total, routes };
    if (all.length > routes.length) out.more = all.length - routes.length;
    return out;
  }
}
