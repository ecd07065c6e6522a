/**
 * What every verb shares: --format and --out, two examples in --help, --color/NO_COLOR, --quiet,
 * progress on a terminal only, and a quiet stop when the reader closes the pipe. A terminal is a
 * real pseudo-terminal (util-linux script), not a flag.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, goready } from './helpers/cli.js';
import { CORPUS, entry } from './helpers/corpus.js';

/** The commands a --help lists (after "Commands:"). */
const commandsIn = (help: string): string[] =>
  (help.split('\nCommands:\n')[1] ?? '')
    .split('\n')
    .map((l) => /^ {2}([a-z]+)/.exec(l)?.[1])
    .filter((c): c is string => !!c && c !== 'help');

/** Every verb: a command, or each subcommand of one that has them (trace http, trace tcp). */
const COMMANDS = commandsIn(goready(['--help']).stdout).flatMap((c) => {
  const subs = commandsIn(goready([c, '--help']).stdout);
  return subs.length ? subs.map((s) => `${c} ${s}`) : [c];
});

/** Runs the CLI with stdout and stderr on a pseudo-terminal; returns what the terminal showed. */
function onTerminal(args: string[], env: Record<string, string> = {}): string {
  const cmd = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.error) throw new Error(`script (util-linux, scripts/setup.sh) is needed for this test: ${r.error.message}`);
  expect(r.status, r.stdout).toBe(0);
  return r.stdout;
}

describe('every verb', () => {
  it('has -f/--format and -o/--out, and two examples in --help whose flags it has', () => {
    expect(COMMANDS.length).toBeGreaterThanOrEqual(12);
    for (const c of COMMANDS) {
      const help = goready([...c.split(' '), '--help']).stdout;
      // completion prints a script and serve a log: neither writes a report.
      if (c !== 'completion' && c !== 'serve') expect(help, c).toMatch(/^ {2}-f, --format <format>/m);
      if (c !== 'serve') expect(help, c).toMatch(/^ {2}-o, --out <file>/m);
      const ex = (help.split('\nExamples:\n')[1] ?? '').split('\n').filter((l) => l.trim());
      expect(ex.length, `${c}: examples`).toBeGreaterThanOrEqual(2);
      for (const line of ex) {
        const words = (line.split('  # ')[0] as string).trim().split(/\s+/);
        expect(words.join(' '), c).toMatch(new RegExp(`goready (--\\S+ )*${c}\\b`));
        for (const w of words.filter((w) => /^--?[a-z]/.test(w)))
          expect(help, `${c}: ${w} in "${line.trim()}"`).toMatch(new RegExp(`(^|[ ,])${w}[ ,<\\[\\n]`, 'm'));
      }
    }
  });
});

describe('--color, NO_COLOR', () => {
  const bin = entry('linux-amd64-v3').file;
  const ESC = '\x1b[';
  it('auto: colour on a terminal, none in a pipe, none with NO_COLOR or --out', () => {
    expect(onTerminal(['targets', bin])).toContain(`${ESC}31mno`);
    expect(onTerminal(['targets', bin], { NO_COLOR: '1' })).not.toContain(ESC);
    expect(goready(['targets', bin]).stdout).not.toContain(ESC);
  });
  it('always and never win over the terminal and NO_COLOR', () => {
    expect(goready(['--color', 'always', 'targets', bin]).stdout).toContain(`${ESC}32myes`);
    expect(goready(['targets', bin, '--color', 'always']).stdout).toContain(`${ESC}32myes`);
    expect(onTerminal(['--color', 'never', 'targets', bin])).not.toContain(ESC);
    const r = spawnSync(process.execPath, [CLI, '--color', 'always', 'targets', bin], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toContain(`${ESC}31mno`);
  });
  it('a wrong value is a usage error', () => {
    const r = goready(['--color', 'sometimes', 'targets', bin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sometimes/);
  });
});

/** ESC [ as a regular expression. */
const ESC_RE = '\\u001b\\[';

describe('progress on stderr', () => {
  const dir = `${CORPUS}/go`;
  // GOREADY_PROGRESS_DELAY_MS=0 draws from the first file (the default waits a second).
  const now = { GOREADY_PROGRESS_DELAY_MS: '0' };
  it('on a terminal: a line redrawn per file, cleared at the end', () => {
    const shown = onTerminal(['inspect', dir, '--format', 'json', '-o', '/dev/null'], now);
    expect(shown).toMatch(new RegExp(`\r${ESC_RE}Kinspect: \\d+ · [\\d.]+ s · `));
    expect(shown.endsWith('\r\x1b[K')).toBe(true);
  });
  it('never in a pipe, nor with --quiet', () => {
    const r = spawnSync(process.execPath, [CLI, 'inspect', dir, '--format', 'json', '-o', '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...now } });
    expect(r.stderr).toBe('');
    expect(onTerminal(['--quiet', 'inspect', dir, '--format', 'json', '-o', '/dev/null'], now)).toBe('');
    expect(onTerminal(['inspect', '-q', dir, '--format', 'json', '-o', '/dev/null'], now)).toBe('');
  });
});

describe('a reader that closes the pipe early', () => {
  it('stops the listing quietly: nothing on stderr, exit 141 as a tool ended by SIGPIPE', async () => {
    const child = spawn(process.execPath, [CLI, 'inspect', '--functions', entry('cmd-go').file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});
