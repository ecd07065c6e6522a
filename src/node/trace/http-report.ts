/**
 * A `trace http` run as a report: the trace itself, the per-route statistics of its records and,
 * with `metrics`, a Prometheus endpoint for the run's lifetime. Callers render (the CLI).
 */
import { HttpAggregator, type HttpSummary, LIVE_ROUTES } from '../../core/analyses/trace/http-summary.js';
import type { HttpTraceInfo } from '../../core/analyses/trace/http-target.js';
import type { HttpRequestRecord } from '../../core/analyses/trace/http-types.js';
import { RouteNamer } from '../../core/analyses/trace/routes.js';
import { type HttpTraceOptions, type HttpTraceResult, traceHttp } from './http.js';

export interface HttpReportOptions extends Omit<HttpTraceOptions, 'onStart' | 'onRecord' | 'onTick'> {
  /** Group paths into routes (Request.Pattern or path shapes) instead of listing each path. */
  routes: boolean;
  /** Serve Prometheus metrics here while tracing (HOST:PORT). */
  metrics?: string;
}

export interface HttpReportSink {
  start?(info: HttpTraceInfo): void;
  /** The metrics endpoint is up at this address. */
  metrics?(address: string): void;
  /** One request; `route` is set when grouping by routes. */
  record?(r: HttpRequestRecord & { route?: string }): void;
  /** About once a second, the statistics so far of the busiest LIVE_ROUTES routes. */
  tick?(summary: HttpSummary): void;
}

export async function traceHttpReport(opts: HttpReportOptions, sink: HttpReportSink): Promise<{ result: HttpTraceResult; summary: HttpSummary }> {
  const agg = new HttpAggregator(opts.routes);
  // Metric labels are always bounded routes, whatever the text shows.
  const metricRoutes = new RouteNamer();
  const metrics = opts.metrics ? new (await import('./metrics.js')).TraceMetrics() : null;
  try {
    if (metrics) sink.metrics?.(await metrics.listen(opts.metrics as string));
    const result = await traceHttp({
      ...opts,
      onStart: (info) => sink.start?.(info),
      onRecord: (r) => {
        const route = agg.add(r);
        metrics?.observe(r, metricRoutes.route(r.path, r.pattern));
        sink.record?.(opts.routes ? { ...r, route } : r);
      },
      // Percentiles sort every sample: only computed for a sink that shows them.
      onTick: sink.tick ? () => sink.tick?.(agg.summary(LIVE_ROUTES)) : undefined,
    });
    return { result, summary: agg.summary() };
  } finally {
    await metrics?.close();
  }
}
