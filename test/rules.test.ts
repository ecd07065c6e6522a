import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/checks/finding.js';
import { SEVERITIES } from '../src/core/checks/finding.js';
import { CHECKS, runChecks, SIZE_CHECKS } from '../src/core/checks/registry.js';
import { closestRuleIds, RULES, ruleOf, severitiesOf } from '../src/core/checks/rules.js';
import { renderRuleRow } from '../src/core/render/rules.js';
import { inspectFile, readSnapshot } from '../src/node.js';
import { goready } from './helpers/cli.js';
import { corpus, entry } from './helpers/corpus.js';

const root = join(import.meta.dirname, '..');
const checksDir = join(root, 'src', 'core', 'checks');

describe('the rule table', () => {
  it('one entry per ID, named GR-<AREA>-NNN after its check file, which holds its check under that ID', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id, r.id).toMatch(/^GR-[A-Z0-9]+-\d{3}$/);
      expect(r.id.split('-')[1], r.id).toBe(r.area.toUpperCase());
      const file = join(checksDir, `${r.area}.ts`);
      expect(existsSync(file), `${r.id}: ${file}`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${r.id} in ${r.area}.ts`).toContain(`'${r.id}':`);
      expect(SEVERITIES, r.id).toContain(r.severity);
      expect(severitiesOf(r)[0], `${r.id}: the default comes first`).toBe(r.severity);
      for (const s of severitiesOf(r)) expect(SEVERITIES, r.id).toContain(s);
      expect(r.title && r.summary && r.fix, r.id).toBeTruthy();
      expect(r.refs.length, r.id).toBeGreaterThan(0);
      for (const u of r.refs) expect(u, r.id).toMatch(/^https:\/\/\S+$/);
    }
  });

  it('every rule has a check and every check a rule (the registry is the table)', () => {
    const of = (command: string) => RULES.filter((r) => r.command === command).map((r) => r.id);
    expect(Object.keys(CHECKS).sort()).toEqual(of('check').sort());
    expect(Object.keys(SIZE_CHECKS).sort()).toEqual(of('size').sort());
    // No check file holds a rule the table lacks.
    for (const file of readdirSync(checksDir).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(join(checksDir, file), 'utf8').matchAll(/^ {2}'(GR-[A-Z0-9]+-\d{3})':/gm)) {
        expect(ruleOf(m[1] as string)?.area, `${m[1]} in ${file}`).toBe(file.replace(/\.ts$/, ''));
      }
    }
  });

  it('the README lists every rule exactly as the table says (goready rules --format markdown prints the rows)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((l) => /^\| `GR-/.test(l));
    for (const r of RULES) expect(rows, `README row of ${r.id}`).toContain(renderRuleRow(r));
    expect(rows.length, 'README rows that name no rule, or name one twice').toBe(RULES.length);
  });

  it('the nearest known IDs, nearest first, ignoring case', () => {
    expect(closestRuleIds('GR-MEM-003')[0]).toMatch(/^GR-MEM-00[12]$/);
    expect(closestRuleIds('gr-limit-001')[0]).toBe('GR-LIMIT-001');
    expect(closestRuleIds('GR-SECOMP-001')[0]).toBe('GR-SECCOMP-001');
  });
});

/** Every finding the checks give on real binaries and snapshots carries its rule's refs and one of its severities. */
describe('findings follow their rules', () => {
  it('across the corpus and every captured snapshot', async () => {
    const hostsDir = join(import.meta.dirname, 'data', 'hosts');
    const hosts = readdirSync(hostsDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ name: f, host: readSnapshot(join(hostsDir, f)) }));
    const seen: Finding[] = [];
    for (const e of corpus().filter((x) => x.isGo && x.source === 'fixture')) {
      const [r] = await inspectFile(e.file);
      if (!r) continue;
      for (const { name, host } of hosts) seen.push(...runChecks({ binary: r, code: null, target: { name, host, before: null, env: {} } }));
    }
    for (const f of seen) {
      const rule = ruleOf(f.id);
      expect(rule?.command, f.id).toBe('check');
      if (!rule) continue;
      expect(severitiesOf(rule), `${f.id} ${f.severity}`).toContain(f.severity);
      expect(f.refs).toEqual(rule.refs);
    }
    const fired = new Set(seen.map((f) => `${f.id} ${f.severity}`));
    // Graded rules at both severities, and a default taken from the table.
    expect(fired).toContain('GR-CPU-001 fatal');
    expect(fired).toContain('GR-LIMIT-001 medium');
    expect(fired).toContain('GR-LIMIT-001 high');
    expect(seen.find((f) => f.id === 'GR-BUILD-001')?.fix).toBe(ruleOf('GR-BUILD-001')?.fix);
  });
});

describe('goready rules', () => {
  it('lists every rule, one a line; JSON is the table; markdown the README rows', () => {
    const text = goready(['rules']);
    expect(text.code).toBe(0);
    expect(
      text.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(RULES.map((r) => r.id));
    expect(text.stdout).toMatch(/^GR-CGROUP-001 +high \/ medium +check +GOMAXPROCS above the CPU quota$/m);
    expect(JSON.parse(goready(['rules', '--format', 'json']).stdout)).toEqual(JSON.parse(JSON.stringify(RULES)));
    const md = goready(['rules', '--format', 'markdown', '--command', 'size']).stdout.trim().split('\n');
    expect(md.slice(2)).toEqual(RULES.filter((r) => r.command === 'size').map(renderRuleRow));
  });

  it('one rule in full; an unknown ID is refused with the nearest known ones', () => {
    const one = goready(['rules', 'GR-LIBC-001']);
    expect(one.stdout).toMatch(/^GR-LIBC-001 fatal \(goready check\)\n {2}.+\n {2}fires when: a version the binary needs \(GLIBC_2\.34 …\)/);
    expect(one.stdout).toContain('  see: https://github.com/golang/go/issues/58550');
    const bad = goready(['rules', 'GR-LIBC-003']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^goready: rules: unknown finding ID "GR-LIBC-003" \(closest: GR-LIBC-001, GR-LIBC-002/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('check --skip and a config file refuse an unknown ID: exit 2, one line naming the nearest', () => {
    const f = entry('linux-amd64').file;
    const host = ['--host', join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json')];
    const dir = mkdtempSync(join(tmpdir(), 'goready-skip-'));
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ skip: ['GR-MEM-001', 'GR-NET-01'] }));
    for (const [args, msg] of [
      [['check', f, ...host, '--skip', 'GR-BUILD-001,NOPE'], /--skip: unknown finding ID "NOPE" \(closest: /],
      [['check', f, ...host, '--skip', 'gr-mem-001'], /--skip: unknown finding ID "gr-mem-001" \(closest: GR-MEM-001, /],
      [['check', f, ...host, '--config', join(dir, 'cfg.json')], /cfg\.json: "skip": unknown finding ID "GR-NET-01" \(closest: GR-NET-001, /],
    ] as [string[], RegExp][]) {
      const r = goready(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    // Known IDs of any command are accepted.
    expect(goready(['check', f, ...host, '--skip', 'GR-MEM-001,GR-SIZE-001']).code).toBe(0);
  });
});
