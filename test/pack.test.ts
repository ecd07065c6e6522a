import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entry } from './helpers/corpus.js';

const root = join(import.meta.dirname, '..');

describe('npm pack', () => {
  it('the packed tarball installs into an empty project and `npx goready inspect FILE` works', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goready-pack-'));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tgz).toBeDefined();
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'ignore' });
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(dir, tgz as string)], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    const e = entry('linux-amd64');
    const out = execFileSync('npx', ['--no-install', 'goready', 'inspect', '--format', 'json', e.file], { cwd: app, encoding: 'utf8' });
    const [r] = JSON.parse(out);
    expect(r.go.isGo).toBe(true);
    expect(r.go.version).toBe('go1.19.8');
    // The library entry point resolves from the installed package too.
    const lib = execFileSync('node', ['--input-type=module', '-e', "import('goready').then((m) => console.log(typeof m.inspect))"], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(lib.trim()).toBe('function');
  }, 300_000);
});
