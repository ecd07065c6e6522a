/** GET /metrics: Prometheus text from prom-client, one registry per server. */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { SEVERITIES } from '../core/checks/finding.js';
import type { Fleet } from './store/fleet.js';

export interface Metrics {
  registry: Registry;
  pushes: Counter<'kind' | 'outcome'>;
  /** Reads the fleet's counts into the gauges; called before each scrape. */
  refresh(fleet: Fleet): Promise<void>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'goready_' });
  const pushes = new Counter({
    name: 'goready_pushes_total',
    help: 'Pushes received since the server started, by kind (snapshot, report) and outcome (stored, rejected)',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  for (const kind of ['snapshot', 'report']) for (const outcome of ['stored', 'rejected']) pushes.inc({ kind, outcome }, 0);
  const findings = new Gauge({
    name: 'goready_findings',
    help: 'Findings over every binary × host pair, by severity',
    labelNames: ['severity'],
    registers: [registry],
  });
  const pairs = new Gauge({
    name: 'goready_pairs',
    help: 'Binary × host pairs by their worst finding (none: nothing fired)',
    labelNames: ['worst'],
    registers: [registry],
  });
  const things = new Gauge({ name: 'goready_stored', help: 'Hosts, binaries, snapshots and reports stored', labelNames: ['kind'], registers: [registry] });
  return {
    registry,
    pushes,
    async refresh(fleet) {
      const c = await fleet.counts();
      for (const s of SEVERITIES) findings.set({ severity: s }, c.findings.find((f) => f.severity === s)?.n ?? 0);
      for (const w of [...SEVERITIES, 'none']) pairs.set({ worst: w }, c.pairs.find((p) => p.worst === w)?.n ?? 0);
      for (const k of ['hosts', 'binaries', 'snapshots', 'reports'] as const) things.set({ kind: k }, c[k]);
    },
  };
}
