import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../src/core/checks/registry.js';
import { RULES } from '../src/core/checks/rules.js';
import { inspectFile } from '../src/node.js';
import { goready } from './helpers/cli.js';
import { corpus, entry } from './helpers/corpus.js';

// The SARIF 2.1.0 schema is JSON Schema draft-04, which needs ajv's draft-04 build (a CommonJS module).
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvDraft4 = new (opts: object) => { compile(schema: object): Validator; errorsText(errors?: unknown): string };
const Draft4 = createRequire(import.meta.url)('ajv-draft-04') as AjvDraft4;
const ajv = new Draft4({ allErrors: true, strict: false });
addFormats.default(ajv as never);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, 'data', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));

async function ids(name: string): Promise<string[]> {
  const [r] = await inspectFile(entry(name).file);
  return r ? runChecks(r).map((f) => f.id) : [];
}

describe('binary checks fire from real facts and stay silent where they do not apply', () => {
  it('GR-BUILD-001 only on the -race fixture', async () => {
    for (const e of corpus().filter((x) => x.isGo && x.source !== 'misc')) {
      const [r] = await inspectFile(e.file);
      const fired = r ? runChecks(r).some((f) => f.id === 'GR-BUILD-001') : false;
      expect(fired, e.name).toBe(e.name === 'linux-amd64-race');
    }
  });
  it('GR-BUILD-002 on every windows, darwin and freebsd binary, never on linux ones', async () => {
    for (const e of corpus().filter((x) => x.isGo && x.source !== 'misc')) {
      const [r] = await inspectFile(e.file);
      const fired = r ? runChecks(r).some((f) => f.id === 'GR-BUILD-002') : false;
      expect(fired, e.name).toBe(e.goos !== 'linux');
    }
  });
  it('GR-CRYPTO-001 only on the boringcrypto fixture', async () => {
    expect(await ids('linux-amd64-boring')).toContain('GR-CRYPTO-001');
    expect(await ids('linux-amd64-cgo')).not.toContain('GR-CRYPTO-001');
    expect(await ids('linux-amd64')).toEqual([]);
  });
});

const hosts = join(import.meta.dirname, 'data', 'hosts');
/** A snapshot of this machine captured with the sh script: nothing in it objects to the fixtures. */
const HOST = ['--host', join(hosts, 'debian12-sh.json')];

describe('goready check', () => {
  it('SARIF 2.1.0 valid against the official schema; --skip; --fail-on', () => {
    const f = entry('linux-amd64-race').file;
    const s = goready(['check', f, '--format', 'sarif', ...HOST]);
    expect(s.code).toBe(0);
    const sarif = JSON.parse(s.stdout);
    expect(validateSarif(sarif), ajv.errorsText(validateSarif.errors)).toBe(true);
    // The validator does reject what the schema forbids.
    expect(validateSarif({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'GR-BUILD-001', level: 'error' });
    // Every rule, not only those that fired; each result points at its rule by ID and index.
    const rules = sarif.runs[0].tool.driver.rules as { id: string; defaultConfiguration: { level: string } }[];
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(rules.find((r) => r.id === 'GR-CPU-001')?.defaultConfiguration.level).toBe('error');
    for (const res of sarif.runs[0].results as { ruleId: string; ruleIndex: number }[]) expect(rules[res.ruleIndex]?.id).toBe(res.ruleId);
    expect(sarif.runs[0].tool.driver.version).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version);
    expect(goready(['check', f, '--fail-on', 'high', ...HOST]).code).toBe(1);
    expect(goready(['check', f, '--fail-on', 'fatal', ...HOST]).code).toBe(0);
    expect(goready(['check', f, '--fail-on', 'high', '--skip', 'GR-BUILD-001', ...HOST]).code).toBe(0);
    // Left: the engine that runs this container-captured host is unknown (-race needs cgo).
    const rest = JSON.parse(goready(['check', f, '--format', 'json', '--skip', 'GR-BUILD-001', ...HOST]).stdout) as { id: string; severity: string }[];
    expect(rest.map((x) => `${x.id} ${x.severity}`)).toEqual(['GR-SECCOMP-001 info']);
    expect(goready(['check', f, '--fail-on', 'bad']).code).toBe(2);
    expect(goready(['check', entry('windows-amd64').file, '--format', 'markdown', ...HOST]).stdout).toMatch(/\| fatal \| `GR-BUILD-002` \|/);
  });
});

describe('goready check against host snapshots', () => {
  const constrained = join(hosts, 'debian12-constrained-sh.json');
  const ids = (out: string) => (JSON.parse(out) as { id: string }[]).map((f) => f.id);
  it('a captured snapshot file; --env; a config file; --fail-on from the config', () => {
    const http = entry('linux-amd64-http').file;
    const r = goready(['check', http, '--host', constrained, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(ids(r.stdout)).toEqual(['GR-CGROUP-001', 'GR-CGROUP-002', 'GR-NET-001', 'GR-LIMIT-001', 'GR-LIMIT-003']);
    const env = goready(['check', http, '--host', constrained, '--format', 'json', '--env', 'GOMAXPROCS=1', '--env', 'GOMEMLIMIT=400MiB']);
    expect(ids(env.stdout)).toEqual(['GR-NET-001', 'GR-LIMIT-001', 'GR-LIMIT-003']);
    const dir = mkdtempSync(join(tmpdir(), 'goready-config-'));
    writeFileSync(
      join(dir, '.goready.json'),
      JSON.stringify({ host: constrained, skip: ['GR-NET-001'], failOn: 'high', format: 'json', env: { GOMAXPROCS: '1' } }),
    );
    const c = goready(['check', http], { cwd: dir });
    expect(ids(c.stdout)).toEqual(['GR-CGROUP-002', 'GR-LIMIT-001', 'GR-LIMIT-003']);
    expect(c.code).toBe(1);
    const text = goready(['check', http, '--host', constrained]).stdout;
    expect(text).toMatch(
      /^HIGH GR-CGROUP-001 GOMAXPROCS will be \d+ under a 0\.50-CPU quota\n {2}subject: .*linux-amd64-http\n {2}evidence: .*CPU quota 50000\/100000/m,
    );
  });
  it('two snapshots of one host: counter deltas', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goready-delta-'));
    const before = JSON.parse(readFileSync(join(hosts, 'debian12-sh.json'), 'utf8'));
    const after = structuredClone(before);
    after.collectedAt = '2026-11-23T10:00:00Z';
    after.tcp.ext.ListenOverflows += 37;
    after.tcp.ext.ListenDrops += 37;
    writeFileSync(join(dir, 'a.json'), JSON.stringify(before));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(after));
    const r = goready(['check', entry('linux-amd64-http').file, '--host', join(dir, 'a.json'), '--host', join(dir, 'b.json'), '--format', 'json']);
    const f = (JSON.parse(r.stdout) as { id: string; evidence: string[] }[]).find((x) => x.id === 'GR-NET-003');
    expect(f?.evidence[0]).toMatch(/TcpExt ListenOverflows \+37 between /);
  });
  it('bad targets and arguments: one line, exit 2', () => {
    const f = entry('linux-amd64').file;
    const dir = mkdtempSync(join(tmpdir(), 'goready-bad-'));
    writeFileSync(join(dir, 'foreign.json'), '[1,2,3]');
    writeFileSync(join(dir, 'cfg.json'), '{"skipp": []}');
    for (const [args, msg] of [
      [['check', f, '--host', join(dir, 'foreign.json')], /foreign\.json: not a goready host snapshot/],
      [['check', f, '--host', join(dir, 'nope.json')], /nope\.json: no such file/],
      [['check', f, '--config', join(dir, 'cfg.json')], /cfg\.json: unknown key "skipp"/],
      [['check', f, '--env', 'GOMAXPROCS'], /--env GOMAXPROCS: expected KEY=VALUE/],
      [['check'], /give a binary, or --image FILE/],
      [['check', join(dir, 'nope')], /nope: no such file/],
    ] as [string[], RegExp][]) {
      const r = goready(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
