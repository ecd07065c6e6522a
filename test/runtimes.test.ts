import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostSnapshot, RuntimeProgram } from '../src/core/facts/host.js';
import { installedVersion, listPackage, usrMergedTwin } from '../src/core/linux/dpkg.js';
import { SCRIPT_PATH } from '../src/node/host/script.js';
import { readSnapshot, validateSnapshot } from '../src/node/host/snapshot-file.js';
import { CORPUS, entry, GO } from './helpers/corpus.js';

/**
 * Container runtime versions are read, never run: dpkg's database first, the program's Go build
 * info else. Real programs (Debian bookworm's dockerd, containerd and runc, fetched by
 * scripts/fetch-runtimes.sh) are put where the collectors look, in a private mount namespace, with
 * a dpkg database made for the test; both collectors run under strace, which shows that nothing but
 * their own tools was executed. Truth comes from dpkg-query, dpkg-deb and `go version -m`.
 */
interface Fetched {
  package: string;
  /** The Debian version (dpkg-deb -f DEB Version). */
  version: string;
  deb: string;
  /** Where the package installs the program. */
  path: string;
}

const RUNTIMES = join(CORPUS, 'runtimes');
const tmp = mkdtempSync(join(tmpdir(), 'goready-runtimes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fetched: Record<'dockerd' | 'containerd' | 'runc', Fetched>;

beforeAll(() => {
  const r = spawnSync('bash', [join(import.meta.dirname, '..', 'scripts', 'fetch-runtimes.sh')], { encoding: 'utf8' });
  expect(r.status, `scripts/fetch-runtimes.sh failed: ${r.stderr}`).toBe(0);
  fetched = JSON.parse(readFileSync(join(RUNTIMES, 'runtimes.json'), 'utf8'));
}, 600_000);

/** `go version -m FILE`: its mod line's version (null without one) and its -ldflags setting (null without one). */
function goVersionM(file: string): { mod: string | null; ldflags: string | null } {
  const out = execFileSync(GO, ['version', '-m', file], { encoding: 'utf8' });
  return {
    mod: /^\tmod\t\S+\t(\S+)/m.exec(out)?.[1] ?? null,
    ldflags: /^\tbuild\t-ldflags=(.*)$/m.exec(out)?.[1] ?? null,
  };
}

describe("dpkg's database read as dpkg-query reads it", () => {
  it('the installed version of packages, multiarch ones by their list name', () => {
    const status = readFileSync('/var/lib/dpkg/status', 'utf8');
    const lists = readFileSync('/var/lib/dpkg/info/dpkg.list', 'utf8'); // dpkg itself is always installed
    expect(lists).toContain('/usr/bin/dpkg');
    for (const list of ['dpkg.list', 'bash.list', 'libc6:amd64.list', 'coreutils.list']) {
      const pkg = listPackage(list);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
      const query = execFileSync('dpkg-query', ['-W', '-f', '${Version}', list.replace(/\.list$/, '')], { encoding: 'utf8' });
      expect(installedVersion(status, pkg), list).toBe(query);
    }
    expect(installedVersion(status, { name: 'goready-no-such-package', arch: null })).toBeNull();
  });

  it('a path and its merged-/usr twin: one of them is what dpkg -S finds', () => {
    for (const path of ['/usr/bin/dash', '/bin/dash', '/usr/bin/ls', '/bin/ls', '/usr/sbin/ldconfig', '/sbin/ldconfig']) {
      const twin = usrMergedTwin(path);
      expect(twin, path).not.toBeNull();
      expect(usrMergedTwin(twin as string)).toBe(path);
      const owner = (p: string) => spawnSync('dpkg', ['-S', p], { encoding: 'utf8' }).stdout.split(':')[0] || null;
      expect(owner(path) ?? owner(twin as string), path).not.toBeNull();
    }
    expect(usrMergedTwin('/usr/local/bin/docker')).toBeNull();
  });
});

describe('runtime programs in place, read by both collectors without running them', () => {
  let sh: HostSnapshot;
  let node: HostSnapshot;
  let traces: string[];

  beforeAll(() => {
    // The directory the collectors find in place of /usr/local/sbin: Debian's programs, and two Go
    // programs of the corpus under runtime names, for the other two build info rules: one stamped
    // with -X main.version=1.2.3, one built by go install at a module version (lefthook v2.0.16).
    const sbin = join(tmp, 'sbin');
    mkdirSync(sbin);
    for (const p of ['dockerd', 'containerd', 'runc']) symlinkSync(join(RUNTIMES, 'bin', p), join(sbin, p));
    symlinkSync(entry('linux-amd64-deps').file, join(sbin, 'crun'));
    symlinkSync(entry('lefthook-linux-x64@2.0.16/lefthook').file, join(sbin, 'kubelet'));
    // A dpkg database that owns containerd (installed) and runc (removed, config files left).
    const dpkg = join(tmp, 'dpkg');
    mkdirSync(join(dpkg, 'info'), { recursive: true });
    writeFileSync(join(dpkg, 'info', 'containerd.list'), '/.\n/usr\n/usr/local\n/usr/local/sbin\n/usr/local/sbin/containerd\n');
    writeFileSync(join(dpkg, 'info', 'runc.list'), '/.\n/usr/local/sbin/runc\n');
    const c = fetched.containerd;
    const status = [
      `Package: runc\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: ${fetched.runc.version}\n`,
      `Package: containerd\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: ${c.version}\nDescription: daemon\n two lines\n`,
    ].join('\n');
    writeFileSync(join(dpkg, 'status'), status);
    const collect = join(tmp, 'collect.mjs');
    writeFileSync(
      collect,
      `import { collect } from ${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'node', 'host', 'collect.js'))};\nprocess.stdout.write(JSON.stringify(await collect()));\n`,
    );
    const o = (n: string) => join(tmp, n);
    const inner = [
      `mount --bind ${sbin} /usr/local/sbin`,
      `mount --bind ${dpkg} /var/lib/dpkg`,
      `strace -f -qq -e trace=execve -o ${o('sh.trace')} sh ${SCRIPT_PATH} > ${o('sh.json')}`,
      `strace -f -qq -e trace=execve -o ${o('node.trace')} ${process.execPath} ${collect} > ${o('node.json')}`,
    ].join(' && ');
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', inner], { encoding: 'utf8' });
    expect(r.error, 'unshare (util-linux) and strace are installed (scripts/setup.sh)').toBeUndefined();
    expect(r.stderr, 'a private mount namespace needs root (CAP_SYS_ADMIN), as the cgroup tests do').toBe('');
    expect(r.status).toBe(0);
    sh = readSnapshot(o('sh.json'));
    node = readSnapshot(o('node.json'));
    traces = [readFileSync(o('sh.trace'), 'utf8'), readFileSync(o('node.trace'), 'utf8')];
  }, 300_000);

  it('each program with its role; dpkg first, then Go build info; the same from both collectors', () => {
    const d = fetched.dockerd;
    const bi = goVersionM(join(RUNTIMES, 'bin', 'dockerd'));
    // dockerd: no dpkg entry here, so its build info: Debian stamps -X …dockerversion.Version, as go version -m shows.
    const x = /-X "?(github\.com\/docker\/docker\/dockerversion\.Version=([^" ]+))/.exec(bi.ldflags?.replace(/\\"/g, '"') ?? '');
    expect(x, `go version -m dockerd: ${bi.ldflags}`).not.toBeNull();
    const upstream = (v: string) => /^(?:[0-9]+:)?([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(v)?.[1];
    expect(upstream(x?.[2] as string)).toBe(upstream(d.version)); // the package's version, read two ways
    // containerd and runc carry neither a module version nor an -X version (GOPATH builds).
    for (const p of ['containerd', 'runc'] as const) {
      const g = goVersionM(join(RUNTIMES, 'bin', p));
      expect(g.mod, p).toBeNull();
      expect(g.ldflags ?? '', p).not.toMatch(/[Vv]ersion=/);
    }
    // The corpus programs: go version -m shows the -X assignment and the module version read.
    expect(goVersionM(entry('linux-amd64-deps').file).ldflags).toBe('"-X main.version=1.2.3"');
    expect(goVersionM(entry('lefthook-linux-x64@2.0.16/lefthook').file).mod).toBe('v2.0.16');
    const want: RuntimeProgram[] = [
      {
        name: 'containerd',
        path: '/usr/local/sbin/containerd',
        role: 'engine',
        version: upstream(fetched.containerd.version) as string,
        source: 'dpkg',
        evidence: `containerd ${fetched.containerd.version}`,
      },
      { name: 'crun', path: '/usr/local/sbin/crun', role: 'oci-runtime', version: '1.2.3', source: 'buildinfo', evidence: '-X main.version=1.2.3' },
      {
        name: 'dockerd',
        path: '/usr/local/sbin/dockerd',
        role: 'engine',
        version: upstream(d.version) as string,
        source: 'buildinfo',
        evidence: `-X ${x?.[1]}`,
      },
      {
        name: 'kubelet',
        path: '/usr/local/sbin/kubelet',
        role: 'node-agent',
        version: '2.0.16',
        source: 'buildinfo',
        evidence: 'mod github.com/evilmartians/lefthook/v2 v2.0.16',
      },
      // runc's package is removed (config files left): not installed, and its build info has no version.
      { name: 'runc', path: '/usr/local/sbin/runc', role: 'oci-runtime', version: null, source: null, evidence: null },
    ];
    for (const s of [sh, node]) {
      const placed = s.container.runtimes.filter((r) => r.path?.startsWith('/usr/local/sbin/'));
      expect(placed, s.collector).toEqual(want);
      expect(s.container.runtimePrograms, s.collector).toEqual(s.container.runtimes.map((r) => r.name));
      expect(s.container.runtimeVersions, s.collector).toMatchObject({
        containerd: want[0]?.version,
        crun: '1.2.3',
        dockerd: want[2]?.version,
        kubelet: '2.0.16',
      });
      expect(s.container.runtimeVersions.runc, s.collector).toBeUndefined();
    }
    // Programs elsewhere on this machine (a docker client in /usr/local/bin, say) agree too.
    expect(sh.container.runtimes).toEqual(node.container.runtimes);
    expect(sh.container.runtimeVersions).toEqual(node.container.runtimeVersions);
  });

  it('no runtime program was executed: strace shows only the collectors and their tools', () => {
    for (const t of traces) {
      const execs = [...t.matchAll(/execve\("([^"]+)"/g)].map((m) => m[1] as string);
      expect(execs.length).toBeGreaterThan(0);
      const programs = /\/(containerd|crio|crun|docker|dockerd|kubelet|podman|runc)$/;
      expect(execs.filter((e) => programs.test(e))).toEqual([]);
    }
  });
});

describe('snapshots written before container.runtimes', () => {
  it('read with their PROG --version values as runtimes of source version-output', () => {
    const file = join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.container.runtimes;
    json.container.runtimePrograms = ['docker', 'dockerd', 'runc'];
    json.container.runtimeVersions = { docker: '28.2.2', dockerd: '20.10.7' };
    const s = validateSnapshot(json, 'old.json');
    expect(s.container.runtimes).toEqual([
      { name: 'docker', path: null, role: 'client', version: '28.2.2', source: 'version-output', evidence: null },
      { name: 'dockerd', path: null, role: 'engine', version: '20.10.7', source: 'version-output', evidence: null },
      { name: 'runc', path: null, role: 'oci-runtime', version: null, source: null, evidence: null },
    ]);
  });
});
