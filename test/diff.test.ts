import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffHosts } from '../src/core/analyses/host-diff.js';
import type { HostSnapshot } from '../src/core/facts/host.js';
import { collect } from '../src/node/host/collect.js';
import { goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';

/**
 * A: this machine's snapshot. B: the same snapshot as a production host would differ from it —
 * a container namespace with somaxconn 128, an older glibc (2.31's version definitions), a tighter
 * file limit. Both are written to files and compared through the CLI.
 */
let dir: string;
let a: string;
let b: string;
let snapA: HostSnapshot;
let snapB: HostSnapshot;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'goready-diff-'));
  snapA = await collect({ unit: null });
  snapB = structuredClone(snapA);
  snapB.sysctls['net.core.somaxconn'] = '128';
  snapB.hostname = 'prod-1';
  for (const f of snapB.libraries?.files ?? []) {
    if (f.versionDefs && f.path.endsWith('/libc.so.6')) f.versionDefs = f.versionDefs.filter((v) => !/^GLIBC_(2\.3[2-9]|ABI_DT_RELR)$/.test(v));
  }
  if (snapB.libc.versionDefs) snapB.libc.versionDefs = snapB.libc.versionDefs.filter((v) => !/^GLIBC_(2\.3[2-9]|ABI_DT_RELR)$/.test(v));
  // Counters and clocks differ on every collection and are not host differences.
  snapB.collectedAt = '2030-01-01T00:00:00Z';
  if (snapB.tcp.ext) snapB.tcp.ext.ListenOverflows = (snapB.tcp.ext.ListenOverflows ?? 0) + 1000;
  a = join(dir, 'laptop.json');
  b = join(dir, 'prod.json');
  writeFileSync(a, JSON.stringify(snapA));
  writeFileSync(b, JSON.stringify(snapB));
}, 60_000);

describe('goready diff', () => {
  it('groups what differs and ignores clocks and counters', () => {
    const d = diffHosts(snapA, snapB, { a: 'A', b: 'B' });
    const keys = d.groups.flatMap((g) => g.changes.map((c) => c.key));
    expect(keys).toContain('sysctls.net.core.somaxconn');
    expect(keys).toContain('hostname');
    expect(keys.some((k) => k.startsWith('libraries.files.') && k.endsWith('libc.so.6.versionDefs'))).toBe(true);
    expect(keys.filter((k) => k.startsWith('tcp.') || k === 'collectedAt')).toEqual([]);
    const defs = d.groups.flatMap((g) => g.changes).find((c) => c.key === 'libc.versionDefs');
    expect(defs?.onlyA).toContain('GLIBC_2.34');
    expect(defs?.onlyB).toEqual([]);
    expect(diffHosts(snapA, structuredClone(snapA), { a: 'A', b: 'A' }).groups).toEqual([]);
  });

  it('with --binary, the findings that differ come first', () => {
    const r = goready(['diff', a, b, '--binary', entry('linux-amd64-http').file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const findings = r.stdout.indexOf('Findings for');
    const sysctls = r.stdout.indexOf('sysctls:');
    expect(findings).toBeGreaterThan(0);
    expect(sysctls).toBeGreaterThan(findings);
    expect(r.stdout).toMatch(/GR-NET-001 Listen backlog 128[^\n]*\n {4}A: does not fire\n {4}B: medium/);
    expect(r.stdout).toContain('net.core.somaxconn: 4096 → 128');
    // The cgo fixture needs GLIBC_2.34, which B lacks.
    const cgo = JSON.parse(goready(['diff', a, b, '--binary', entry('linux-amd64-cgo').file, '--format', 'json']).stdout);
    expect(cgo.findings.map((f: { id: string }) => f.id)).toContain('GR-LIBC-001');
    expect(cgo.findings.find((f: { id: string }) => f.id === 'GR-LIBC-001').a).toBeNull();
  });

  it('markdown, identical inputs, bad inputs', () => {
    expect(goready(['diff', a, b, '--format', 'markdown']).stdout).toContain('| `sysctls.net.core.somaxconn` | 4096 | 128 |');
    expect(goready(['diff', a, a]).stdout).toContain('No differences.');
    // A byte-identical copy under another name: findings that name their host (GR-LIMIT-001 "… on
    // prod.json") are the same finding.
    const copy = join(dir, 'copy-of-b.json');
    writeFileSync(copy, readFileSync(b));
    const same = goready(['diff', b, copy, '--binary', entry('linux-amd64-http').file]);
    expect(goready(['check', entry('linux-amd64-http').file, '--host', b]).stdout).toContain('GR-LIMIT-001');
    expect(same.stdout).toContain('that differ:\n  none\n\nNo differences.');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    const r = goready(['diff', a, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^goready: .*bad\.json: not a goready host snapshot/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(goready(['diff', a, join(dir, 'missing.json')]).stderr).toMatch(/missing\.json: no such file/);
  });
});
