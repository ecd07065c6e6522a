/**
 * Per-route statistics of traced requests: counts, status classes and the percentiles of each
 * phase. Memory stays bounded on long traces: each series keeps a uniform sample (Vitter's
 * algorithm R) of at most SAMPLE values, so percentiles are exact up to that many requests.
 */
import type { HttpPhases, HttpRequestRecord } from './http-types.js';
import { RouteNamer } from './routes.js';

export const PHASES = ['acceptWaitNs', 'readNs', 'handlerNs', 'writeNs', 'totalNs'] as const;
export type PhaseName = (typeof PHASES)[number];

/** Values kept per route and phase. */
const SAMPLE = 20_000;

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
  routes: RouteStats[];
}

class Series {
  n = 0;
  max = 0;
  readonly values: number[] = [];
  constructor(private readonly rand: () => number) {}
  add(v: number): void {
    this.n++;
    if (v > this.max) this.max = v;
    if (this.values.length < SAMPLE) this.values.push(v);
    else {
      const j = Math.floor(this.rand() * this.n);
      if (j < SAMPLE) this.values[j] = v;
    }
  }
  stats(): PhaseStats {
    // A typed array sorts numerically in native code: the live table sorts every sample each second.
    const s = Float64Array.from(this.values).sort();
    return { count: this.n, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: this.max };
  }
}

/** Nearest-rank quantile of sorted values (0 for none). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export function statusClass(status: number | null): string {
  return status === null ? 'unknown' : `${Math.floor(status / 100)}xx`;
}

/** Accumulates records as they come; `summary()` may be called at any time (the live table). */
export class HttpAggregator {
  private readonly routes = new Map<string, { count: number; statuses: Record<string, number>; phases: Map<PhaseName, Series> }>();
  private readonly namer: RouteNamer;
  private total = 0;
  // A fixed-seed generator: the same records give the same summary.
  private seed = 0x2545f491;
  private readonly rand = () => {
    this.seed ^= this.seed << 13;
    this.seed ^= this.seed >>> 17;
    this.seed ^= this.seed << 5;
    return (this.seed >>> 0) / 2 ** 32;
  };

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
    const values: [PhaseName, number | undefined][] = [
      ...(['acceptWaitNs', 'readNs', 'handlerNs', 'writeNs'] as (keyof HttpPhases)[]).map((p) => [p, r.phases[p]] as [PhaseName, number | undefined]),
      ['totalNs', r.totalNs],
    ];
    for (const [p, v] of values) {
      if (v === undefined) continue;
      let s = e.phases.get(p);
      if (!s) {
        s = new Series(this.rand);
        e.phases.set(p, s);
      }
      s.add(v);
    }
    return route;
  }

  summary(): HttpSummary {
    const routes: RouteStats[] = [...this.routes].map(([route, e]) => {
      const phases: RouteStats['phases'] = {};
      for (const p of PHASES) {
        const s = e.phases.get(p);
        if (s) phases[p] = s.stats();
      }
      return { route, count: e.count, statuses: e.statuses, phases };
    });
    routes.sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
    return { requests: this.total, routes };
  }
}
