import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';

/**
 * Issue 9 items 13–16: a CLI that answers in one line and exits 2 on inputs it cannot use, stops
 * quietly when its reader goes away, and refuses flags that would be silently ignored.
 */
const tmp = mkdtempSync(join(tmpdir(), 'goready-edges-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const HOSTS = join(import.meta.dirname, 'data', 'hosts');
const SNAP_A = join(HOSTS, 'debian12-sh.json'); // collected 2026-11-23T09:58:29Z
const SNAP_B = join(HOSTS, 'debian12-constrained-sh.json'); // collected 2026-11-23T09:58:32Z

/** One line on stderr, exit 2, no stack trace. */
function oneLine(r: { code: number; stderr: string }, mentions: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toContain(mentions);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Error:/);
}

describe('a FIFO is refused at once (item 13)', () => {
  it('inspect FIFO and size FIFO: one line naming it, exit 2, no hang', () => {
    const fifo = join(tmp, 'fifo');
    spawnSync('mkfifo', [fifo]);
    for (const args of [
      ['inspect', fifo],
      ['size', fifo],
      ['inspect', '--functions', fifo],
    ]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
      expect(r.signal, `${args.join(' ')} hung`).toBeNull();
      oneLine({ code: r.status ?? -1, stderr: r.stderr }, `${fifo}: not a regular file (a FIFO)`);
    }
  });
});

describe('output into a closed pipe (item 14)', () => {
  // Outputs larger than a pipe's buffer (64 KiB), so the writer meets the closed pipe.
  const bin = () => entry('cmd-go').file;
  const cases = () => [
    ['inspect', '--functions', bin()],
    ['size', bin(), '--format', 'json', '--functions'],
    ['atomics', bin(), '--format', 'json'],
  ];
  it('| head -c 50: nothing on stderr, exit 141 as a tool ended by SIGPIPE', () => {
    for (const args of cases()) {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" "$@" | head -c 50 >/dev/null; echo "\${PIPESTATUS[0]}"`, 'sh', ...args], {
        encoding: 'utf8',
      });
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.stdout.trim(), args.join(' ')).toBe('141');
    }
  });
});

describe('--out into a missing directory (item 15)', () => {
  it('every command: one line naming the file, exit 2', () => {
    const out = join(tmp, 'missing', 'report.txt');
    const bin = entry('linux-amd64-http').file;
    const deps = entry('linux-amd64-deps').file;
    const cases = [
      ['inspect', bin],
      ['inspect', '--functions', bin],
      ['size', bin],
      ['licenses', deps, '--allow-unknown'],
      ['sbom', deps, '--no-licenses'],
      ['check', bin, '--host', SNAP_A],
      ['diff', SNAP_A, SNAP_B],
      ['host', '--script'],
      ['rules'],
      ['atomics', entry('linux-arm64').file],
      ['lint', join(import.meta.dirname, '..', 'fixtures', 'toolchains', 'lint-clean')],
    ];
    for (const args of cases) oneLine(goready([...args, '--out', out]), `${out}: no such file or directory`);
  });
});

describe('a missing input (item 15)', () => {
  it('every command that reads a binary: one line naming it, exit 2', () => {
    const missing = join(tmp, 'no-such-binary');
    for (const cmd of ['inspect', 'size', 'check', 'sbom', 'licenses', 'atomics']) oneLine(goready([cmd, missing]), `${missing}: no such file or directory`);
    oneLine(goready(['diff', missing, SNAP_A]), missing);
  });
});

describe('flags that would be ignored are refused (item 16)', () => {
  it('inspect --files without --functions', () => {
    oneLine(goready(['inspect', '--files', entry('linux-amd64').file]), '--files');
  });
  it('check --unit with a snapshot file', () => {
    oneLine(goready(['check', entry('linux-amd64-http').file, '--host', SNAP_A, '--unit', 'app.service']), '--unit');
  });
  it('an empty directory is said on stderr', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const r = goready(['inspect', empty]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`goready: ${empty}: no Go binaries found\n`);
  });
  it('licenses --allow/--deny: incomplete expressions refused, identifiers matched case-insensitively', () => {
    const deps = entry('linux-amd64-deps').file;
    oneLine(goready(['licenses', deps, '--allow', 'MIT OR']), '--allow: not an SPDX expression: "MIT OR"');
    oneLine(goready(['licenses', deps, '--allow', '(MIT']), '--allow: not an SPDX expression: "(MIT"');
    oneLine(goready(['licenses', deps, '--deny', 'NOPE-1.0']), '--deny: not an SPDX expression');
    // The same policy in any case gives the same verdicts.
    const upper = goready(['licenses', deps, '--allow', 'MIT OR Apache-2.0', '--format', 'json']);
    const lower = goready(['licenses', deps, '--allow', 'mit or apache-2.0', '--format', 'json']);
    expect(lower.code).toBe(upper.code);
    const verdicts = (s: string) => (JSON.parse(s) as { modules: { violation: string | null }[] }).modules.map((m) => m.violation);
    expect(verdicts(lower.stdout)).toEqual(verdicts(upper.stdout));
  });
  it('--skip with an unknown ID is refused with the closest IDs (from the rules table)', () => {
    const r = goready(['check', entry('linux-amd64').file, '--skip', 'GR-LIMIT-01']);
    oneLine(r, 'GR-LIMIT-01');
    expect(r.stderr).toMatch(/GR-LIMIT-001/);
  });
});

describe('two --host snapshots in reverse time order (item 17)', () => {
  it('are refused: counter deltas run from the first to the second', () => {
    const bin = entry('linux-amd64-http').file;
    expect(goready(['check', bin, '--host', SNAP_A, '--host', SNAP_B]).code).toBe(0);
    oneLine(goready(['check', bin, '--host', SNAP_B, '--host', SNAP_A]), 'give the older snapshot first');
  });
});
