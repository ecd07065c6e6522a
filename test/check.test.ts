import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../src/checks/registry.js';
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

describe('goready check', () => {
  it('SARIF 2.1.0 valid against the official schema; --skip; --fail-on', () => {
    const f = entry('linux-amd64-race').file;
    const s = goready(['check', f, '--format', 'sarif']);
    expect(s.code).toBe(0);
    const sarif = JSON.parse(s.stdout);
    expect(validateSarif(sarif), ajv.errorsText(validateSarif.errors)).toBe(true);
    // The validator does reject what the schema forbids.
    expect(validateSarif({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'GR-BUILD-001', level: 'error' });
    expect(goready(['check', f, '--fail-on', 'high']).code).toBe(1);
    expect(goready(['check', f, '--fail-on', 'fatal']).code).toBe(0);
    expect(goready(['check', f, '--fail-on', 'high', '--skip', 'GR-BUILD-001']).code).toBe(0);
    expect(JSON.parse(goready(['check', f, '--format', 'json', '--skip', 'GR-BUILD-001']).stdout)).toEqual([]);
    expect(goready(['check', f, '--fail-on', 'bad']).code).toBe(2);
    expect(goready(['check', entry('windows-amd64').file, '--format', 'markdown']).stdout).toMatch(/\| fatal \| `GR-BUILD-002` \|/);
  });
});
