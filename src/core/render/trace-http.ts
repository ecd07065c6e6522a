/** Text for `goready trace http`: the per-route table (live and final) and the header lines. Formats only. */
import type { HttpSummary, PhaseName, RouteStats } from '../analyses/trace/http-summary.js';
import type { HttpTraceInfo } from '../analyses/trace/http-target.js';
import { escapeText } from './escape.js';

/** 1234 ns → "1.23µs"; three significant digits, unit chosen by size. */
export function duration(ns: number): string {
  const units: [number, string][] = [
    [1e9, 's'],
    [1e6, 'ms'],
    [1e3, 'µs'],
  ];
  for (const [scale, unit] of units) if (ns >= scale) return `${fmt(ns / scale)}${unit}`;
  return `${Math.round(ns)}ns`;
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const COLUMNS: [PhaseName, string][] = [
  ['acceptWaitNs', 'accept wait'],
  ['readNs', 'read'],
  ['handlerNs', 'handler'],
  ['writeNs', 'write'],
  ['totalNs', 'total'],
];

function cell(r: RouteStats, p: PhaseName): string {
  const s = r.phases[p];
  return s ? `${duration(s.p50)} ${duration(s.p90)} ${duration(s.p99)}` : '-';
}

/** The table: one row per route, phases as p50 p90 p99. */
export function renderHttpTable(s: HttpSummary): string {
  const statusKeys = [...new Set(s.routes.flatMap((r) => Object.keys(r.statuses)))].sort();
  const head = ['route', 'count', ...statusKeys, ...COLUMNS.map(([, name]) => `${name} p50 p90 p99`)];
  const rows = s.routes.map((r) => [
    escapeText(r.route),
    String(r.count),
    ...statusKeys.map((k) => String(r.statuses[k] ?? 0)),
    ...COLUMNS.map(([p]) => cell(r, p)),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cols: string[]) =>
    cols
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const more = s.more ? [`… ${s.more} more route${s.more === 1 ? '' : 's'}`] : [];
  return `${[line(head), ...rows.map(line), ...more].join('\n')}\n`;
}

export function renderHttpHeader(h: HttpTraceInfo): string {
  const { offsets, probes } = h.analysis.plan;
  const single = probes.filter((p) => !p.site.emulated).map((p) => p.function);
  const lines = [
    `tracing ${escapeText(h.target)}${h.goVersion ? ` (${h.goVersion})` : ''}: struct offsets from ${offsets === 'dwarf' ? 'DWARF' : offsets === 'table' ? "goready's table for this Go version" : 'nowhere'}; ${probes.length} probes`,
  ];
  if (single.length) lines.push(`  probed at the function entry (two traps per hit): ${single.join(', ')}`);
  for (const l of h.limitations) lines.push(`  not measured: ${l.what}: ${l.why}`);
  return `${lines.join('\n')}\n`;
}

export function renderHttpSummary(s: HttpSummary, seconds: number): string {
  const rate = seconds > 0 ? ` (${(s.requests / seconds).toFixed(1)}/s)` : '';
  return `${s.requests} requests in ${seconds.toFixed(1)} s${rate}\n${s.requests ? renderHttpTable(s) : ''}`;
}

/** The whole run as one JSON document (`--format json`). */
export function renderHttpJson(result: { info: HttpTraceInfo; seconds: number; lostEvents: number }, summary: HttpSummary, requests: unknown[]): string {
  const i = result.info;
  const doc = {
    target: i.target,
    pids: i.pids,
    goVersion: i.goVersion,
    buildId: i.buildId,
    offsets: i.analysis.plan.offsets,
    probes: i.analysis.plan.probes.map((p) => ({ name: p.name, function: p.function, address: p.site.addr, emulated: p.site.emulated })),
    listeners: i.listeners,
    limitations: i.limitations,
    seconds: result.seconds,
    lostEvents: result.lostEvents,
    summary,
    requests,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
