/**
 * Output that cannot forge or inject (issue 15, item 16). A binary built with a hostile
 * `-ldflags -X` (escape sequences recorded raw in its build info: `go version -m` prints them as
 * they are) and byte-patched PT_INTERP and function name, and a snapshot whose hostname, kernel
 * release, CPU model, clocksource and file name carry escape sequences, newlines and HTML: text
 * output shows every control character visibly, so no value can move the cursor, set the window
 * title or start a line of its own; markdown shows them as text, never as a tag, a link or a cell.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeText, mdCode } from '../src/core/render/escape.js';
import { runBounded } from './helpers/bounded.js';
import { CORPUS } from './helpers/corpus.js';

const GO = '/usr/lib/go-1.27/bin/go';
const SRC = join(import.meta.dirname, '..', 'fixtures', 'hostile');
const X = '\x1b]0;owned\x07';
const LDFLAGS = `-X=main.banner=${X}`;
const FORGED = '\nFATAL GR-FAKE-999';
/** Same length as the names they replace, so the patched file keeps its layout. */
const INTERP = '/lib64/ld-linux-x86-64.so.2';
const HOSTILE_INTERP = `/\x1b[2J${FORGED}`.padEnd(INTERP.length, 'x');
const NAME = 'main.forgeMeAFindingLineHere';
const HOSTILE_NAME = `m.\x1b]0;t\x07${FORGED}`.padEnd(NAME.length, 'y');

/** No byte a terminal acts on (C0 but tab and newline, DEL, C1) and no line a value started. */
function assertInert(out: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  for (const line of out.split('\n')) expect(line).not.toMatch(/^\s*FATAL GR-FAKE-999/);
}

/** Replaces every occurrence of `from` (with its NUL) by `to`, byte for byte. */
function patch(b: Buffer, from: string, to: string): number {
  const f = Buffer.from(`${from}\0`, 'latin1');
  const t = Buffer.from(`${to}\0`, 'latin1');
  expect(t.length).toBe(f.length);
  let n = 0;
  for (let at = b.indexOf(f); at >= 0; at = b.indexOf(f, at + 1), n++) t.copy(b, at);
  return n;
}

let bin: string;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goready-hostile-out-'));
  if (!existsSync(GO)) throw new Error(`${GO} missing (bash scripts/setup.sh installs Go 1.27)`);
  const key = createHash('sha256')
    .update(readFileSync(join(SRC, 'main.go')))
    .update(readFileSync(join(SRC, 'go.mod')))
    .update(LDFLAGS + HOSTILE_INTERP + HOSTILE_NAME)
    .digest('hex')
    .slice(0, 16);
  const cache = join(CORPUS, 'hostile');
  bin = join(cache, `hostile-${key}`);
  if (!existsSync(bin)) {
    mkdirSync(cache, { recursive: true });
    const built = `${bin}.build`;
    execFileSync(GO, ['build', '-buildvcs=false', '-o', built, `-ldflags=${LDFLAGS}`, '.'], {
      cwd: SRC,
      env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '1' },
    });
    const b = readFileSync(built);
    expect(patch(b, INTERP, HOSTILE_INTERP)).toBeGreaterThanOrEqual(1);
    // The pclntab's name table and the symbol table's strings.
    expect(patch(b, NAME, HOSTILE_NAME)).toBeGreaterThanOrEqual(1);
    writeFileSync(built, b);
    renameSync(built, bin);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('16. the escapes', () => {
  it('text: control, separator and bidi characters visible; nothing else changed', () => {
    expect(escapeText(`a${X}b\nc\td\u202ee\u2028\u0085 é 中`)).toBe('a\\x1b]0;owned\\x07b\\nc\\td\\u202ee\\u2028\\x85 é 中');
  });
  it('markdown: inline markup and HTML shown as text; code spans fenced past any backtick run', () => {
    expect(escapeMarkdown('<img src=x onerror=alert(1)> [a](b) `c` *d* _e_ | ~f~ &amp;\n# h')).toBe(
      '&lt;img src=x onerror=alert(1)&gt; \\[a\\](b) \\`c\\` \\*d\\* \\_e\\_ \\| \\~f\\~ &amp;amp;\\\\n# h',
    );
    expect(mdCode('a``b|c')).toBe('```a``b\\|c```');
    expect(mdCode('`x')).toBe('`` `x ``');
  });
});

describe('16. a hostile binary', () => {
  it('the build info really holds raw escapes: go version -m prints them', () => {
    const truth = execFileSync(GO, ['version', '-m', bin], { encoding: 'utf8' });
    expect(truth).toContain(`build\t-ldflags=${LDFLAGS}`);
    const interp = execFileSync('readelf', ['-lW', bin], { encoding: 'latin1' });
    expect(interp).toContain(`[Requesting program interpreter: /\x1b[2J\nFATAL`);
  });

  it('inspect --functions: the setting, the interpreter and the name shown escaped', () => {
    const r = runBounded(['inspect', '--functions', bin]);
    expect(r.code, r.stderr).toBe(0);
    assertInert(r.stdout);
    expect(r.stdout).toContain(`build\t-ldflags=${escapeText(LDFLAGS)}`);
    expect(r.stdout).toContain(`interpreter ${escapeText(HOSTILE_INTERP)}`);
    expect(r.stdout).toContain(escapeText(HOSTILE_NAME));
  });

  it('size and check (text and markdown): inert', () => {
    for (const args of [
      ['size', bin, '--by', 'package'],
      ['check', bin, '--host', join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json')],
    ]) {
      const r = runBounded(args);
      expect([0, 1], r.stderr).toContain(r.code);
      assertInert(r.stdout);
      assertInert(r.stderr);
    }
    const md = runBounded(['check', bin, '--host', join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json'), '--format', 'markdown']);
    assertInert(md.stdout);
    expect(md.stdout).toContain(escapeMarkdown(HOSTILE_INTERP));
  });
});

describe('16. a hostile snapshot', () => {
  const html = '<img src=x onerror=alert(1)>';
  let snap: string;
  let plain: string;
  beforeAll(() => {
    const s = JSON.parse(readFileSync(join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json'), 'utf8'));
    plain = join(dir, 'plain.json');
    writeFileSync(plain, JSON.stringify(s));
    s.hostname = `${X}${FORGED}`;
    s.kernel.release = `6.1${X}${FORGED}`;
    s.cpu.modelName = `${html}\`x\`|cell`;
    s.clocksource = { current: `xen${X}${FORGED}${html}`, available: ['xen'] };
    // File names are values too: evidence lines start with the snapshot's.
    snap = join(dir, `${html}.json`);
    writeFileSync(snap, JSON.stringify(s));
  });

  it('host --validate, check and diff as text: inert', () => {
    const v = runBounded(['host', '--validate', snap]);
    expect(v.code, v.stderr).toBe(0);
    assertInert(v.stdout);
    expect(v.stdout).toContain(escapeText(`host ${X}${FORGED}`));
    for (const args of [
      ['check', bin, '--host', snap],
      ['diff', plain, snap],
    ]) {
      const r = runBounded(args);
      expect([0, 1], r.stderr).toContain(r.code);
      assertInert(r.stdout);
      expect(r.stdout).toContain(escapeText(FORGED));
    }
  });

  it('check and diff as markdown: no tag, no raw backtick or pipe from a value', () => {
    for (const args of [
      ['check', bin, '--host', snap, '--format', 'markdown'],
      ['diff', plain, snap, '--format', 'markdown'],
    ]) {
      const r = runBounded(args);
      expect([0, 1], r.stderr).toContain(r.code);
      assertInert(r.stdout);
      expect(r.stdout).not.toMatch(/<img|<script/i);
      expect(r.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
      // Every row of a table has its header's cell count: no value added a cell.
      const cells = (l: string) => l.replace(/\\[\\|]/g, '').split('|').length;
      const lines = r.stdout.split('\n');
      let rows = 0;
      for (const [i, l] of lines.entries()) {
        if (!l.startsWith('|') || !lines[i - 1]?.startsWith('|')) continue;
        let head = i - 1;
        while (lines[head - 1]?.startsWith('|')) head--;
        expect(cells(l), l).toBe(cells(lines[head] as string));
        rows++;
      }
      expect(rows).toBeGreaterThan(1);
    }
  });
});
