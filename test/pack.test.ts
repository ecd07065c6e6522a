import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
    // The snapshot schema ships in the package: a host snapshot validates and a check runs from it.
    const snap = join(import.meta.dirname, 'data', 'hosts', 'debian12-constrained-sh.json');
    expect(execFileSync('npx', ['--no-install', 'goready', 'host', '--validate', snap], { cwd: app, encoding: 'utf8' })).toMatch(/valid host snapshot/);
    const check = execFileSync('npx', ['--no-install', 'goready', 'check', entry('linux-amd64-http').file, '--host', snap, '--format', 'json'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(JSON.parse(check).map((f: { id: string }) => f.id)).toContain('GR-NET-001');
    // collector.sh ships in the package: the installed CLI prints the file kept in the repository.
    const script = execFileSync('npx', ['--no-install', 'goready', 'host', '--script'], { cwd: app, encoding: 'utf8' });
    expect(script).toBe(readFileSync(join(root, 'src', 'node', 'host', 'collector.sh'), 'utf8'));
    // goready serve's page and database migrations ship too.
    const migrations = readdirSync(join(root, 'migrations')).map((m) => `migrations/${m}`);
    expect(migrations.length).toBeGreaterThan(1);
    for (const f of ['dist/web/index.html', ...migrations]) expect(existsSync(join(app, 'node_modules', 'goready', f)), f).toBe(true);
  }, 300_000);
});
