import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from './helpers/cli.js';
import { CORPUS } from './helpers/corpus.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Every ```-block in the README that starts with `$ goready`: the command and what it printed. */
const examples = [...readme.matchAll(/```\n\$ (goready [^\n]+)\n([\s\S]*?)```/g)].map((m) => ({ cmd: m[1] as string, out: m[2] as string }));

describe('README examples match what the CLI prints', () => {
  it('has examples', () => expect(examples.length).toBeGreaterThanOrEqual(3));
  for (const ex of examples) {
    it(ex.cmd, () => {
      // Run from the repo for node_modules paths, from the corpus for fixtures; pipes through sh.
      const cwd = ex.cmd.includes('node_modules') ? root : join(CORPUS, 'go');
      const shell = ex.cmd.replace(/^goready /, `node ${CLI} `);
      const out = execFileSync('bash', ['-o', 'pipefail', '-c', shell], { cwd, encoding: 'utf8' });
      expect(out).toBe(ex.out);
    });
  }
});
