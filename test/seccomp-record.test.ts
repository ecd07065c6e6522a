import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Recording, RecordingDiff } from '../src/core/facts/seccomp.js';
import { CLI, goready } from './helpers/cli.js';
import { need, straceNames } from './helpers/syscall-truth.js';
import { toolchainFixtures } from './helpers/toolchains.js';

/**
 * `goready seccomp record` (bpftrace on raw_syscalls:sys_enter) against strace -f on the same
 * workload, and against the static set. Two runs of a Go program differ only in calls that depend
 * on scheduling; this is that list, each with why, and the tests report which ones differed.
 */
const NOISE: Record<string, string> = {
  sched_yield: 'the scheduler yields when a spinning M finds no work',
  tgkill: 'asynchronous preemption (SIGURG) happens only when a goroutine runs 10 ms without a safe point',
  getpid: 'paired with tgkill when a preemption signal is sent',
  rt_sigreturn: 'returns from those preemption signals',
  restart_syscall: 'a sleep interrupted by a signal (more often under strace, whose stops interrupt it)',
  nanosleep: 'the scheduler sleeps in usleep only when it has to wait',
  madvise: 'the scavenger returns memory on its own schedule',
};

const sysprobe = toolchainFixtures('sysprobe').find((f) => f.go === '1.27' && f.variant === 'amd64');
if (!sysprobe) throw new Error('sysprobe fixture missing (npm run corpus)');
/** Calls only the workload makes, never the runtime on its own: each must be recorded. */
const WORKLOAD = ['flock', 'ppoll', 'memfd_create', 'socketpair', 'sendfile', 'copy_file_range', 'symlinkat', 'getrusage', 'accept4', 'recvmsg'];

function preflight(): void {
  need('bpftrace', 'bpftrace');
  if (process.getuid?.() !== 0) throw new Error('the record tests need root (bpftrace): run npm test as root');
}

describe('seccomp record -- CMD against strace -f of the same workload', () => {
  it('records the same set as strace up to scheduling noise, every call in the static set', () => {
    preflight();
    const r = goready(['seccomp', 'record', '--format', 'json', '--binary', sysprobe.file, '--', sysprobe.file]);
    expect(r.code).toBe(0);
    // The program's own output reaches stdout before the report; the report is the JSON after it.
    const rec = JSON.parse(r.stdout.slice(r.stdout.indexOf('{\n'))) as Recording & { diff: RecordingDiff };
    expect(r.stdout).toContain('all ok');
    expect(rec.exitCode).toBe(0);
    const recorded = new Set(rec.syscalls.map((s) => s.name));
    const traced = straceNames(sysprobe.file, []);
    expect(traced.stdout).toContain('all ok');
    const differ = [...new Set([...recorded, ...traced.names])].filter((n) => recorded.has(n) !== traced.names.has(n)).sort();
    console.log(
      `record vs strace on ${sysprobe.path}: ${recorded.size} vs ${traced.names.size} syscalls; differing (scheduling noise): ${differ.join(', ') || 'none'}`,
    );
    expect(differ.filter((n) => !(n in NOISE))).toEqual([]);
    for (const n of WORKLOAD) expect(recorded).toContain(n);
    expect(rec.diff.missing).toEqual([]);
    expect(rec.unknown).toEqual([]);
    expect(rec.syscalls.every((s) => s.count > 0)).toBe(true);
  });

  it('--format oci writes a profile of what was observed', () => {
    preflight();
    const r = goready(['seccomp', 'record', '--format', 'oci', '--runtime', 'none', '--', '/bin/true']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.syscalls[0].names).toEqual(expect.arrayContaining(['execve', 'exit_group', 'brk', 'mmap']));
  });
});

describe('seccomp record --pid N', () => {
  it('attaches to a waiting process, follows it to its end, and sees its workload', async () => {
    preflight();
    const prog = spawn(sysprobe.file, ['-wait', '-skip', 'exec'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let progOut = '';
    prog.stdout.on('data', (d: Buffer) => {
      progOut += d.toString();
    });
    await new Promise<void>((res) => {
      const t = setInterval(() => {
        if (progOut.includes('waiting')) {
          clearInterval(t);
          res();
        }
      }, 20);
    });
    const rec = spawn(process.execPath, [CLI, 'seccomp', 'record', '--pid', String(prog.pid), '--format', 'json', '--binary', sysprobe.file]);
    let out = '';
    let err = '';
    rec.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    rec.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (err.includes('recording syscalls of pid')) {
          clearInterval(t);
          res();
        }
        if (rec.exitCode !== null) rej(new Error(`record exited early: ${err}`));
      }, 20);
    });
    prog.stdin.end('\n');
    const code = await new Promise<number | null>((res) => rec.once('exit', res));
    expect(progOut).toContain('all ok');
    expect(code).toBe(0);
    const r = JSON.parse(out) as Recording & { diff: RecordingDiff };
    expect(r.target).toBe(`pid ${prog.pid}`);
    const names = new Set(r.syscalls.map((s) => s.name));
    for (const n of WORKLOAD) expect(names).toContain(n);
    // Attached after start-up: the start (execve, arch_prctl) is not in it.
    expect(names.has('execve')).toBe(false);
    expect(r.diff.missing).toEqual([]);
  });

  it('--duration stops a recording of a process that keeps running', () => {
    preflight();
    const sleeper = spawn('sleep', ['30']);
    try {
      const r = goready(['seccomp', 'record', '--pid', String(sleeper.pid), '--duration', '1', '--format', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).syscalls).toEqual([]);
      // The recording ended on --duration, not on the process's exit: it still runs (not a zombie).
      const stat = readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8');
      expect(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).not.toBe('Z');
    } finally {
      sleeper.kill();
    }
  });

  it('--pid on a terminal shows time passing on stderr and clears it; in a pipe, only the attach line', () => {
    preflight();
    const sleeper = spawn('sleep', ['30']);
    try {
      const args = [CLI, 'seccomp', 'record', '--pid', String(sleeper.pid), '--duration', '2'];
      const tty = spawnSync('script', ['-qec', [process.execPath, ...args].join(' '), '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, GOREADY_PROGRESS_DELAY_MS: '0' },
      });
      expect(tty.stdout).toMatch(new RegExp(`\\r\\x1b\\[Kseccomp record pid ${sleeper.pid}: \\d+\\.\\d s`));
      expect(tty.stdout).toContain('\r\x1b[K');
      const piped = goready(['seccomp', 'record', '--pid', String(sleeper.pid), '--duration', '1']);
      expect(piped.stderr).toBe(`goready: recording syscalls of pid ${sleeper.pid} and its descendants\n`);
    } finally {
      sleeper.kill();
    }
  });
});

describe('seccomp record pre-flight: one line with the exact fix', () => {
  const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env });
  it('not root', () => {
    need('setpriv', 'util-linux');
    const r = run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'seccomp', 'record', '--', '/bin/true']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('goready: seccomp record needs root for bpftrace (CAP_BPF, CAP_PERFMON): run it with sudo\n');
  });
  it('no bpftrace', () => {
    const r = run(process.execPath, [CLI, 'seccomp', 'record', '--', '/bin/true'], { PATH: '/nonexistent' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('goready: bpftrace is not installed: apt-get install bpftrace\n');
  });
  it('no tracefs (unmounted in a private mount namespace)', () => {
    need('unshare', 'util-linux');
    const r = run('unshare', ['-m', 'sh', '-c', `umount /sys/kernel/tracing && exec "${process.execPath}" "${CLI}" seccomp record -- /bin/true`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('goready: tracefs is not mounted at /sys/kernel/tracing: mount -t tracefs nodev /sys/kernel/tracing\n');
  });
  it('--binary of another architecture (386 on this amd64 kernel: its compat numbers would be named wrong)', () => {
    preflight();
    const f = toolchainFixtures('sysprobe').find((x) => x.go === '1.27' && x.variant === '386');
    const r = goready(['seccomp', 'record', '--binary', f?.file as string, '--', f?.file as string]);
    expect(r.stderr).toBe(
      `goready: seccomp record --binary: ${f?.file} is linux/386 and this machine linux/amd64: record names calls by this machine's numbers, so it compares binaries of that architecture only (use strace -f for the others)\n`,
    );
    expect(r.code).toBe(2);
  });
  it('usage', () => {
    expect(goready(['seccomp', 'record']).stderr).toBe('goready: seccomp record: give either --pid N or -- CMD ARGS...\n');
    expect(goready(['seccomp', 'record', '--pid', 'x']).code).toBe(2);
  });
});
