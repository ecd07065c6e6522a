import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../src/core/checks/registry.js';
import type { InspectReport } from '../src/core/facts/binary.js';
import type { HostSnapshot } from '../src/core/facts/host.js';
import { assembleTarget, type CheckInput, type CodeFacts, codeFacts, type Target } from '../src/core/facts/target.js';
import { collect } from '../src/node/host/collect.js';
import { readSnapshot } from '../src/node/host/snapshot-file.js';
import { inspectFile } from '../src/node.js';
import { CORPUS, entry } from './helpers/corpus.js';

/**
 * Every host check fires from real facts and stays silent where it does not apply. The target is
 * this machine's own snapshot (collected by the Node collector); where a check needs a fact this
 * machine does not have (an old kernel, a CPU without AVX2, a xen clocksource), the test changes
 * exactly that one field and says so.
 */

let local: HostSnapshot;
beforeAll(async () => {
  local = await collect({ unit: null });
}, 60_000);

const binaries = new Map<string, { binary: InspectReport; code: CodeFacts | null }>();
async function bin(name: string): Promise<{ binary: InspectReport; code: CodeFacts | null }> {
  const hit = binaries.get(name);
  if (hit) return hit;
  const [r] = await inspectFile(entry(name).file, { functions: true });
  if (!r) throw new Error(name);
  const code = r.functions?.length ? codeFacts(r.functions.map((f) => f.name)) : null;
  delete r.functions;
  const v = { binary: r, code };
  binaries.set(name, v);
  return v;
}

function variant(change: (h: HostSnapshot) => void, base?: HostSnapshot): HostSnapshot {
  const h = structuredClone(base ?? local);
  change(h);
  return h;
}

function target(host: HostSnapshot, more: Partial<Target> = {}): Target {
  return { name: 'test-host', host, before: null, env: {}, ...more };
}

async function ids(name: string, t: Target | null): Promise<string[]> {
  const input: CheckInput = { ...(await bin(name)), target: t };
  return runChecks(input).map((f) => f.id);
}

async function finding(name: string, t: Target, id: string) {
  const f = runChecks({ ...(await bin(name)), target: t }).find((x) => x.id === id);
  if (!f) throw new Error(`${id} did not fire for ${name}`);
  return f;
}

/** This machine's facts with every tunable at a value no check objects to. */
function quiet(): HostSnapshot {
  return variant((h) => {
    if (h.limits?.['Max open files']) h.limits['Max open files'] = { soft: 1048576, hard: 1048576, units: 'files' };
    if (h.limits?.['Max processes']) h.limits['Max processes'] = { soft: 'unlimited', hard: 'unlimited', units: 'processes' };
    h.cgroup.cpu.quotaUsec = 'max';
    h.cgroup.memory.max = 'max';
    h.cgroup.pids.max = 'max';
    h.sysctls['net.core.somaxconn'] = '4096';
    h.thp.enabled = 'madvise';
    h.clocksource.current = 'tsc';
    // A plain host: this machine may run inside a container (/.dockerenv), where GR-SECCOMP-001
    // says the Docker engine's version is unknown.
    h.container.dockerenv = false;
    h.container.runtime = null;
  });
}

describe('this machine, made quiet, gives no host findings for plain binaries', () => {
  it('static, cgo, server and v3 binaries', async () => {
    const t = target(quiet());
    expect(local.cpu.flags).toContain('avx2');
    for (const name of ['linux-amd64', 'linux-amd64-cgo', 'linux-amd64-http', 'linux-amd64-v3', 'linux-amd64-pie', 'linux-386']) {
      expect(await ids(name, t), name).toEqual([]);
    }
  });
});

describe('GR-LIBC / GR-LINK on this machine', () => {
  it('the cgo fixture resolves its interpreter, libraries and versions here', async () => {
    const { binary } = await bin('linux-amd64-cgo');
    expect(binary.linkage.versionNeeds.length).toBeGreaterThan(0);
    expect(local.libraries?.files.some((f) => f.path.endsWith('/libc.so.6') && f.versionDefs?.includes('GLIBC_2.34'))).toBe(true);
    expect((await ids('linux-amd64-cgo', target(quiet()))).filter((i) => /LIBC|LINK/.test(i))).toEqual([]);
  });
  it('GR-LIBC-001 names the missing versions and their symbols when libc.so.6 stops at GLIBC_2.31 (as bullseye)', async () => {
    const old = variant((h) => {
      for (const f of h.libraries?.files ?? []) {
        if (f.path.endsWith('/libc.so.6') && f.versionDefs)
          f.versionDefs = f.versionDefs.filter((v) => !/^GLIBC_2\.(3[2-9]|ABI)/.test(v) && v !== 'GLIBC_ABI_DT_RELR');
      }
    }, quiet());
    const f = await finding('linux-amd64-cgo', target(old), 'GR-LIBC-001');
    expect(f.severity).toBe('fatal');
    expect(f.title).toMatch(/GLIBC_2\.34/);
    expect(f.evidence.join('\n')).toMatch(/libc\.so\.6 \(.*libc\.so\.6\) does not define GLIBC_2\.34, needed by .*__libc_start_main/);
    expect(f.fix).toMatch(/CGO_ENABLED=0/);
    expect(await ids('linux-amd64', target(old))).not.toContain('GR-LIBC-001');
  });
  it('GR-LINK-001 and GR-LINK-002 when the loader and a library are gone', async () => {
    const bare = variant((h) => {
      if (!h.libraries) throw new Error('no libraries');
      h.libraries.loaders = h.libraries.loaders.filter((l) => !l.includes('ld-linux-x86-64'));
      h.libraries.files = h.libraries.files.filter((f) => !f.path.endsWith('/libc.so.6') && !f.path.includes('ld-linux-x86-64'));
    }, quiet());
    const got = await ids('linux-amd64-cgo', target(bare));
    expect(got).toContain('GR-LINK-001');
    expect(got).toContain('GR-LINK-002');
    expect((await finding('linux-amd64-cgo', target(bare), 'GR-LINK-002')).evidence[0]).toMatch(/^NEEDED libc\.so\.6: not in /);
    expect(await ids('linux-amd64', target(bare))).toEqual([]);
  });
  it('GR-LINK-002 is not judged when a RUNPATH directory outside the collected search path could hold the library', async () => {
    const bare = variant((h) => {
      if (h.libraries) h.libraries.files = h.libraries.files.filter((f) => !f.path.endsWith('/libc.so.6'));
    }, quiet());
    const { binary, code } = await bin('linux-amd64-cgo');
    const withRunpath = (runpath: string[]) => ({ ...binary, linkage: { ...binary.linkage, runpath } });
    const run = (runpath: string[]) => runChecks({ binary: withRunpath(runpath), code, target: target(bare) }).map((f) => f.id);
    expect(run([])).toContain('GR-LINK-002');
    expect(run(['/opt/app/lib'])).not.toContain('GR-LINK-002');
    expect(run(['$ORIGIN/../lib'])).not.toContain('GR-LINK-002');
    // A RUNPATH entry that is one of the search directories is covered by the snapshot.
    expect(run([bare.libraries?.searchPaths[0] as string])).toContain('GR-LINK-002');
  });
  it('GR-LIBC-002 for a glibc binary on a musl system, with no duplicate loader finding', async () => {
    const musl = variant((h) => {
      h.libc = { family: 'musl', version: '1.2.3', file: '/lib/ld-musl-x86_64.so.1', banner: null, versionDefs: null, libseccomp: null };
      if (h.libraries) h.libraries.loaders = ['/lib/ld-musl-x86_64.so.1'];
    }, quiet());
    const got = await ids('linux-amd64-cgo', target(musl));
    expect(got).toContain('GR-LIBC-002');
    expect(got).not.toContain('GR-LINK-001');
    expect(await ids('linux-amd64', target(musl))).toEqual([]);
  });
});

describe('GR-CPU', () => {
  it("GR-CPU-002 quotes Go's start-up message for a GOAMD64=v3 binary on a CPU without AVX2 (a kvm64 VM)", async () => {
    const kvm64 = variant((h) => {
      h.cpu.flags = (h.cpu.flags ?? []).filter((f) => !/^(avx|avx2|bmi1|bmi2|fma|f16c|movbe|abm|lzcnt|avx512.*)$/.test(f));
      h.cpu.x86Level = 'v2';
    }, quiet());
    const f = await finding('linux-amd64-v3', target(kvm64), 'GR-CPU-002');
    expect(f.severity).toBe('fatal');
    expect(f.fix).toContain('This program can only be run on AMD64 processors with v3 microarchitecture support.');
    expect(f.title).toMatch(/avx, avx2/);
    expect(await ids('linux-amd64', target(kvm64))).toEqual([]);
  });
  it('GR-CPU-001 for another architecture; 386 runs on amd64', async () => {
    expect(await ids('linux-arm64', target(quiet()))).toEqual(['GR-CPU-001']);
    expect(await ids('linux-s390x', target(quiet()))).toEqual(['GR-CPU-001']);
    expect(await ids('linux-386', target(quiet()))).toEqual([]);
  });
  it('GR-CPU-003 for GOARM=7 on an ARMv6 CPU (vfp, no vfpv3); GOARM=5 and 6 run', async () => {
    const armv6 = variant((h) => {
      h.kernel.machine = 'armv6l';
      h.cpu = {
        ...h.cpu,
        arch: 'arm',
        flags: ['edsp', 'fastmult', 'half', 'java', 'swp', 'thumb', 'tls', 'vfp'],
        x86Level: null,
        atomics: null,
        modelName: 'ARMv6-compatible processor rev 7 (v6l)',
      };
    }, quiet());
    const f = await finding('linux-arm-7', target(armv6), 'GR-CPU-003');
    expect(f.fix).toContain('no VFPv3 floating point hardware');
    expect(await ids('linux-arm-6', target(armv6))).toEqual([]);
    expect(await ids('linux-arm-5', target(armv6))).toEqual([]);
  });
  it('GR-CPU-004 only for GOARM64 with LSE on a CPU without atomics', async () => {
    const a53 = variant((h) => {
      h.kernel.machine = 'aarch64';
      h.cpu = { ...h.cpu, arch: 'arm64', flags: ['aes', 'asimd', 'cpuid', 'crc32', 'evtstrm', 'fp', 'pmull', 'sha1', 'sha2'], x86Level: null, atomics: false };
    }, quiet());
    // Go 1.19 has no GOARM64 (added in 1.23) and the arm64 binaries here were built for the default v8.0:
    expect(await ids('linux-arm64', target(a53))).toEqual([]);
    // … so the build setting is the one changed fact here.
    const { binary, code } = await bin('linux-arm64');
    const lse = {
      ...binary,
      buildInfo: binary.buildInfo && { ...binary.buildInfo, settings: [...binary.buildInfo.settings, { key: 'GOARM64', value: 'v8.1' }] },
    };
    expect(runChecks({ binary: lse, code, target: target(a53) }).map((f) => f.id)).toEqual(['GR-CPU-004']);
    const withAtomics = variant((h) => {
      h.cpu.atomics = true;
    }, a53);
    expect(runChecks({ binary: lse, code, target: target(withAtomics) })).toEqual([]);
  });
});

describe('GR-KERNEL-001', () => {
  it('Go 1.19 on 2.6.18 (CentOS 5) and Go ≥ 1.24 on 3.1; silent at the minimum', async () => {
    const k = (release: string) =>
      variant((h) => {
        h.kernel.release = release;
      }, quiet());
    expect(await ids('linux-amd64', target(k('2.6.18-419.el5')))).toEqual(['GR-KERNEL-001']);
    expect(await ids('linux-amd64', target(k('2.6.32-754.el6.x86_64')))).toEqual([]);
    expect(await ids('@bufbuild/buf-linux-x64@1.57.2/buf', target(k('3.1.10')))).toEqual(['GR-KERNEL-001']);
    expect(await ids('@bufbuild/buf-linux-x64@1.57.2/buf', target(k('3.2.0')))).toEqual([]);
  });
});

describe('GR-CGROUP', () => {
  const limited = () =>
    variant((h) => {
      h.cgroup.cpu = { ...h.cgroup.cpu, quotaUsec: 50000, periodUsec: 100000, nrPeriods: 1000, nrThrottled: 400, throttledUsec: 12_000_000 };
      h.cgroup.memory.max = 512 * 2 ** 20;
    }, quiet());
  it('GR-CGROUP-001 for Go 1.19 and 1.23 under a CPU quota; not for Go 1.25 with a 1.25 go line, nor with GOMAXPROCS set', async () => {
    expect(local.cpu.affinityCount).toBeGreaterThan(1);
    const f = await finding('linux-amd64', target(limited()), 'GR-CGROUP-001');
    expect(f.severity).toBe('high');
    expect(f.evidence.join('\n')).toMatch(/nr_throttled 400 of nr_periods 1000/);
    expect(await ids('@esbuild/linux-x64@0.25.12/esbuild', target(limited()))).toContain('GR-CGROUP-001');
    expect(await ids('lefthook-linux-x64@2.0.16/lefthook', target(limited()))).not.toContain('GR-CGROUP-001');
    expect(await ids('linux-amd64', target(limited(), { env: { GOMAXPROCS: '1' } }))).not.toContain('GR-CGROUP-001');
    expect(await ids('linux-amd64', target(quiet()))).not.toContain('GR-CGROUP-001');
  });
  it('GR-CGROUP-002 for a memory limit without GOMEMLIMIT', async () => {
    const f = await finding('linux-amd64', target(limited()), 'GR-CGROUP-002');
    expect(f.fix).toContain('GOMEMLIMIT=460MiB');
    expect(await ids('linux-amd64', target(limited(), { env: { GOMEMLIMIT: '400MiB' } }))).not.toContain('GR-CGROUP-002');
  });
});

describe('GR-NET', () => {
  const small = () =>
    variant((h) => {
      h.sysctls['net.core.somaxconn'] = '128';
    }, quiet());
  it('GR-NET-001 for a server binary only', async () => {
    expect((await bin('linux-amd64-http')).code?.listensTcp).toBe(true);
    expect((await bin('linux-amd64')).code?.listensTcp).toBe(false);
    expect(await ids('linux-amd64-http', target(small()))).toEqual(['GR-NET-001']);
    expect(await ids('linux-amd64', target(small()))).toEqual([]);
  });
  it('GR-NET-002 when syncookies are off and the SYN queue is small', async () => {
    const off = variant((h) => {
      h.sysctls['net.ipv4.tcp_syncookies'] = '0';
      h.sysctls['net.ipv4.tcp_max_syn_backlog'] = '256';
    }, quiet());
    expect(await ids('linux-amd64-http', target(off))).toEqual(['GR-NET-002']);
  });
  it('GR-NET-003 from real ListenOverflows between two snapshots of this machine', async () => {
    const before = await collect({ unit: null });
    await overflowListenQueue();
    const after = await collect({ unit: null });
    const f = await finding('linux-amd64-http', target(after, { before }), 'GR-NET-003');
    expect(f.severity).toBe('high');
    expect(f.evidence.join('\n')).toMatch(/TcpExt ListenOverflows \+\d+/);
    // The same snapshot twice: no delta, no finding.
    expect(await ids('linux-amd64-http', target(quiet(), { before: quiet() }))).toEqual([]);
  }, 60_000);
});

describe('GR-LIMIT', () => {
  it('GR-LIMIT-001 judges the hard limit for Go ≥ 1.19, the soft one for older Go', async () => {
    const soft = variant((h) => {
      if (h.limits) h.limits['Max open files'] = { soft: 1024, hard: 1048576, units: 'files' };
    }, quiet());
    expect(await ids('linux-amd64-http', target(soft))).toEqual([]);
    expect((await bin('esbuild-linux-64@0.13.15/esbuild')).code?.listensTcp).toBe(true); // esbuild --serve
    expect(await ids('esbuild-linux-64@0.13.15/esbuild', target(soft))).toEqual(['GR-LIMIT-001']); // go1.17.2
    const hard = variant((h) => {
      if (h.limits) h.limits['Max open files'] = { soft: 1024, hard: 4096, units: 'files' };
    }, quiet());
    expect((await finding('linux-amd64-http', target(hard), 'GR-LIMIT-001')).severity).toBe('high');
    // A program that accepts no connections is not judged on open files.
    expect(await ids('linux-amd64', target(hard))).toEqual([]);
  });
  it('GR-LIMIT-002/003/004 for NPROC, pids.max and threads-max; systemd unit values win', async () => {
    const tight = variant((h) => {
      if (h.limits) h.limits['Max processes'] = { soft: 512, hard: 512, units: 'processes' };
      h.cgroup.pids.max = 128;
      h.sysctls['kernel.threads-max'] = '4000';
    }, quiet());
    expect(await ids('linux-amd64', target(tight))).toEqual(['GR-LIMIT-002', 'GR-LIMIT-003', 'GR-LIMIT-004']);
    const unit = variant((h) => {
      h.systemd = {
        unit: 'app.service',
        note: null,
        properties: {
          LoadState: 'loaded',
          LimitNOFILE: '1024',
          LimitNPROC: 'infinity',
          TasksMax: '200',
          MemoryMax: 'infinity',
          CPUQuotaPerSecUSec: 'infinity',
        },
      };
    }, quiet());
    const got = runChecks({ ...(await bin('linux-amd64-http')), target: target(unit) });
    expect(got.map((f) => f.id)).toEqual(['GR-LIMIT-001', 'GR-LIMIT-003']);
    expect(got[0]?.evidence[0]).toMatch(/systemd app.service LimitNOFILE=1024/);
  });
});

describe('snapshots captured for real by the sh script (test/data/hosts)', () => {
  const snap = (name: string) => readSnapshot(join(import.meta.dirname, 'data', 'hosts', name));
  it('inside the constrained environment: CPU quota, memory limit, somaxconn 128, 1024 files, 256 tasks', async () => {
    const t = target(snap('debian12-constrained-sh.json'), { name: 'debian12-constrained' });
    expect(await ids('linux-amd64-http', t)).toEqual(['GR-CGROUP-001', 'GR-CGROUP-002', 'GR-NET-001', 'GR-LIMIT-001', 'GR-LIMIT-003']);
    expect(await ids('linux-amd64', t)).toEqual(['GR-CGROUP-001', 'GR-CGROUP-002', 'GR-LIMIT-003']);
    expect((await finding('linux-amd64', t, 'GR-CGROUP-001')).title).toMatch(/GOMAXPROCS will be \d+ under a 0\.50-CPU quota/);
  });
  it('the musl root: glibc binaries fail on the interpreter, static ones run', async () => {
    const t = target(snap('musl-root-sh.json'), { name: 'musl-root' });
    expect(await ids('linux-amd64-cgo', t)).toEqual(['GR-LIBC-002']);
    expect(await ids('linux-amd64', t)).toEqual([]);
  });
  it('a QEMU VM with the qemu64 CPU (x86-64-v1, no AVX2; hpet clock; 512 MiB): GOAMD64=v3 refuses to start', async () => {
    const t = target(snap('qemu-x86_64-qemu64-sh.json'), { name: 'qemu64' });
    const f = await finding('linux-amd64-v3', t, 'GR-CPU-002');
    expect(f.severity).toBe('fatal');
    expect(f.fix).toContain('This program can only be run on AMD64 processors with v3 microarchitecture support.');
    expect(f.evidence[1]).toMatch(/QEMU Virtual CPU version 2\.5\+ supports up to v1; missing flags .*\bavx2\b/);
    expect(await ids('linux-amd64', t)).not.toContain('GR-CPU-002');
    // The emulated machine offers no tsc clocksource, and its small memory gives small thread limits.
    expect(await ids('linux-amd64', t)).toEqual(['GR-LIMIT-002', 'GR-LIMIT-004', 'GR-CLOCK-001']);
    // A static busybox system: a cgo binary has neither its loader nor libc.so.6.
    expect((await ids('linux-amd64-cgo', t)).filter((i) => /LINK|LIBC/.test(i))).toEqual(['GR-LINK-001', 'GR-LINK-002']);
  });
  it('a QEMU VM with a Cortex-A53 (ARMv8.0, no LSE atomics): only an LSE build is refused', async () => {
    const t = target(snap('qemu-arm64-cortex-a53-sh.json'), { name: 'a53' });
    expect((await ids('linux-arm64', t)).filter((i) => i.startsWith('GR-CPU'))).toEqual([]);
    const { binary, code } = await bin('linux-arm64');
    const lse = {
      ...binary,
      buildInfo: binary.buildInfo && { ...binary.buildInfo, settings: [...binary.buildInfo.settings, { key: 'GOARM64', value: 'v8.0,lse' }] },
    };
    expect(
      runChecks({ binary: lse, code, target: t })
        .filter((f) => f.id.startsWith('GR-CPU'))
        .map((f) => f.id),
    ).toEqual(['GR-CPU-004']);
    expect(await ids('linux-amd64', t)).toContain('GR-CPU-001');
  });
  it('this machine as captured: nothing for the fixtures but what is unknown', async () => {
    const t = target(snap('debian12-sh.json'));
    for (const name of ['linux-amd64', 'linux-amd64-v3']) expect(await ids(name, t), name).toEqual([]);
    // Captured inside a container (/.dockerenv) with only the docker client 28.2.2 installed: the
    // engine's version is unknown, which is info, not the fatal a client version used to give.
    expect(t.host.container.runtimes.map((r) => `${r.name} ${r.role} ${r.version}`)).toEqual(['docker client 28.2.2']);
    const sev = async (name: string) => runChecks({ ...(await bin(name)), target: t }).map((f) => `${f.id} ${f.severity}`);
    expect(await sev('linux-amd64-cgo')).toEqual(['GR-SECCOMP-001 info']);
    // -race needs cgo on linux/amd64.
    expect(await sev('linux-amd64-race')).toEqual(['GR-BUILD-001 high', 'GR-SECCOMP-001 info']);
  });
});

describe('GR-CLOCK-001, GR-MEM-001, GR-MEM-002', () => {
  it('fire on xen, THP always with max_ptes_none 511 (Go ≥ 1.21.1), max_map_count 65530 with 128 GiB', async () => {
    const xen = variant((h) => {
      h.clocksource = { current: 'xen', available: ['xen', 'tsc', 'hpet', 'acpi_pm'] };
    }, quiet());
    expect(await ids('linux-amd64', target(xen))).toEqual(['GR-CLOCK-001']);
    const thp = variant((h) => {
      h.thp = { enabled: 'always', defrag: 'madvise', maxPtesNone: 511 };
    }, quiet());
    expect(await ids('@esbuild/linux-x64@0.25.12/esbuild', target(thp))).toEqual(['GR-MEM-001']);
    expect(await ids('linux-amd64', target(thp))).toEqual([]);
    const big = variant((h) => {
      h.memory.totalKiB = 128 * 2 ** 20;
      h.sysctls['vm.max_map_count'] = '65530';
    }, quiet());
    expect(await ids('linux-amd64', target(big))).toEqual(['GR-MEM-002']);
    expect(
      await ids(
        'linux-amd64',
        target(
          variant((h) => {
            h.sysctls['vm.max_map_count'] = '262144';
          }, big),
        ),
      ),
    ).toEqual([]);
  });
});

describe('GR-SECCOMP-001', () => {
  const inDocker = (versions: Record<string, string>, runtime: string | null = 'docker') =>
    variant((h) => {
      h.container.runtime = runtime;
      h.container.runtimeVersions = versions;
    }, quiet());
  const seccomp = async (t: Target) => runChecks({ ...(await bin('linux-amd64-cgo')), target: t }).filter((f) => f.id === 'GR-SECCOMP-001');
  it('cgo binary, glibc ≥ 2.34, in a container under a Docker engine < 20.10.10; not with 20.10.10 or a static binary', async () => {
    // The machine's glibc, as ldd says (bookworm 2.36; its successors newer): the rule needs ≥ 2.34.
    const ldd = /(\d+\.\d+)\s*$/m.exec(execFileSync('ldd', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '')?.[1];
    expect(local.libc.version).toBe(ldd);
    const [maj, min] = (ldd ?? '0.0').split('.').map(Number) as [number, number];
    expect(maj > 2 || (maj === 2 && min >= 34), `this test needs a host glibc ≥ 2.34 (ldd says ${ldd})`).toBe(true);
    const old = await seccomp(target(inDocker({ dockerd: '20.10.7' })));
    expect(old.map((f) => f.severity)).toEqual(['fatal']);
    expect(old[0]?.evidence).toContain('test-host: Docker engine dockerd 20.10.7 (clone3 allowed from 20.10.10)');
    expect(await ids('linux-amd64-cgo', target(inDocker({ dockerd: '20.10.10' })))).toEqual([]);
    expect(await ids('linux-amd64', target(inDocker({ dockerd: '20.10.7' })))).toEqual([]);
  });
  it('the docker client is not the engine: a new or old client alone is info (engine unknown), never fatal', async () => {
    for (const client of ['28.2.2', '19.03.0']) {
      const f = await seccomp(target(inDocker({ docker: client })));
      expect(
        f.map((x) => x.severity),
        client,
      ).toEqual(['info']);
      expect(f[0]?.evidence.join('\n')).toContain(`only the docker client ${client} was found`);
    }
  });
  it('a plain host (not a container, no image) never meets the profile, whatever dockerd is installed', async () => {
    expect(await ids('linux-amd64-cgo', target(inDocker({ dockerd: '20.10.7', docker: '20.10.7' }, null)))).toEqual([]);
  });
  it('an image (Debian bookworm, glibc 2.36) is a container: the dockerd of the host given with it decides', async () => {
    const { openImage } = await import('../src/node/image/open.js');
    const image = await openImage(join(CORPUS, 'images', 'bookworm.tar'));
    try {
      const on = (host: HostSnapshot | null) =>
        assembleTarget({
          host: host ? { name: 'test-host', snapshot: host } : null,
          before: null,
          image: { name: 'bookworm.tar', snapshot: image.snapshot },
          env: {},
        });
      const withOld = on(inDocker({ dockerd: '20.10.5' }, null));
      expect(withOld && (await seccomp(withOld)).map((f) => f.severity)).toEqual(['fatal']);
      const alone = on(null);
      expect(alone && (await seccomp(alone)).map((f) => f.severity)).toEqual(['info']);
    } finally {
      await image.close();
    }
  });
});

/** Fills a backlog-1 listener that never accepts, so this network namespace counts ListenOverflows. */
async function overflowListenQueue(): Promise<void> {
  const py = 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(1)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(30)';
  const child: ChildProcess = spawn('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((res, rej) => {
      child.stdout?.once('data', (d: Buffer) => res(Number(d.toString().trim())));
      child.once('error', rej);
    });
    const socks = Array.from({ length: 8 }, () => connect({ host: '127.0.0.1', port }).on('error', () => {}));
    // The kernel drops the SYNs beyond the queue and counts each; the clients retry after 1 s.
    await new Promise((r) => setTimeout(r, 1500));
    for (const s of socks) s.destroy();
  } finally {
    child.kill();
  }
}
