import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../scripts/fuzz/cli.mjs';
import { binaryFields, encode, readField, shape } from '../scripts/fuzz/fields.mjs';
import { CORPUS, entry } from './helpers/corpus.js';

const SCRIPTS = join(import.meta.dirname, '..', 'scripts');

/**
 * The mutation fuzzers (scripts/fuzz.mjs over the corpus binaries, byte-level and structure-aware;
 * scripts/fuzz/images.mjs over built image tarballs and snapshots): every input must end in a result
 * or a clean one-line error, within the time bound and the heap cap. CI runs a short deterministic
 * run with fixed seeds; run them longer by hand (`npm run fuzz -- --count 100000`,
 * `node scripts/fuzz/images.mjs --count 10000`).
 */
describe('structure-aware mutation finds the fields parsers decide on', () => {
  it('ELF header, verneed chain and its counts where readelf finds them', () => {
    const e = entry('linux-amd64-cgo');
    const b = new Uint8Array(readFileSync(e.file));
    const fields = binaryFields(b, {});
    const header = execFileSync('readelf', ['-hW', e.file], { encoding: 'utf8' });
    const phnum = Number(/Number of program headers:\s+(\d+)/.exec(header)?.[1]);
    const phnumField = fields.find((f) => f.group === 'elf-header' && f.kind === 'count' && f.off === 56);
    expect(phnumField && readField(b, phnumField.off, phnumField.width, phnumField.be)).toBe(phnum);
    // readelf -V: the verneed records' counts (Cnt) and their Vernaux entries.
    const v = execFileSync('readelf', ['-VW', e.file], { encoding: 'utf8' });
    const counts = [...v.matchAll(/File: \S+\s+Cnt: (\d+)/g)].map((m) => Number(m[1]));
    const names = [...v.slice(v.indexOf('Version needs')).matchAll(/Name: (\S+)/g)].length;
    expect(counts.length).toBeGreaterThan(0);
    const vnCounts = fields.filter((f) => f.group === 'verneed' && f.kind === 'count').map((f) => readField(b, f.off, f.width, f.be));
    expect(vnCounts).toEqual(counts);
    expect(fields.filter((f) => f.group === 'vernaux' && f.kind === 'next')).toHaveLength(names);
    for (const g of ['phdr', 'shdr', 'dynamic', 'buildinfo'])
      expect(
        fields.some((f) => f.group === g),
        g,
      ).toBe(true);
  });

  it('the verneed shape: counts of 65535, Vernaux records that are their own successors', () => {
    const b = new Uint8Array(readFileSync(entry('linux-amd64-cgo').file));
    const fields = binaryFields(b, {});
    // Seeds until the shape chooser picks the verneed shape (case 0 of six).
    let ops: { off: number; bytes?: number[] }[] = [];
    for (let seed = 1; seed < 200 && !ops.some((o) => o.bytes && o.bytes.join() === encode(65535, 2, false).join()); seed++) {
      ops = [];
      shape(fields, b.length, rng(seed), ops);
    }
    const cnt = fields.find((f) => f.group === 'verneed' && f.kind === 'count');
    expect(ops.find((o) => o.off === cnt?.off)?.bytes).toEqual([0xff, 0xff]);
    const next = fields.filter((f) => f.group === 'vernaux' && f.kind === 'next').map((f) => f.off);
    expect(ops.filter((o) => next.includes(o.off)).length).toBe(next.length);
  });
});

describe('fuzzing every parser', () => {
  it('3,000 inputs a format (ELF, PE, Mach-O), half of them structure-aware: no crash, no hang, no unbounded memory', () => {
    const r = spawnSync(
      process.execPath,
      [join(SCRIPTS, 'fuzz.mjs'), '--count', process.env.GOREADY_FUZZ_COUNT ?? '3000', '--seed', '20261123', '--mode', 'mixed', '--corpus', CORPUS],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const summary = r.stdout.split('\n').filter((l) => l.startsWith('fuzz:') || l.startsWith('FAIL'));
    console.log(summary.join('\n'));
    for (const f of ['elf', 'pe', 'macho'])
      expect(r.stdout, f).toMatch(new RegExp(`fuzz: ${f}: \\d+ inputs .*\\(\\d+ bytes, [1-9]\\d* fields\\).* 0 failures`));
    expect(r.stdout).toMatch(/, 0 failures\n/);
    expect(r.status).toBe(0);
  }, 900_000);

  it('built image tarballs and snapshots: 25 a format, each a result or one line naming the file', () => {
    const r = spawnSync(
      process.execPath,
      // The hang guard is generous: temp-file writes slow down when the machine is shared.
      [join(SCRIPTS, 'fuzz', 'images.mjs'), '--count', process.env.GOREADY_FUZZ_IMAGES ?? '25', '--seed', '20261125', '--timeout-ms', '90000'],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const summary = r.stdout.split('\n').filter((l) => l.startsWith('fuzz:') || l.startsWith('FAIL'));
    console.log(summary.join('\n'), r.stderr.slice(0, 2000));
    for (const f of ['docker', 'oci', 'snapshot']) expect(r.stdout, f).toMatch(new RegExp(`fuzz: ${f}: \\d+ inputs .* 0 failures`));
    expect(r.status).toBe(0);
  }, 900_000);
});
