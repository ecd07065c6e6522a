/**
 * The fleet in the database: hosts and their snapshots, binaries and their reports, and the
 * findings of every binary × host pair for the current report and snapshot. Every write takes one
 * advisory lock, so a snapshot and a report pushed at the same moment each see the other and no
 * pair is left unevaluated.
 */
import { diffHosts } from '../../core/analyses/host-diff.js';
import type { Finding, Severity } from '../../core/checks/finding.js';
import type { InspectReport } from '../../core/facts/binary.js';
import type { HostSnapshot } from '../../core/facts/host.js';
import type { CodeFacts } from '../../core/facts/target.js';
import type { BinaryDetail, BinarySummary, DriftStep, HostComparison, HostDetail, HostSummary, ModuleHit, PairEntry, PairSummary } from '../api-types.js';
import { evaluatePair } from '../evaluate.js';
import { type ModuleQuery, matches } from '../module-query.js';
import { type Db, type Queryable, WRITE_LOCK } from './db.js';
import { DocCache } from './doc-cache.js';
import { hostFactsRow } from './host-facts.js';

export interface SnapshotPush {
  host: string;
  snapshot: HostSnapshot;
}

export interface ReportPush {
  /** The binary's name in the fleet (its path, with the slice's arch for a universal Mach-O). */
  name: string;
  report: InspectReport;
  code: CodeFacts | null;
  /** The host that pushed it, when known. */
  from: string | null;
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : typeof d === 'string' ? new Date(d).toISOString() : null);

/** The rows a pair evaluation needs from either side. */
interface ReportRow {
  binary_id: number;
  report_id: number;
  body: InspectReport;
  code: CodeFacts | null;
}
interface SnapshotRow {
  host_id: number;
  name: string;
  snapshot_id: number;
  body: HostSnapshot;
}

/** 256 MiB of JSON: the snapshots of about 1,500 big hosts, parsed once. */
const CACHE_BYTES = 256 << 20;

export class Fleet {
  private readonly cache = new DocCache(CACHE_BYTES);

  constructor(
    readonly db: Db,
    private readonly checker: string,
  ) {}

  /** Documents by id, from the cache or in one query for the rest. */
  private async docs<T>(tx: Queryable, table: 'snapshots' | 'reports', ids: number[]): Promise<Map<number, T>> {
    const out = new Map<number, T>();
    const missing: number[] = [];
    for (const id of ids) {
      const d = this.cache.get<T>(`${table}:${id}`);
      if (d === undefined) missing.push(id);
      else out.set(id, d);
    }
    if (missing.length) {
      // As text: parsed here once, and its length is the cache's measure.
      const rows = await tx.query<{ id: number; body: string }>(`SELECT id, body::text AS body FROM ${table} WHERE id = ANY($1::int[])`, [missing]);
      for (const r of rows) {
        const doc = JSON.parse(r.body) as T;
        this.cache.set(`${table}:${r.id}`, doc, r.body.length);
        out.set(r.id, doc);
      }
    }
    return out;
  }

  private write<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      return fn(tx);
    });
  }

  /** Stores a snapshot; when it is the host's newest, every binary is evaluated against it. */
  async addSnapshot(p: SnapshotPush): Promise<{ host: string; snapshot: number; current: boolean; evaluated: number }> {
    return this.write(async (tx) => {
      const [h] = await tx.query<{ id: number }>('INSERT INTO hosts (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET last_seen = now() RETURNING id', [
        p.host,
      ]);
      const hostId = (h as { id: number }).id;
      const text = JSON.stringify(p.snapshot);
      const [s] = await tx.query<{ id: number }>(
        'INSERT INTO snapshots (host_id, collected_at, collector, body, facts) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [hostId, p.snapshot.collectedAt, p.snapshot.collector, text, JSON.stringify(hostFactsRow(p.snapshot))],
      );
      const snapshotId = (s as { id: number }).id;
      this.cache.set(`snapshots:${snapshotId}`, p.snapshot, text.length);
      const [newest] = await tx.query<{ id: number }>('SELECT id FROM snapshots WHERE host_id = $1 ORDER BY collected_at DESC, id DESC LIMIT 1', [hostId]);
      const current = newest?.id === snapshotId;
      let evaluated = 0;
      if (current) {
        await tx.query('UPDATE hosts SET current_snapshot = $1 WHERE id = $2', [snapshotId, hostId]);
        const rows = await tx.query<Omit<ReportRow, 'body'>>(
          'SELECT b.id AS binary_id, r.id AS report_id, r.code FROM binaries b JOIN reports r ON r.id = b.current_report',
        );
        const bodies = await this.docs<InspectReport>(
          tx,
          'reports',
          rows.map((r) => r.report_id),
        );
        const reports: ReportRow[] = rows.map((r) => ({ ...r, body: bodies.get(r.report_id) as InspectReport }));
        const host: SnapshotRow = { host_id: hostId, name: p.host, snapshot_id: snapshotId, body: p.snapshot };
        evaluated = await this.storePairs(
          tx,
          reports.map((r) => [r, host]),
        );
      }
      return { host: p.host, snapshot: snapshotId, current, evaluated };
    });
  }

  /** Stores a report as its binary's current one and evaluates it against every host. */
  async addReport(p: ReportPush): Promise<{ binary: string; report: number; evaluated: number }> {
    return this.write(async (tx) => {
      const [b] = await tx.query<{ id: number }>('INSERT INTO binaries (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET last_seen = now() RETURNING id', [
        p.name,
      ]);
      const binaryId = (b as { id: number }).id;
      const text = JSON.stringify(p.report);
      const [r] = await tx.query<{ id: number }>(
        'INSERT INTO reports (binary_id, reported_from, go_version, file_size, body, code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [binaryId, p.from, p.report.go.version, p.report.file.size, text, p.code ? JSON.stringify(p.code) : null],
      );
      const reportId = (r as { id: number }).id;
      this.cache.set(`reports:${reportId}`, p.report, text.length);
      await tx.query('UPDATE binaries SET current_report = $1 WHERE id = $2', [reportId, binaryId]);
      const bi = p.report.buildInfo;
      const mods = [...(bi?.main ? [{ ...bi.main, main: true }] : []), ...(bi?.deps ?? []).map((d) => ({ ...d, main: false }))];
      if (mods.length) {
        await tx.query(
          `INSERT INTO report_modules (report_id, path, version, replace_path, replace_version, main)
           SELECT $1::int, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[]) ON CONFLICT DO NOTHING`,
          [
            reportId,
            mods.map((m) => m.path),
            mods.map((m) => m.version),
            mods.map((m) => m.replace?.path ?? null),
            mods.map((m) => m.replace?.version ?? null),
            mods.map((m) => m.main),
          ],
        );
      }
      const current = await tx.query<Omit<SnapshotRow, 'body'>>(
        'SELECT h.id AS host_id, h.name, h.current_snapshot AS snapshot_id FROM hosts h WHERE h.current_snapshot IS NOT NULL',
      );
      const bodies = await this.docs<HostSnapshot>(
        tx,
        'snapshots',
        current.map((h) => h.snapshot_id),
      );
      const hosts: SnapshotRow[] = current.map((h) => ({ ...h, body: bodies.get(h.snapshot_id) as HostSnapshot }));
      const report: ReportRow = { binary_id: binaryId, report_id: reportId, body: p.report, code: p.code };
      const evaluated = await this.storePairs(
        tx,
        hosts.map((h) => [report, h]),
      );
      return { binary: p.name, report: reportId, evaluated };
    });
  }

  /** Evaluates the pairs and upserts their findings in one statement. */
  private async storePairs(tx: Queryable, pairs: [ReportRow, SnapshotRow][]): Promise<number> {
    if (!pairs.length) return 0;
    const results = pairs.map(([r, h]) => evaluatePair(r.body, r.code, h.name, h.body));
    await tx.query(
      `INSERT INTO pair_findings (binary_id, host_id, report_id, snapshot_id, findings, worst, checker, evaluated_at)
       SELECT b, h, r, s, f::json, w, $7, now() FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[]) AS t(b, h, r, s, f, w)
       ON CONFLICT (binary_id, host_id) DO UPDATE SET report_id = excluded.report_id, snapshot_id = excluded.snapshot_id,
         findings = excluded.findings, worst = excluded.worst, checker = excluded.checker, evaluated_at = excluded.evaluated_at`,
      [
        pairs.map(([r]) => r.binary_id),
        pairs.map(([, h]) => h.host_id),
        pairs.map(([r]) => r.report_id),
        pairs.map(([, h]) => h.snapshot_id),
        results.map((x) => JSON.stringify(x.findings)),
        results.map((x) => x.worst),
        this.checker,
      ],
    );
    return pairs.length;
  }

  /**
   * Re-evaluates every pair another goready version evaluated (or none did): the checks changed,
   * so the stored findings may have. Returns how many pairs were evaluated.
   */
  async reevaluateStale(): Promise<number> {
    return this.write(async (tx) => {
      const rows = await tx.query<ReportRow & SnapshotRow>(
        `SELECT b.id AS binary_id, r.id AS report_id, r.body AS body, r.code, h.id AS host_id, h.name, s.id AS snapshot_id, s.body AS snapshot
         FROM binaries b JOIN reports r ON r.id = b.current_report CROSS JOIN hosts h JOIN snapshots s ON s.id = h.current_snapshot
         LEFT JOIN pair_findings p ON p.binary_id = b.id AND p.host_id = h.id
         WHERE p.checker IS DISTINCT FROM $1`,
        [this.checker],
      );
      const pairs = rows.map((x) => {
        const row = x as unknown as ReportRow & Omit<SnapshotRow, 'body'> & { snapshot: HostSnapshot };
        return [
          { binary_id: row.binary_id, report_id: row.report_id, body: row.body, code: row.code },
          { host_id: row.host_id, name: row.name, snapshot_id: row.snapshot_id, body: row.snapshot },
        ] as [ReportRow, SnapshotRow];
      });
      return this.storePairs(tx, pairs);
    });
  }

  // ---- reads ----

  /** One row per host, from its current snapshot: what the hosts page shows. */
  /** Snapshots stored before migration 002 get their host facts; returns how many. */
  async fillHostFacts(): Promise<number> {
    let filled = 0;
    for (;;) {
      const rows = await this.db.query<{ id: number; body: HostSnapshot }>('SELECT id, body FROM snapshots WHERE facts IS NULL ORDER BY id LIMIT 100');
      if (!rows.length) return filled;
      for (const r of rows) await this.db.query('UPDATE snapshots SET facts = $1 WHERE id = $2', [JSON.stringify(hostFactsRow(r.body)), r.id]);
      filled += rows.length;
    }
  }

  async hosts(): Promise<HostSummary[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT h.name, h.first_seen, h.last_seen, s.collected_at, s.collector,
         (SELECT count(*)::int FROM snapshots x WHERE x.host_id = h.id) AS snapshots,
         s.facts->>'kernel' AS kernel, s.facts->>'distro' AS distro,
         s.facts->>'libc_family' AS libc_family, s.facts->>'libc_version' AS libc_version,
         s.facts->>'arch' AS arch, s.facts->>'cpu_model' AS cpu_model, s.facts->>'x86_level' AS x86_level,
         s.facts->>'atomics' AS atomics, s.facts->>'cpus' AS cpus,
         s.facts->>'mem_kib' AS mem_kib,
         s.facts->>'nofile_soft' AS nofile_soft, s.facts->>'nofile_hard' AS nofile_hard,
         s.facts->>'cgroup_version' AS cgroup_version, s.facts->>'cpu_quota' AS cpu_quota, s.facts->>'cpu_period' AS cpu_period,
         s.facts->>'mem_max' AS mem_max, s.facts->>'pids_max' AS pids_max,
         (SELECT array_agg(DISTINCT p.worst) FROM pair_findings p WHERE p.host_id = h.id AND p.worst IS NOT NULL) AS worsts
       FROM hosts h LEFT JOIN snapshots s ON s.id = h.current_snapshot ORDER BY h.name COLLATE "C"`,
    );
    return rows.map((r) => ({
      name: r.name as string,
      firstSeen: iso(r.first_seen),
      lastSeen: iso(r.last_seen),
      collectedAt: iso(r.collected_at),
      collector: (r.collector as string) ?? null,
      snapshots: r.snapshots as number,
      kernel: (r.kernel as string) ?? null,
      distro: (r.distro as string) ?? null,
      libc: { family: (r.libc_family as string) ?? null, version: (r.libc_version as string) ?? null },
      cpu: {
        arch: (r.arch as string) ?? null,
        model: (r.cpu_model as string) ?? null,
        x86Level: (r.x86_level as string) ?? null,
        atomics: r.atomics === null || r.atomics === undefined ? null : r.atomics === 'true',
        count: num(r.cpus),
      },
      memoryKiB: num(r.mem_kib),
      limits: { nofileSoft: limitValue(r.nofile_soft), nofileHard: limitValue(r.nofile_hard) },
      cgroup: {
        version: (r.cgroup_version as string) ?? null,
        cpuQuotaUsec: limitValue(r.cpu_quota),
        cpuPeriodUsec: num(r.cpu_period),
        memoryMax: limitValue(r.mem_max),
        pidsMax: limitValue(r.pids_max),
      },
      worst: worstOfList(r.worsts),
    }));
  }

  async host(name: string): Promise<HostDetail | null> {
    const [h] = await this.db.query<{ id: number; body: HostSnapshot | null }>(
      'SELECT h.id, s.body FROM hosts h LEFT JOIN snapshots s ON s.id = h.current_snapshot WHERE h.name = $1',
      [name],
    );
    if (!h) return null;
    const list = await this.db.query<Record<string, unknown>>(
      'SELECT id, collected_at, received_at, collector FROM snapshots WHERE host_id = $1 ORDER BY collected_at DESC, id DESC',
      [h.id],
    );
    return {
      name,
      snapshot: h.body,
      snapshots: list.map((s) => ({ id: s.id as number, collectedAt: iso(s.collected_at), receivedAt: iso(s.received_at), collector: s.collector as string })),
    };
  }

  async snapshot(host: string, id: number): Promise<HostSnapshot | null> {
    const [s] = await this.db.query<{ body: HostSnapshot }>('SELECT s.body FROM snapshots s JOIN hosts h ON h.id = s.host_id WHERE h.name = $1 AND s.id = $2', [
      host,
      id,
    ]);
    return s?.body ?? null;
  }

  /**
   * How a host changed over time: the facts that differ between each snapshot and the one before,
   * newest first, for at most `limit` snapshots.
   */
  async drift(name: string, limit = 50): Promise<DriftStep[] | null> {
    const [h] = await this.db.query<{ id: number }>('SELECT id FROM hosts WHERE name = $1', [name]);
    if (!h) return null;
    const rows = await this.db.query<{ id: number; collected_at: unknown; body: HostSnapshot }>(
      'SELECT id, collected_at, body FROM snapshots WHERE host_id = $1 ORDER BY collected_at DESC, id DESC LIMIT $2',
      [h.id, limit],
    );
    const steps: DriftStep[] = [];
    for (let i = 0; i + 1 < rows.length; i++) {
      const newer = rows[i] as (typeof rows)[number];
      const older = rows[i + 1] as (typeof rows)[number];
      const d = diffHosts(older.body, newer.body, { a: `#${older.id}`, b: `#${newer.id}` });
      steps.push({
        from: { id: older.id, collectedAt: iso(older.collected_at) },
        to: { id: newer.id, collectedAt: iso(newer.collected_at) },
        groups: d.groups,
      });
    }
    return steps;
  }

  /** What differs between two hosts' current snapshots, and for each binary the findings that differ. */
  async compare(a: string, b: string): Promise<HostComparison | null> {
    const rows = await this.db.query<{ name: string; id: number; body: HostSnapshot }>(
      'SELECT h.name, h.id, s.body FROM hosts h JOIN snapshots s ON s.id = h.current_snapshot WHERE h.name = $1 OR h.name = $2',
      [a, b],
    );
    const ra = rows.find((r) => r.name === a);
    const rb = rows.find((r) => r.name === b);
    if (!ra || !rb) return null;
    const pairs = await this.db.query<{ binary: string; host_id: number; findings: Finding[] }>(
      'SELECT bn.name AS binary, p.host_id, p.findings FROM pair_findings p JOIN binaries bn ON bn.id = p.binary_id WHERE p.host_id = $1 OR p.host_id = $2 ORDER BY bn.name COLLATE "C"',
      [ra.id, rb.id],
    );
    const binaries = [...new Set(pairs.map((p) => p.binary))];
    const findings = binaries
      .map((binary) => {
        const fa = pairs.find((p) => p.binary === binary && p.host_id === ra.id)?.findings ?? [];
        const fb = pairs.find((p) => p.binary === binary && p.host_id === rb.id)?.findings ?? [];
        return { binary, changes: diffHosts(ra.body, rb.body, { a, b }, { binary, a: fa, b: fb, named: { a, b } }).findings };
      })
      .filter((x) => x.changes.length);
    return { a, b, findings, groups: diffHosts(ra.body, rb.body, { a, b }).groups };
  }

  /** One row per binary, from its current report. */
  async binaries(): Promise<BinarySummary[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT b.name, b.first_seen, b.last_seen, r.go_version, r.file_size, r.received_at,
         r.body->'file'->>'format' AS format, r.body->'file'->>'arch' AS arch, r.body->'file'->>'stripped' AS stripped,
         r.body->'linkage'->>'static' AS static, r.body->'linkage'->>'minGlibc' AS min_glibc,
         r.body->'pclntab'->>'functionCount' AS functions, r.body->'buildInfo'->'main'->>'path' AS main_path, r.body->'buildInfo'->'main'->>'version' AS main_version,
         (SELECT count(*)::int FROM report_modules m WHERE m.report_id = r.id AND NOT m.main) AS modules,
         (SELECT array_agg(DISTINCT x.reported_from) FROM reports x WHERE x.binary_id = b.id AND x.reported_from IS NOT NULL) AS seen_on,
         (SELECT array_agg(DISTINCT p.worst) FROM pair_findings p WHERE p.binary_id = b.id AND p.worst IS NOT NULL) AS worsts
       FROM binaries b JOIN reports r ON r.id = b.current_report ORDER BY b.name COLLATE "C"`,
    );
    return rows.map((r) => ({
      name: r.name as string,
      firstSeen: iso(r.first_seen),
      lastSeen: iso(r.last_seen),
      goVersion: (r.go_version as string) ?? null,
      size: Number(r.file_size),
      format: r.format as string,
      arch: r.arch as string,
      stripped: r.stripped === 'true',
      static: r.static === 'true',
      minGlibc: (r.min_glibc as string) ?? null,
      functions: num(r.functions),
      main: r.main_path ? { path: r.main_path as string, version: (r.main_version as string) ?? '' } : null,
      modules: r.modules as number,
      seenOn: ((r.seen_on as string[] | null) ?? []).sort(),
      worst: worstOfList(r.worsts),
    }));
  }

  async binary(name: string): Promise<BinaryDetail | null> {
    const [b] = await this.db.query<{ id: number; body: InspectReport; code: CodeFacts | null }>(
      'SELECT b.id, r.body, r.code FROM binaries b JOIN reports r ON r.id = b.current_report WHERE b.name = $1',
      [name],
    );
    if (!b) return null;
    const list = await this.db.query<Record<string, unknown>>(
      'SELECT id, received_at, reported_from, go_version, file_size FROM reports WHERE binary_id = $1 ORDER BY id DESC',
      [b.id],
    );
    return {
      name,
      report: b.body,
      code: b.code,
      reports: list.map((r) => ({
        id: r.id as number,
        receivedAt: iso(r.received_at),
        from: (r.reported_from as string) ?? null,
        goVersion: (r.go_version as string) ?? null,
        size: Number(r.file_size),
      })),
    };
  }

  /** Every binary × host pair (or those of one binary or host), with findings and the worst severity. */
  async matrix(filter: { binary?: string; host?: string } = {}): Promise<PairEntry[]> {
    const rows = await this.db.query<{ binary: string; host: string; findings: Finding[]; worst: Severity | null; evaluated_at: unknown }>(
      `SELECT b.name AS binary, h.name AS host, p.findings, p.worst, p.evaluated_at
       FROM pair_findings p JOIN binaries b ON b.id = p.binary_id JOIN hosts h ON h.id = p.host_id
       WHERE ($1::text IS NULL OR b.name = $1) AND ($2::text IS NULL OR h.name = $2)
       ORDER BY b.name COLLATE "C", h.name COLLATE "C"`,
      [filter.binary ?? null, filter.host ?? null],
    );
    return rows.map((r) => ({ binary: r.binary, host: r.host, findings: r.findings, worst: r.worst, evaluatedAt: iso(r.evaluated_at) ?? '' }));
  }

  /** The matrix without findings: one row per pair with its worst severity and how many findings it has. */
  async matrixSummary(): Promise<PairSummary[]> {
    const rows = await this.db.query<{ binary: string; host: string; count: number; worst: Severity | null; evaluated_at: unknown }>(
      `SELECT b.name AS binary, h.name AS host, json_array_length(p.findings) AS count, p.worst, p.evaluated_at
       FROM pair_findings p JOIN binaries b ON b.id = p.binary_id JOIN hosts h ON h.id = p.host_id
       ORDER BY b.name COLLATE "C", h.name COLLATE "C"`,
    );
    return rows.map((r) => ({ binary: r.binary, host: r.host, worst: r.worst, count: Number(r.count), evaluatedAt: iso(r.evaluated_at) ?? '' }));
  }

  /** The binaries whose current report has the module at a version that matches. */
  async search(q: ModuleQuery): Promise<ModuleHit[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT b.name AS binary, m.path, m.version, m.replace_path, m.replace_version, m.main, r.go_version,
         (SELECT array_agg(DISTINCT x.reported_from) FROM reports x WHERE x.binary_id = b.id AND x.reported_from IS NOT NULL) AS seen_on
       FROM report_modules m JOIN reports r ON r.id = m.report_id JOIN binaries b ON b.current_report = r.id
       WHERE m.path = $1 ORDER BY b.name COLLATE "C"`,
      [q.path],
    );
    return rows
      .map((r) => {
        const replace = r.replace_path ? { path: r.replace_path as string, version: (r.replace_version as string) ?? '' } : null;
        // A replacement by another module version is what is compiled in; one by a directory has none.
        const shipped = replace ? (replace.version ? replace.version : null) : (r.version as string);
        return {
          binary: r.binary as string,
          module: r.path as string,
          version: r.version as string,
          replace,
          shipped,
          main: r.main as boolean,
          goVersion: (r.go_version as string) ?? null,
          seenOn: ((r.seen_on as string[] | null) ?? []).sort(),
        };
      })
      .filter((h) => (q.op ? h.shipped !== null && matches(q, h.shipped) : true));
  }

  /** Counts for /metrics. */
  async counts(): Promise<{
    hosts: number;
    binaries: number;
    snapshots: number;
    reports: number;
    pairs: { worst: string; n: number }[];
    findings: { severity: string; n: number }[];
  }> {
    const [c] = await this.db.query<{ hosts: number; binaries: number; snapshots: number; reports: number }>(
      'SELECT (SELECT count(*)::int FROM hosts) AS hosts, (SELECT count(*)::int FROM binaries) AS binaries, (SELECT count(*)::int FROM snapshots) AS snapshots, (SELECT count(*)::int FROM reports) AS reports',
    );
    const pairs = await this.db.query<{ worst: string; n: number }>(
      "SELECT coalesce(worst, 'none') AS worst, count(*)::int AS n FROM pair_findings GROUP BY 1",
    );
    const findings = await this.db.query<{ severity: string; n: number }>(
      "SELECT f->>'severity' AS severity, count(*)::int AS n FROM pair_findings p, json_array_elements(p.findings) f GROUP BY 1",
    );
    return { ...(c as { hosts: number; binaries: number; snapshots: number; reports: number }), pairs, findings };
  }
}

function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A limit as the snapshot has it: a number, or a word ("unlimited", "max"). */
function limitValue(v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  return num(v) ?? String(v);
}

const ORDER = ['fatal', 'high', 'medium', 'low', 'info'];
function worstOfList(v: unknown): Severity | null {
  const list = Array.isArray(v) ? (v as string[]) : [];
  return (ORDER.find((s) => list.includes(s)) as Severity | undefined) ?? null;
}
