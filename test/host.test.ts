import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostSnapshot, SYSCTLS } from '../src/core/facts/host.js';
import { goarch } from '../src/core/linux/arch.js';
import { RootFs } from '../src/node/files/root.js';
import { collect } from '../src/node/host/collect.js';
import { describeRoot } from '../src/node/host/root.js';
import { HOST_SCRIPT } from '../src/node/host/script.js';
import { readSnapshot, validateSnapshot } from '../src/node/host/snapshot-file.js';
import { parseSshTarget, sshSnapshot } from '../src/node/host/ssh.js';
import { CLI, goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';

const CI = !!process.env.CI;
const DATA = join(import.meta.dirname, 'data', 'hosts');
const tmp = mkdtempSync(join(tmpdir(), 'goready-host-'));
const SCRIPT = join(tmp, 'goready-host.sh');
writeFileSync(SCRIPT, HOST_SCRIPT);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: opts.env ?? process.env, input: opts.input, timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the sh collector with SHELL and returns its validated snapshot. */
function runScript(shell: string[], env: NodeJS.ProcessEnv = process.env, args: string[] = []): HostSnapshot {
  const r = run(shell[0] as string, [...shell.slice(1), SCRIPT, ...args], { env });
  expect(r.stderr, `${shell.join(' ')}: stderr`).toBe('');
  expect(r.code, `${shell.join(' ')}: exit`).toBe(0);
  return validateSnapshot(JSON.parse(r.stdout), `${shell.join(' ')} output`);
}

/**
 * The fields that change between two collections on one machine, masked before comparing:
 * - collector, collectedAt: who and when;
 * - memory.availableKiB: free memory moves all the time;
 * - cgroup.cpu.nrPeriods, nrThrottled, throttledUsec: CFS counters;
 * - tcp.ext and tcp.tcp values (counters since boot): only their names are compared;
 * - listening[].rxQueue: accept-queue lengths.
 * Everything else (kernel, distro, libc, libraries, cpu incl. affinity, limits, cgroup paths and
 * limits, seccomp, sysctls, clocksource, thp, listening sockets, container, systemd) must be equal.
 */
function stable(s: HostSnapshot): Record<string, unknown> {
  const c = structuredClone(s) as unknown as Record<string, unknown> & HostSnapshot;
  c.collector = 'node';
  c.collectedAt = '<masked>';
  c.memory.availableKiB = null;
  c.cgroup.cpu.nrPeriods = null;
  c.cgroup.cpu.nrThrottled = null;
  c.cgroup.cpu.throttledUsec = null;
  const names = (r: Record<string, number> | null) => (r === null ? null : Object.fromEntries(Object.keys(r).map((k) => [k, 0])));
  c.tcp = { ext: names(c.tcp.ext), tcp: names(c.tcp.tcp) };
  c.listening = c.listening?.map((l) => ({ ...l, rxQueue: 0 })) ?? null;
  return c;
}

/**
 * GOT agrees with the Node collector on every stable field. BEFORE and AFTER are Node snapshots
 * taken just before and after GOT: a field may equal either (a socket opened by another test in
 * between changes `listening` for real), never something else.
 */
function expectAgree(got: HostSnapshot, before: HostSnapshot, after: HostSnapshot, label: string): void {
  const g = stable(got);
  const b = stable(before);
  const a = stable(after);
  expect(Object.keys(g).sort(), label).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(b)) expect(g[k], `${label}: ${k}`).toEqual(isDeepStrictEqual(g[k], b[k]) ? b[k] : a[k]);
}

/** readelf -V: the names of the .gnu.version_d entries that are not the BASE entry, sorted. */
function readelfVerdefs(file: string): string[] | null {
  const r = run('readelf', ['-V', '--wide', file]);
  expect(r.code).toBe(0);
  const sec = r.stdout.split(/\n(?=Version (?:definition|needs|symbols) section)/).find((s) => s.startsWith("Version definition section '.gnu.version_d'"));
  if (!sec) return null;
  const names = [...sec.matchAll(/Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)/g)].filter((m) => m[1] !== 'BASE').map((m) => m[2] as string);
  return names.length ? [...new Set(names)].sort() : null;
}

describe('Node collector against independent tools', () => {
  let s: HostSnapshot;
  beforeAll(async () => {
    s = validateSnapshot(JSON.parse(JSON.stringify(await collect())), 'collect()');
  });

  it('is a schema-valid node snapshot of this machine', () => {
    expect(s.collector).toBe('node');
    expect(s.image).toBeNull();
    expect(s.systemd).toBeNull();
    expect(s.libraries).not.toBeNull();
  });

  it('kernel and CPU match uname, nproc, getconf and /sys', () => {
    expect(s.kernel.release).toBe(run('uname', ['-r']).stdout.trim());
    expect(s.kernel.version).toBe(run('uname', ['-v']).stdout.trim());
    expect(s.kernel.machine).toBe(run('uname', ['-m']).stdout.trim());
    expect(s.cpu.arch).toBe(goarch(s.kernel.machine, s.kernel.endian));
    const env = { PATH: process.env.PATH };
    expect(s.cpu.affinityCount).toBe(Number(run('nproc', [], { env }).stdout.trim()));
    expect(s.cpu.onlineCount).toBe(Number(run('getconf', ['_NPROCESSORS_ONLN']).stdout.trim()));
    expect(s.cpu.online).toBe(run('cat', ['/sys/devices/system/cpu/online']).stdout.trim());
  });

  it('limits match what another process sees with ulimit', () => {
    // The shell is a child of this process and inherits its limits.
    const [soft, hard] = run('sh', ['-c', 'ulimit -Sn; ulimit -Hn']).stdout.trim().split('\n');
    const nofile = s.limits?.['Max open files'];
    expect(nofile).toBeDefined();
    expect(String(nofile?.soft)).toBe(soft);
    expect(String(nofile?.hard)).toBe(hard);
    expect(nofile?.units).toBe('files');
    const [nprocSoft] = run('bash', ['-c', 'ulimit -Su']).stdout.trim().split('\n');
    expect(String(s.limits?.['Max processes']?.soft)).toBe(nprocSoft);
  });

  it('sysctls match sysctl -n', () => {
    for (const name of SYSCTLS) {
      const r = run('sysctl', ['-n', name]);
      expect(s.sysctls[name], name).toBe(r.code === 0 ? r.stdout.replace(/\n$/, '') : null);
    }
  });

  it('libc matches getconf GNU_LIBC_VERSION and readelf -V', () => {
    expect(s.libc.family).toBe('glibc');
    expect(`glibc ${s.libc.version}`).toBe(run('getconf', ['GNU_LIBC_VERSION']).stdout.trim());
    expect(s.libc.file).toMatch(/\/libc\.so\.6$/);
    const defs = readelfVerdefs(s.libc.file as string);
    expect(defs).toContain('GLIBC_2.2.5');
    expect(s.libc.versionDefs).toEqual(defs);
    expect(s.libc.banner).toContain(`release version ${s.libc.version}`);
  });

  it('libraries: search paths agree with ldconfig, files with find, versionDefs with readelf, loaders with /bin/sh', () => {
    const lib = s.libraries as NonNullable<HostSnapshot['libraries']>;
    // ldconfig -v names every existing directory it scans, in order (skipping one it already
    // scanned under another name): each must be in searchPaths, in the same order.
    const ld = run('ldconfig', ['-v', '-N', '-X']);
    const scanned = [...ld.stdout.matchAll(/^(\/\S*):/gm)].map((m) => m[1] as string);
    expect(scanned.length).toBeGreaterThan(1);
    const at = scanned.map((d) => lib.searchPaths.indexOf(d));
    expect(
      at.every((i) => i >= 0),
      `${scanned} in ${lib.searchPaths}`,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(new Set(lib.searchPaths).size).toBe(lib.searchPaths.length);

    for (const d of lib.searchPaths) {
      const found = run('find', [
        '-L',
        d,
        '-mindepth',
        '1',
        '-maxdepth',
        '1',
        '-type',
        'f',
        '(',
        '-name',
        '*.so',
        '-o',
        '-name',
        '*.so.*',
        ')',
        '!',
        '-name',
        '.*',
      ]);
      const want = found.stdout.split('\n').filter(Boolean).sort();
      const got = lib.files
        .map((f) => f.path)
        .filter((p) => p.slice(0, p.lastIndexOf('/')) === d)
        .sort();
      expect(got, d).toEqual(want);
    }
    const paths = lib.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const versioned = lib.files.filter((f) =>
      /\/(libc\.so\.6|libm\.so\.6|libgcc_s\.so\.1|libstdc\+\+\.so\.6|ld-linux-x86-64\.so\.2|libpthread\.so\.0)$/.test(f.path),
    );
    expect(versioned.length).toBeGreaterThanOrEqual(4);
    for (const f of versioned) expect(f.versionDefs, f.path).toEqual(readelfVerdefs(f.path));
    const libz = lib.files.find((f) => /\/libz\.so\.1$/.test(f.path));
    if (libz) expect(libz.versionDefs).toBeNull(); // not in the set read, though it has version definitions

    // The interpreter /bin/sh asks for is one of the loaders.
    const interp = /Requesting program interpreter: (\S+)\]/.exec(run('readelf', ['-l', '/bin/sh']).stdout)?.[1];
    expect(lib.loaders).toContain(interp);
    for (const l of lib.loaders) expect(l).toMatch(/\/ld-[^/]*\.so/);
    expect(s.libc.versionDefs).toEqual(lib.files.find((f) => f.path === s.libc.file)?.versionDefs);
  });
});

describe('sh collector equals the Node collector', () => {
  it('under dash', async () => {
    const before = await collect();
    const got = runScript(['dash']);
    const after = await collect();
    expect(got.collector).toBe('sh');
    expectAgree(got, before, after, 'dash');
  });

  it('under busybox sh with only busybox applets on PATH', async () => {
    const bin = join(tmp, 'busybox-bin');
    mkdirSync(bin, { recursive: true });
    const busybox = run('sh', ['-c', 'command -v busybox']).stdout.trim();
    expect(busybox, 'busybox is installed (scripts/setup.sh)').not.toBe('');
    for (const applet of run(busybox, ['--list']).stdout.split('\n').filter(Boolean)) {
      if (!existsSync(join(bin, applet))) symlinkSync(busybox, join(bin, applet));
    }
    for (const tool of ['awk', 'od', 'tr', 'grep', 'sed', 'sort', 'head', 'uname', 'date', 'ls']) expect(existsSync(join(bin, tool)), tool).toBe(true);
    const env = { PATH: bin, LC_ALL: 'C' };
    // No GNU tool is reachable: `command -v` finds every tool the script names in the busybox dir
    // (or, for a busybox built to prefer its applets, such as busybox-static, as the bare applet).
    const tools = ['awk', 'sed', 'od', 'tr', 'sort', 'grep', 'head', 'date', 'uname'];
    const found = run(busybox, ['sh', '-c', `for t in ${tools.join(' ')}; do command -v $t; done`], { env })
      .stdout.trim()
      .split('\n');
    expect(found.map((f, i) => (f === tools[i] ? join(bin, f) : f))).toEqual(tools.map((t) => join(bin, t)));
    const before = await collect();
    const got = runScript([busybox, 'sh'], env);
    const after = await collect();
    expectAgree(got, before, after, 'busybox');
  });

  it('--unit adds the systemd section the same way', async () => {
    const unit = 'goready-no-such.service';
    const got = runScript(['dash'], process.env, ['--unit', unit]);
    const node = await collect({ unit });
    expect(got.systemd).toEqual(node.systemd);
    expect(got.systemd?.unit).toBe(unit);
  });
});

describe('describeRoot reads a root filesystem tree and stays inside it', () => {
  const root = join(tmp, 'root');
  const outside = join(tmp, 'outside');
  const hostLibc = '/lib/x86_64-linux-gnu/libc.so.6';
  beforeAll(() => {
    for (const d of ['etc/ld.so.conf.d', 'usr/lib/x86_64-linux-gnu', 'usr/lib64', 'opt/lib', 'usr/lib/real']) mkdirSync(join(root, d), { recursive: true });
    mkdirSync(outside, { recursive: true });
    // Absolute symlinks, as in images: they mean ROOT/..., never the host's files.
    symlinkSync('/usr/lib', join(root, 'lib'));
    symlinkSync('/usr/lib64', join(root, 'lib64'));
    writeFileSync(join(root, 'usr/lib/os-release'), 'ID=goready-test\nPRETTY_NAME="goready \\"test\\" root"\nVERSION_ID=1\n');
    symlinkSync('/usr/lib/os-release', join(root, 'etc/os-release'));
    copyFileSync(hostLibc, join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'));
    symlinkSync('/lib/x86_64-linux-gnu/libc.so.6', join(root, 'usr/lib64/ld-linux-x86-64.so.2')); // not a loader, but a file of that name
    writeFileSync(join(root, 'etc/ld.so.conf'), '# comment\ninclude ld.so.conf.d/*.conf\n/usr/lib/x86_64-linux-gnu/\n');
    writeFileSync(join(root, 'etc/ld.so.conf.d/a.conf'), '  /opt/lib   # the app\nhwcap 0 nosegneg\nrelative/dir\n');
    writeFileSync(join(root, 'etc/ld.so.conf.d/b.conf'), '/opt/lib\n/srv/missing\n');
    writeFileSync(join(root, 'etc/ld.so.conf.d/.hidden.conf'), '/hidden\n');
    // Outside the root: files a resolver that escapes would find.
    writeFileSync(join(outside, 'libevil.so.1'), 'evil');
    writeFileSync(join(root, 'usr/lib/real/libgood.so.1.0'), 'good');
    symlinkSync('/usr/lib/real/libgood.so.1.0', join(root, 'opt/lib/libgood.so.1'));
    symlinkSync(join(outside, 'libevil.so.1'), join(root, 'opt/lib/libevil-abs.so.1')); // absolute host path: ROOT/<tmp>/outside/... does not exist
    symlinkSync('../../../../../../../../outside/libevil.so.1', join(root, 'opt/lib/libevil-rel.so.1')); // .. stops at the root
    symlinkSync('/etc/hostname', join(root, 'opt/lib/libhost.so')); // the host has /etc/hostname; the root does not
    symlinkSync('libloop.so.2', join(root, 'opt/lib/libloop.so.1'));
    symlinkSync('libloop.so.1', join(root, 'opt/lib/libloop.so.2'));
    writeFileSync(join(root, 'opt/lib/notalib.txt'), '');
    mkdirSync(join(root, 'opt/lib/libdir.so'));
  });

  it('resolves absolute and .. links inside the root', () => {
    const r = new RootFs(root);
    expect(r.resolve('/etc/os-release')).toBe('/usr/lib/os-release');
    expect(r.resolve('/opt/lib/libevil-rel.so.1')).toBe('/outside/libevil.so.1');
    expect(r.resolve('/lib/../../../etc')).toBe('/etc');
    expect(r.host('/opt/lib/libgood.so.1')).toBe(join(root, 'usr/lib/real/libgood.so.1.0'));
    expect(r.host('/opt/lib/libloop.so.1')).toBeNull();
  });

  it('gives distro, libc and libraries of the tree only', async () => {
    const d = await describeRoot(root, 'amd64');
    expect(d.distro).toEqual({
      file: '/etc/os-release',
      id: 'goready-test',
      idLike: null,
      versionId: '1',
      versionCodename: null,
      prettyName: 'goready "test" root',
    });
    expect(d.libc.family).toBe('glibc');
    expect(d.libc.file).toBe('/lib/x86_64-linux-gnu/libc.so.6');
    expect(d.libc.versionDefs).toEqual(readelfVerdefs(hostLibc));
    const lib = d.libraries as NonNullable<HostSnapshot['libraries']>;
    expect(lib.searchPaths).toEqual([
      '/opt/lib',
      '/srv/missing',
      '/usr/lib/x86_64-linux-gnu',
      '/lib/x86_64-linux-gnu',
      '/lib64',
      '/usr/lib64',
      '/lib',
      '/usr/lib',
    ]);
    expect(lib.loaders).toEqual(['/lib64/ld-linux-x86-64.so.2', '/usr/lib64/ld-linux-x86-64.so.2']);
    const defs = readelfVerdefs(hostLibc);
    expect(lib.files).toEqual([
      { path: '/lib/x86_64-linux-gnu/libc.so.6', versionDefs: defs },
      { path: '/lib64/ld-linux-x86-64.so.2', versionDefs: defs },
      { path: '/opt/lib/libgood.so.1', versionDefs: null },
      { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', versionDefs: defs },
      { path: '/usr/lib64/ld-linux-x86-64.so.2', versionDefs: defs },
    ]);
    // Nothing of the host leaks in: /etc/hostname, the outside file.
    expect(JSON.stringify(d)).not.toMatch(/evil|libhost/i);
  });

  it('the sh script with GOREADY_ROOT gives the same, under dash and busybox', async () => {
    const want = await describeRoot(root, 'amd64');
    for (const shell of [['dash'], ['busybox', 'sh']]) {
      const got = runScript(shell, { ...process.env, GOREADY_ROOT: root });
      expect({ distro: got.distro, libc: got.libc, libraries: got.libraries }, shell.join(' ')).toEqual(want);
    }
    // And collect({ root }) is describeRoot plus this machine's run-time facts.
    const c = await collect({ root });
    expect({ distro: c.distro, libc: c.libc, libraries: c.libraries }).toEqual(want);
  });

  it('an empty tree gives nulls, not errors', async () => {
    const empty = join(tmp, 'empty-root');
    mkdirSync(empty, { recursive: true });
    const d = await describeRoot(empty, null);
    expect(d.distro.file).toBeNull();
    expect(d.libc).toEqual({ family: 'unknown', version: null, file: null, banner: null, versionDefs: null, libseccomp: null });
    expect(d.libraries).toEqual({ searchPaths: ['/lib64', '/usr/lib64', '/lib', '/usr/lib'], loaders: [], files: [] });
  });
});

describe('bad snapshots: one-line errors', () => {
  const write = (name: string, text: string) => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };
  let good: HostSnapshot;
  beforeAll(async () => {
    good = await collect();
  });
  const cases = (): [string, string, RegExp][] => [
    ['not-json.json', 'hello {', /^.*not-json\.json: not JSON: /],
    ['foreign.json', '{"name": "goready", "version": "0.1.0"}', /foreign\.json: not a goready host snapshot \(no schemaVersion/],
    ['v2.json', JSON.stringify({ ...good, schemaVersion: 2 }), /v2\.json: host snapshot schemaVersion 2 is not supported/],
    // The fuzzer's find: JSON.stringify of a schemaVersion nested 20,000 deep overflowed the stack.
    [
      'deep-version.json',
      `{"schemaVersion":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`,
      /deep-version\.json: host snapshot schemaVersion \[…\] is not supported/,
    ],
    ['truncated.json', JSON.stringify(good, null, 2).slice(0, 2000), /truncated\.json: not JSON: /],
    [
      'missing-field.json',
      JSON.stringify({ ...good, libraries: undefined }),
      /missing-field\.json: not a valid goready host snapshot: \/ must have required property 'libraries'/,
    ],
    [
      'bad-type.json',
      JSON.stringify({ ...good, cpu: { ...good.cpu, onlineCount: 'four' } }),
      /bad-type\.json: not a valid goready host snapshot: \/cpu\/onlineCount must be integer/,
    ],
    ['bad-collector.json', JSON.stringify({ ...good, collector: 'python' }), /bad-collector\.json: .*\/collector must be equal to one of the allowed values/],
  ];

  it('readSnapshot throws one line naming the file', () => {
    for (const [name, text, re] of cases()) {
      const p = write(name, text);
      expect(() => readSnapshot(p), name).toThrowError(re);
      try {
        readSnapshot(p);
      } catch (e) {
        expect((e as Error).message, name).not.toContain('\n');
        expect((e as Error).message.startsWith(`${p}: `), name).toBe(true);
      }
    }
    expect(() => readSnapshot(join(tmp, 'nope.json'))).toThrowError(/nope\.json: no such file$/);
    expect(() => readSnapshot(tmp)).toThrowError(/: is a directory$/);
    // An image snapshot (run-time facts null, libraries and image filled) is valid.
    const image: HostSnapshot = {
      ...good,
      collector: 'image',
      image: {
        file: 'app.tar',
        format: 'oci',
        ref: null,
        os: 'linux',
        architecture: 'amd64',
        variant: null,
        env: ['PATH=/bin'],
        user: null,
        entrypoint: ['/app'],
        cmd: null,
        workingDir: null,
        layers: 2,
      },
    };
    expect(validateSnapshot(JSON.parse(JSON.stringify(image))).collector).toBe('image');
  });

  it('goready host --validate exits 2 with "goready: FILE: reason"', () => {
    for (const [name, text, re] of cases()) {
      const p = write(name, text);
      const r = goready(['host', '--validate', p]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr.startsWith(`goready: ${p}: `), r.stderr).toBe(true);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    const ok = write('ok.json', JSON.stringify(good));
    const r = goready(['host', '--validate', ok]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${ok}: valid host snapshot (collector node, host ${good.hostname}, ${good.collectedAt})\n`);
  });
});

describe('goready host --ssh against a real sshd on localhost', () => {
  const sshd = '/usr/sbin/sshd';
  const have = existsSync(sshd) && existsSync('/usr/bin/ssh');
  if (CI && !have) it('sshd is installed (scripts/setup.sh installs openssh-server)', () => expect(have).toBe(true));
  const d = join(tmp, 'ssh');
  let port = 0;
  let server: ChildProcess | null = null;
  let log = '';
  const opts = () => [`IdentityFile=${join(d, 'userkey')}`, `UserKnownHostsFile=${join(d, 'known_hosts')}`, 'StrictHostKeyChecking=accept-new'];

  beforeAll(async () => {
    if (!have) return;
    mkdirSync(d, { recursive: true });
    for (const k of ['hostkey', 'userkey']) expect(run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'goready-test', '-f', join(d, k)]).code).toBe(0);
    copyFileSync(join(d, 'userkey.pub'), join(d, 'authorized_keys'));
    chmodSync(join(d, 'userkey'), 0o600);
    port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(d, 'hostkey')}`,
      `AuthorizedKeysFile ${join(d, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      'PidFile none',
    ];
    writeFileSync(join(d, 'sshd_config'), `${config.join('\n')}\n`);
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation directory
    server = spawn(sshd, ['-D', '-e', '-f', join(d, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000);
      server?.stderr?.on('data', (b: Buffer) => {
        log += b.toString();
        if (log.includes('Server listening')) {
          clearTimeout(t);
          resolve();
        }
      });
      server?.on('exit', (c) => reject(new Error(`sshd exited ${c}: ${log}`)));
    });
  }, 30_000);
  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it.skipIf(!have)(
    'goready host --ssh ssh://root@127.0.0.1:PORT prints a valid snapshot equal to the local one',
    async () => {
      const target = `ssh://root@127.0.0.1:${port}`;
      const before = await collect();
      const r = goready(['host', '--ssh', target, ...opts().flatMap((o) => ['--ssh-option', o])]);
      const after = await collect();
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const got = validateSnapshot(JSON.parse(r.stdout), target);
      expect(got.collector).toBe('sh');
      // sshd is a child of this process: same machine, limits, cgroup and affinity.
      expectAgree(got, before, after, 'ssh');
      expect(got.listening?.some((l) => l.port === port && l.address === '127.0.0.1')).toBe(true);
    },
    60_000,
  );

  it.skipIf(!have)(
    'goready check --host ssh://… judges the binary on the snapshot taken over ssh',
    () => {
      const target = `ssh://root@127.0.0.1:${port}`;
      const bin = entry('linux-amd64-http').file;
      const ssh = goready(['check', bin, '--host', target, '--format', 'json', ...opts().flatMap((o) => ['--ssh-option', o])]);
      expect(ssh.stderr).toBe('');
      expect(ssh.code).toBe(0);
      const local = goready(['check', bin, '--host', 'local', '--format', 'json']);
      // Same machine: the same findings, named after their target.
      const ids = (out: string) => (JSON.parse(out) as { id: string }[]).map((f) => f.id);
      expect(ids(ssh.stdout)).toEqual(ids(local.stdout));
      expect(goready(['check', bin, '--host', 'ssh://root@127.0.0.1:1', ...opts().flatMap((o) => ['--ssh-option', o])]).stderr).toMatch(
        /^goready: ssh:\/\/root@127\.0\.0\.1:1: /,
      );
    },
    60_000,
  );

  it.skipIf(!have)(
    '--unit and --out; the library function sshSnapshot gives the same',
    async () => {
      const target = `ssh://root@127.0.0.1:${port}`;
      const out = join(d, 'host.json');
      const r = goready(['host', '--ssh', target, '--unit', 'goready-no-such.service', '--out', out, ...opts().flatMap((o) => ['--ssh-option', o])]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      const saved = readSnapshot(out);
      expect(saved.systemd).toEqual((await collect({ unit: 'goready-no-such.service' })).systemd);
      const lib = await sshSnapshot(target, { sshOptions: opts() });
      expect(stable(lib).libraries).toEqual(stable(saved).libraries);
      expect(lib.systemd).toBeNull();
    },
    60_000,
  );

  it.skipIf(!have)('failures are one line naming the host, exit 2', () => {
    // Not authorized: no key given, BatchMode forbids a password prompt.
    const target = `ssh://root@127.0.0.1:${port}`;
    const r = goready([
      'host',
      '--ssh',
      target,
      '--ssh-option',
      `UserKnownHostsFile=${join(d, 'known_hosts')}`,
      '--ssh-option',
      'IdentityFile=/dev/null',
      '--ssh-option',
      'IdentitiesOnly=yes',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^goready: ${target.replaceAll('.', '\\.')}: ssh failed: .*Permission denied`));
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    // Nothing listens there (the port is closed after sshd stops, or the free port found).
    const closed = goready(['host', '--ssh', 'ssh://root@127.0.0.1:1', ...opts().flatMap((o) => ['--ssh-option', o])]);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(/^goready: ssh:\/\/root@127\.0\.0\.1:1: ssh failed: .*(refused|connect)/);
    for (const bad of ['-oProxyCommand=x', 'ssh://root@host:99999', 'ssh://', 'user@', 'ssh://a b']) {
      const b = goready(['host', '--ssh', bad]);
      expect(b.code, bad).toBe(2);
      expect(b.stderr, bad).toMatch(/^goready: .*: not an ssh target \(/);
    }
  });
});

describe('ssh targets', () => {
  it('parses [user@]host and ssh://[user@]host[:port]', () => {
    expect(parseSshTarget('prod')).toEqual({ user: null, host: 'prod', port: null, label: 'prod' });
    expect(parseSshTarget('deploy@prod.example.com')).toMatchObject({ user: 'deploy', host: 'prod.example.com', port: null });
    expect(parseSshTarget('ssh://root@127.0.0.1:2222')).toMatchObject({ user: 'root', host: '127.0.0.1', port: 2222 });
    expect(parseSshTarget('ssh://[::1]:22')).toMatchObject({ user: null, host: '::1', port: 22 });
    expect(() => parseSshTarget('ssh://h:0')).toThrowError(/port 0 out of range/);
    expect(() => parseSshTarget('-oProxyCommand=sh')).toThrowError(/starts with "-"/);
  });
});

/** cgroup v1 controllers this machine has (CI: cpu, memory and pids under /sys/fs/cgroup). */
const V1 = ['cpu', 'memory', 'pids'].every((c) => existsSync(`/sys/fs/cgroup/${c}/cgroup.procs`));

describe('a constrained environment made for real: netns, cgroup v1 limits, ulimits', () => {
  const name = `goready-test-${process.pid}`;
  const dirs = ['cpu', 'memory', 'pids'].map((c) => `/sys/fs/cgroup/${c}/${name}`);
  afterAll(() => {
    for (const dir of dirs) {
      try {
        rmdirSync(dir);
      } catch {
        // still busy or never made
      }
    }
  });
  if (CI && !V1) it('cgroup v1 cpu, memory and pids are mounted', () => expect(V1).toBe(true));

  it.skipIf(!V1)(
    'both collectors report the limits and agree',
    async () => {
      const nodeScript = join(tmp, 'collect.mjs');
      writeFileSync(
        nodeScript,
        `import { collect } from ${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'node', 'host', 'collect.js'))};\nprocess.stdout.write(JSON.stringify(await collect()));\n`,
      );
      const inner = `sh ${SCRIPT} > ${join(tmp, 'c-sh.json')} && ${process.execPath} ${nodeScript} > ${join(tmp, 'c-node.json')} && sh ${SCRIPT} > ${join(tmp, 'c-sh2.json')}`;
      const r = run('bash', [join(import.meta.dirname, '..', 'scripts', 'constrained.sh'), name, inner]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const sh = readSnapshot(join(tmp, 'c-sh.json'));
      const node = readSnapshot(join(tmp, 'c-node.json'));
      const sh2 = readSnapshot(join(tmp, 'c-sh2.json'));
      for (const s of [sh, node]) {
        expect(s.sysctls['net.core.somaxconn']).toBe('128');
        expect(s.cgroup.version).toBe('hybrid');
        expect(s.cgroup.path).toBe(`/${name}`);
        expect(s.cgroup.cpu).toMatchObject({ dir: `/sys/fs/cgroup/cpu/${name}`, quotaUsec: 50000, periodUsec: 100000 });
        expect(s.cgroup.memory).toEqual({ dir: `/sys/fs/cgroup/memory/${name}`, max: 512 * 1024 * 1024 });
        expect(s.cgroup.pids).toEqual({ dir: `/sys/fs/cgroup/pids/${name}`, max: 256 });
        expect(s.limits?.['Max open files']).toEqual({ soft: 1024, hard: 1024, units: 'files' });
        expect(s.limits?.['Max processes']).toEqual({ soft: 4096, hard: 4096, units: 'processes' });
        expect(s.listening).toEqual([]); // a fresh network namespace listens nowhere
      }
      expectAgree(sh, node, node, 'constrained sh');
      expectAgree(sh2, node, node, 'constrained sh (after node)');
    },
    120_000,
  );
});

describe('captured snapshots in test/data/hosts', () => {
  it('there are captures of this machine and of the constrained environment, and each validates', () => {
    const files = readdirSync(DATA).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(
      expect.arrayContaining([
        'debian12-sh.json',
        'debian12-constrained-sh.json',
        'musl-root-sh.json',
        'qemu-x86_64-qemu64-sh.json',
        'qemu-arm64-cortex-a53-sh.json',
      ]),
    );
    for (const f of files) {
      const s = readSnapshot(join(DATA, f));
      expect(s.collector, f).toBe('sh');
      // The VM captures boot a static busybox initramfs: no libc, no libraries.
      if (s.libc.family !== 'unknown') expect(s.libraries?.files.length, f).toBeGreaterThan(0);
    }
    const vm = readSnapshot(join(DATA, 'qemu-x86_64-qemu64-sh.json'));
    expect(vm.cpu).toMatchObject({ arch: 'amd64', x86Level: 'v1', modelName: 'QEMU Virtual CPU version 2.5+' });
    expect(vm.clocksource.current).toBe('hpet');
    const a53 = readSnapshot(join(DATA, 'qemu-arm64-cortex-a53-sh.json'));
    expect(a53.cpu).toMatchObject({ arch: 'arm64', atomics: false });
    const c = readSnapshot(join(DATA, 'debian12-constrained-sh.json'));
    expect(c.sysctls['net.core.somaxconn']).toBe('128');
    expect(c.cgroup.cpu.quotaUsec).toBe(50000);
    expect(c.cgroup.memory.max).toBe(536870912);
    expect(c.cgroup.pids.max).toBe(256);
    expect(c.limits?.['Max open files']?.soft).toBe(1024);
    const m = readSnapshot(join(DATA, 'musl-root-sh.json'));
    expect(m.libc).toMatchObject({ family: 'musl', version: '1.2.3', file: '/lib/ld-musl-x86_64.so.1', versionDefs: null });
    expect(m.libraries?.loaders).toEqual(['/lib/ld-musl-x86_64.so.1']);
    expect(m.libraries?.searchPaths[0]).toBe('/lib/x86_64-linux-musl');
    expect(readFileSync(join(DATA, 'README.md'), 'utf8')).toContain('constrained.sh');
    expect(existsSync(CLI)).toBe(true);
  });
});
