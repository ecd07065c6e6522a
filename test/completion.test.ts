/**
 * goready completion: each script is loaded by its real shell (bash, zsh, fish) and asked to
 * complete command lines; the commands expected are those `goready --help` lists.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goready } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'goready-completion-'));

function script(shell: string): string {
  const r = goready(['completion', shell]);
  expect(r.code, r.stderr).toBe(0);
  const f = join(tmp, `goready.${shell}`);
  writeFileSync(f, r.stdout);
  return f;
}

function shell(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} is needed for this test (scripts/setup.sh installs zsh and fish): ${r.error.message}`);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The commands `goready --help` lists. */
const COMMANDS = goready(['--help'])
  .stdout.split('\nCommands:\n')[1]
  ?.split('\n')
  .map((l) => /^ {2}([a-z]+)/.exec(l)?.[1])
  .filter((c): c is string => !!c && c !== 'help') as string[];

/** Each case: the words typed (the last one being completed) and words the answer must hold. */
const CASES: [string[], string[]][] = [
  [['goready', 'ins'], ['inspect']],
  [['goready', 'inspect', '--for'], ['--format']],
  [
    ['goready', 'inspect', '--format', ''],
    ['text', 'json', 'jsonl'],
  ],
  [['goready', '--color', 'always', 'tar'], ['targets']],
  [
    ['goready', '--color', ''],
    ['auto', 'always', 'never'],
  ],
  [
    ['goready', 'size', '--by', ''],
    ['package', 'module', 'section'],
  ],
  [
    ['goready', 'completion', ''],
    ['bash', 'zsh', 'fish'],
  ],
  [
    ['goready', 'trace', ''],
    ['http', 'tcp'],
  ],
  [['goready', 'trace', 'http', '--for'], ['--format']],
  [
    ['goready', 'trace', 'tcp', '--format', ''],
    ['text', 'json', 'jsonl'],
  ],
];

describe('goready completion', () => {
  it('goready --help lists the commands', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['inspect', 'size', 'check', 'targets', 'completion']));
  });

  it('bash: the function completes commands, options and their choices', () => {
    const f = script('bash');
    const call = (words: string[]) =>
      shell('bash', [
        '-c',
        `source ${f}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _goready; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ])
        .split('\n')
        .filter(Boolean);
    expect(shell('bash', ['-c', `source ${f}; complete -p goready`])).toMatch(/-F _goready goready/);
    expect(call(['goready', ''])).toEqual(expect.arrayContaining(COMMANDS));
    for (const [words, want] of CASES) expect(call(words), words.join(' ')).toEqual(expect.arrayContaining(want));
    // Arguments complete as file names.
    expect(call(['goready', 'inspect', join(tmp, 'goready.ba')])).toEqual([join(tmp, 'goready.bash')]);
  });

  it('fish: complete -C answers the same', () => {
    const f = script('fish');
    for (const [words, want] of [[['goready', ''], COMMANDS] as [string[], string[]], ...CASES]) {
      const got = shell('fish', ['-c', `source ${f}; complete -C ${JSON.stringify(words.join(' '))}`])
        .split('\n')
        .map((l) => l.split('\t')[0]);
      expect(got, words.join(' ')).toEqual(expect.arrayContaining(want));
    }
  });

  it('zsh: registered through bashcompinit, and the function answers under its array rules', () => {
    const f = script('zsh');
    shell('zsh', ['-n', f]);
    expect(shell('zsh', ['-fc', `source ${f}; print -r -- $_comps[goready]`])).toMatch(/_bash_complete .*-F _goready/);
    const got = shell('zsh', [
      '-fc',
      `source ${f}; setopt ksharrays; COMP_WORDS=(goready inspect --format ''); COMP_CWORD=3; _goready; print -rl -- "\${COMPREPLY[@]}"`,
    ]);
    expect(got.split('\n')).toEqual(expect.arrayContaining(['text', 'json', 'jsonl']));
  });

  it('an unknown shell is a usage error: exit 2', () => {
    const r = goready(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tcsh.*bash, zsh, fish/);
  });
});
