/**
 * Snapshots, configs and checkouts someone else shaped (issue 15, items 12–15, 17, 18): FIFOs and
 * devices as any path, /dev/zero as a snapshot, a diff of two 100,000-library snapshots, module
 * paths and LICENSE symlinks that lead out of the tree, a .goready.json that names an ssh target,
 * ssh hosts a shell would expand. Each must end in a result or one line, quickly and in a small
 * heap; each case fails on the code before these bounds.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModulePath, checkModuleVersion } from '../src/core/go/modpath.js';
import { endsCleanly, refused, runBounded } from './helpers/bounded.js';
import { entry } from './helpers/corpus.js';

const HOSTS = join(import.meta.dirname, 'data', 'hosts');
const SNAP = join(HOSTS, 'debian12-sh.json');
const MIT = readFileSync(join(import.meta.dirname, '..', 'node_modules', 'commander', 'LICENSE'), 'utf8');

let dir: string;
let fifo: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goready-hostile-in-'));
  fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('12. a FIFO or a device as any path', () => {
  it('check --host, check --image, host --validate, diff, --config, licenses and lint: one line, exit 2', () => {
    const bin = entry('linux-amd64').file;
    const cases: [string[], string][] = [
      [['check', bin, '--host', fifo], fifo],
      [['check', bin, '--image', fifo], fifo],
      [['host', '--validate', fifo], fifo],
      [['diff', fifo, SNAP], fifo],
      [['diff', SNAP, fifo], fifo],
      [['check', bin, '--config', fifo], fifo],
      [['licenses', bin, '--config', fifo], fifo],
      [['check', bin, '--host', '/dev/zero'], '/dev/zero'],
      [['diff', '/dev/urandom', SNAP], '/dev/urandom'],
      [['check', bin, '--image', '/dev/zero'], '/dev/zero'],
    ];
    for (const [args, input] of cases) refused(runBounded(args), input, /(FIFO|character device|not a regular file)/);
    refused(runBounded(['lint', fifo]), fifo, /not a Go file or a directory/);
  });

  it('./.goready.json as a FIFO, and a module tree whose go.mod is one', () => {
    const checkout = join(dir, 'fifo-checkout');
    mkdirSync(checkout);
    execFileSync('mkfifo', [join(checkout, '.goready.json')]);
    refused(runBounded(['check', entry('linux-amd64').file], { cwd: checkout }), '.goready.json', /FIFO/);
    execFileSync('mkfifo', [join(checkout, 'go.mod')]);
    refused(runBounded(['licenses', checkout]), 'go.mod', /FIFO/);
  });
});

describe('13. snapshots are capped', () => {
  it('/dev/zero through ./.goready.json, and a 65 MiB file, end in one line naming the cap', () => {
    const checkout = join(dir, 'zero-checkout');
    mkdirSync(checkout);
    writeFileSync(join(checkout, '.goready.json'), JSON.stringify({ host: '/dev/zero' }));
    refused(runBounded(['check', entry('linux-amd64').file], { cwd: checkout }), '.goready.json', /character device, not a regular file/);
    // Named explicitly, the config may name any file: the snapshot reader still refuses a device.
    refused(runBounded(['check', entry('linux-amd64').file, '--config', '.goready.json'], { cwd: checkout }), '/dev/zero', /not a regular file/);
    const big = join(dir, 'big.json');
    const fd = openSync(big, 'w');
    closeSync(fd);
    execFileSync('truncate', ['-s', String(65 << 20), big]);
    refused(runBounded(['host', '--validate', big]), big, /larger than the 64 MiB limit for host snapshots/);
    refused(runBounded(['diff', SNAP, big]), big, /64 MiB limit/);
  });
});

describe('14. goready diff is linear', () => {
  it('two snapshots of 100,000 libraries each, half shared: a result, the right counts', () => {
    const base = JSON.parse(readFileSync(SNAP, 'utf8'));
    const libs = (from: number) =>
      Array.from({ length: 100_000 }, (_, i) => ({ path: `/usr/lib/x86_64-linux-gnu/libcrafted${from + i}.so.1`, versionDefs: null }));
    const a = join(dir, 'many-a.json');
    const b = join(dir, 'many-b.json');
    writeFileSync(a, JSON.stringify({ ...base, libraries: { ...base.libraries, files: libs(0) } }));
    writeFileSync(b, JSON.stringify({ ...base, libraries: { ...base.libraries, files: libs(50_000) } }));
    const r = runBounded(['diff', a, b, '--format', 'json']);
    endsCleanly(r, a);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { groups: { group: string; changes: { key: string; onlyA?: string[]; onlyB?: string[] }[] }[] }).groups
      .find((g) => g.group === 'libraries')
      ?.changes.find((c) => c.key === 'libraries.files');
    expect(files?.onlyA).toHaveLength(50_000);
    expect(files?.onlyB).toHaveLength(50_000);
  });
});

describe('15. licence lookup stays inside vendor/, the source tree and the module cache', () => {
  it('module paths as Go checks them', () => {
    for (const ok of ['golang.org/x/sys', 'gopkg.in/yaml.v3', 'github.com/Masterminds/semver/v3', 'k8s.io/api']) expect(checkModulePath(ok), ok).toBeNull();
    for (const bad of [
      '../../outside',
      'example.com/../x',
      'example.com/.hidden',
      '/abs/path',
      'nodot/x',
      'Example.com/x',
      'example.com//x',
      'example.com/x/',
      'example.com/a\\b',
    ])
      expect(checkModulePath(bad), bad).not.toBeNull();
    expect(checkModuleVersion('v1.2.3')).toBeNull();
    expect(checkModuleVersion('v0.0.0-20240101000000-abcdefabcdef')).toBeNull();
    expect(checkModuleVersion('v2.0.0+incompatible')).toBeNull();
    expect(checkModuleVersion('v1.0.0/../../../x')).not.toBeNull();
  });

  it('a vendored ../ path, a version that climbs out of the module cache, LICENSE symlinks out of the module: none read', () => {
    const t = join(dir, 'lic');
    const outside = join(t, 'outside');
    const proj = join(t, 'work', 'proj');
    const cache = join(t, 'cache');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'LICENSE'), MIT);
    mkdirSync(join(proj, 'vendor', 'example.com', 'linked'), { recursive: true });
    mkdirSync(join(proj, 'vendor', 'example.com', 'inner', 'legal'), { recursive: true });
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(proj, 'go.mod'), 'module example.com/proj\n\ngo 1.22\n');
    writeFileSync(
      join(proj, 'vendor', 'modules.txt'),
      [
        '# ../../outside v1.0.0', // vendor/../../outside is t/work/outside … and one more ../ leaves the checkout
        '# ../../../outside v1.0.0',
        '# example.com/linked v1.0.0', // its LICENSE is a symlink to a file outside the module
        '# example.com/inner v1.0.0', // its LICENSE is a symlink inside the module: read
        '# example.com/escaped v1.0.0 => example.com/escaped v1.0.0/../../../../outside',
        '',
      ].join('\n'),
    );
    symlinkSync(join(outside, 'LICENSE'), join(proj, 'vendor', 'example.com', 'linked', 'LICENSE'));
    writeFileSync(join(proj, 'vendor', 'example.com', 'inner', 'legal', 'mit.txt'), MIT);
    symlinkSync('legal/mit.txt', join(proj, 'vendor', 'example.com', 'inner', 'LICENSE'));
    // A vendored module directory that is itself a symlink out of the tree.
    symlinkSync(outside, join(proj, 'vendor', 'example.com', 'dirlink'));
    writeFileSync(join(proj, 'vendor', 'modules.txt'), `${readFileSync(join(proj, 'vendor', 'modules.txt'), 'utf8')}# example.com/dirlink v1.0.0\n`);
    const r = runBounded(['licenses', proj, '--format', 'json', '--allow-unknown'], { env: { ...process.env, GOMODCACHE: cache } });
    endsCleanly(r, proj);
    const mods = (JSON.parse(r.stdout) as { modules: { path: string; found: { location: string } | null; expression: string | null }[] }).modules;
    const by = (p: string) => mods.find((m) => m.path === p);
    for (const p of ['../../outside', '../../../outside', 'example.com/linked', 'example.com/escaped', 'example.com/dirlink']) {
      expect(by(p), p).toBeDefined();
      expect(by(p)?.found, `${p} read ${JSON.stringify(by(p)?.found)}`).toBeNull();
    }
    expect(by('example.com/inner')?.expression).toBe('MIT');
  });
});

describe('17. a config found by search cannot start network connections or read devices', () => {
  /** A fake ssh first on PATH: if anything runs it, it leaves a canary. */
  function fakeSsh(name: string): { env: NodeJS.ProcessEnv; canary: string } {
    const bin = join(dir, `${name}-bin`);
    const canary = join(dir, `${name}-canary`);
    mkdirSync(bin);
    writeFileSync(join(bin, 'ssh'), `#!/bin/sh\necho "$@" > ${canary}\nexit 255\n`);
    chmodSync(join(bin, 'ssh'), 0o755);
    return { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, canary };
  }

  it('./.goready.json naming ssh:// or a symlink to a device is refused before anything runs; --config may name ssh', () => {
    const checkout = join(dir, 'pr-checkout');
    mkdirSync(checkout);
    const bin = entry('linux-amd64').file;
    writeFileSync(join(checkout, '.goready.json'), JSON.stringify({ host: 'ssh://deploy@prod.example.com' }));
    const { env, canary } = fakeSsh('searched');
    refused(
      runBounded(['check', bin], { cwd: checkout, env }),
      '.goready.json',
      /is an ssh target; a config found by search may name only local and snapshot files/,
    );
    expect(existsSync(canary), 'ssh was started').toBe(false);
    symlinkSync('/dev/zero', join(checkout, 'prod.json'));
    writeFileSync(join(checkout, '.goready.json'), JSON.stringify({ host: ['local', 'prod.json'] }));
    refused(runBounded(['check', bin], { cwd: checkout, env }), '.goready.json', /"prod.json" is a character device, not a regular file/);
    // The same ssh target from a config named on the command line: the user asked for it.
    writeFileSync(join(checkout, 'ci.json'), JSON.stringify({ host: 'ssh://deploy@prod.example.com' }));
    const named = fakeSsh('named');
    refused(runBounded(['check', bin, '--config', 'ci.json'], { cwd: checkout, env: named.env }), 'ssh://deploy@prod.example.com', /ssh failed/);
    expect(readFileSync(named.canary, 'utf8')).toMatch(/deploy@prod\.example\.com/);
  });
});

describe('18. ssh hosts hold only host-name and address characters', () => {
  it('hosts with ; $() backticks or quotes never reach ssh', () => {
    const bin = join(dir, 'ssh18-bin');
    const canary = join(dir, 'ssh18-canary');
    mkdirSync(bin);
    writeFileSync(join(bin, 'ssh'), `#!/bin/sh\necho "$@" >> ${canary}\nexit 255\n`);
    chmodSync(join(bin, 'ssh'), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    for (const target of ['a;id', 'ssh://a;id', 'x$(id)', 'ssh://u@x`id`', "h'q", 'h"q', 'h|id', 'h&id', 'h>f', 'ssh://[::1;id]', 'ssh://u;id@h', 'h{a,b}']) {
      refused(runBounded(['host', '--ssh', target], { env }), target, /not an ssh target \(/);
      refused(
        runBounded(['check', entry('linux-amd64').file, '--host', target.startsWith('ssh://') ? target : `ssh://${target}`], { env }),
        'ssh://',
        /not an ssh target/,
      );
    }
    expect(existsSync(canary), existsSync(canary) ? readFileSync(canary, 'utf8') : '').toBe(false);
    // Real names still reach ssh.
    for (const target of ['prod-1.example.com', 'deploy@10.0.0.7', 'ssh://root@[fe80::1%eth0]:22', 'ssh://ci_runner@build_host']) {
      refused(runBounded(['host', '--ssh', target], { env }), target, /ssh failed/);
    }
    expect(readFileSync(canary, 'utf8').trim().split('\n')).toHaveLength(4);
  });
});
