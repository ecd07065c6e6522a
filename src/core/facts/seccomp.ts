import type { SiteKind, SyscallWrapper, UnresolvedSite } from '../code/syscalls.js';

/** One place in the binary that passes a syscall number to the kernel. */
export interface SeccompSite {
  function: string;
  /** Address of the SYSCALL/SVC instruction or of the call to the wrapper. */
  pc: number;
  kind: SiteKind;
  via?: string;
  global?: string;
  /** The package init that stores this number in the global (absent for its initial value). */
  setBy?: string;
}

export interface SeccompSyscall {
  name: string;
  nr: number;
  sites: SeccompSite[];
  /** Why it is in the set though no site (or not only a site) shows it: Go's own needs, the container runtime's. */
  reason?: string;
  /** code: a site in the binary passes it; go: every Go program needs it; loader: the dynamic loader calls it before Go's code runs; libc: glibc calls it for cgo's threads; container: the container runtime calls it after loading the filter. */
  origin: SyscallOrigin[];
}

export type SyscallOrigin = 'code' | 'go' | 'loader' | 'libc' | 'container';

/** `goready seccomp BINARY --format json`; described by schema/seccomp-report.schema.json. */
export interface SeccompReport {
  path: string;
  arch: string;
  goVersion: string | null;
  syscalls: SeccompSyscall[];
  unresolved: UnresolvedSite[];
  notes: string[];
  /** The functions found to pass their own argument on as the trap. */
  wrappers: SyscallWrapper[];
  /** The container runtime whose post-filter calls were added (`--runtime`), or null. */
  runtime: string | null;
  cgo: boolean;
  stats: { functions: number; analysedFunctions: number; instructions: number };
}

/**
 * Syscalls a Go program (and the container runtime that starts it) needs though no site in the
 * binary shows them, or needs so surely that a profile without them cannot work. Rules as data:
 * each entry says why.
 */
export interface Need {
  name: string;
  reason: string;
  /** Only on these GOARCHes (default: all). */
  arches?: string[];
}

/** What every Go program needs, whatever its code does. */
export const GO_NEEDS: readonly Need[] = [
  { name: 'execve', reason: 'the program is started by execve after the container runtime has loaded the filter' },
  {
    name: 'rt_sigreturn',
    reason:
      'returning from every signal handler (Go preempts goroutines with SIGURG); on arm64 Go sets no sa_restorer (runtime/os_linux.go), so the kernel trampoline makes the call and no site in the binary shows it',
  },
  {
    name: 'restart_syscall',
    reason: 'the kernel restarts a sleep or wait interrupted by a signal (nanosleep, futex with a timeout) with it when the handler returns',
  },
  { name: 'exit_group', reason: 'runtime.exit ends the process with it; a profile denying it traps the container in an exit loop (moby#40205)' },
  { name: 'exit', reason: 'runtime.exitThread ends OS threads with it' },
  { name: 'futex', reason: 'the scheduler parks and wakes OS threads with futex' },
];

/**
 * What glibc's dynamic loader calls while it maps a program (and its libraries) before Go's code
 * runs, for binaries with an interpreter (PIE, cgo). Seen under strace on Debian bookworm (glibc
 * 2.36) loading a Go PIE: brk, mmap, access (ld.so.preload), arch_prctl, set_tid_address,
 * set_robust_list, rseq, mprotect; loading libraries adds openat, read, pread64, newfstatat, close,
 * munmap. Another loader version may call more: record the real start (goready seccomp record).
 */
export const LOADER_NEEDS: readonly Need[] = [
  ...['access', 'brk', 'close', 'mmap', 'mprotect', 'munmap', 'newfstatat', 'openat', 'pread64', 'read', 'rseq', 'set_robust_list', 'set_tid_address'].map(
    (name) => ({ name, reason: 'the dynamic loader (ld.so) calls it while loading the program, before Go starts' }),
  ),
  { name: 'arch_prctl', reason: 'the dynamic loader (ld.so) sets its thread pointer with it before Go starts', arches: ['amd64'] },
  { name: 'fstat', reason: 'the dynamic loader (ld.so) calls it while loading libraries, before Go starts', arches: ['arm64'] },
];

/**
 * What glibc itself calls for a cgo binary's threads, whatever the C code does: pthread_create
 * makes threads with clone3 (glibc ≥ 2.34; it falls back to clone only on ENOSYS, so EPERM is
 * fatal: "runtime/cgo: pthread_create failed"), registers each with set_robust_list and rseq and
 * guards its stack with mprotect; getrlimit is prlimit64. Measured under strace on Debian's restic,
 * rclone and runc (glibc 2.36).
 */
export const LIBC_NEEDS: readonly Need[] = [
  { name: 'clone3', reason: 'glibc ≥ 2.34 creates cgo threads with clone3 and falls back to clone only on ENOSYS' },
  ...['set_robust_list', 'rseq'].map((name) => ({ name, reason: 'glibc registers every new thread with it (cgo)' })),
  { name: 'mprotect', reason: "glibc guards each cgo thread's stack with it" },
  { name: 'prlimit64', reason: 'glibc implements getrlimit/setrlimit with it (cgo)' },
];

/** What a container runtime calls itself after loading the filter, before the program's execve. */
export interface RuntimeNeeds {
  runtime: string;
  source: string;
  names: readonly string[];
}

export const RUNTIME_NEEDS: Record<string, RuntimeNeeds> = {
  runc: {
    runtime: 'runc',
    source:
      'kubernetes-sigs/security-profiles-operator examples/baseprofile-runc.yaml (runc-v1.0.0-rc92): runc init loads the filter, then drops capabilities, sets user and groups, changes directory and waits on its exec fifo with its Go runtime running',
    names: [
      'capget',
      'capset',
      'chdir',
      'close',
      'epoll_ctl',
      'epoll_pwait',
      'execve',
      'fchown',
      'fcntl',
      'fstat',
      'fstatfs',
      'futex',
      'getdents64',
      'getpid',
      'getppid',
      'nanosleep',
      'newfstatat',
      'openat',
      'prctl',
      'read',
      'sched_yield',
      'setgid',
      'setgroups',
      'setuid',
      'write',
    ],
  },
  crun: {
    runtime: 'crun',
    source:
      'containers/crun src/libcrun/container.c: after libcrun_apply_seccomp, crun sets groups, chowns the standard streams, sets capabilities and ids, changes directory, closes descriptors and execs',
    names: [
      'capget',
      'capset',
      'chdir',
      'close',
      'close_range',
      'execve',
      'execveat',
      'exit_group',
      'fchown',
      'fstat',
      'newfstatat',
      'prctl',
      'setgroups',
      'setresgid',
      'setresuid',
      'write',
    ],
  },
};

/** How Go behaves when a profile denies a syscall, where it is known better than "the call returns EPERM". */
export interface Consequence {
  /** fatal: the runtime aborts; fallback: Go takes another path; degraded: it runs, worse. */
  effect: 'fatal' | 'fallback' | 'degraded';
  text: string;
}

const RUNTIME_FATAL = 'the Go runtime needs it to start or to run goroutines: the program aborts (fatal error) or never starts';

export const CONSEQUENCES: Record<string, Consequence> = {
  mmap: { effect: 'fatal', text: RUNTIME_FATAL },
  munmap: { effect: 'fatal', text: RUNTIME_FATAL },
  futex: { effect: 'fatal', text: RUNTIME_FATAL },
  clone: { effect: 'fatal', text: `${RUNTIME_FATAL} (new OS threads are made with clone)` },
  rt_sigaction: { effect: 'fatal', text: RUNTIME_FATAL },
  rt_sigprocmask: { effect: 'fatal', text: RUNTIME_FATAL },
  sigaltstack: { effect: 'fatal', text: RUNTIME_FATAL },
  arch_prctl: { effect: 'fatal', text: `${RUNTIME_FATAL} (amd64 sets its thread-local storage with arch_prctl)` },
  exit_group: { effect: 'fatal', text: 'the process cannot exit; the container is trapped in an exit loop (moby#40205)' },
  execve: { effect: 'fatal', text: 'the container runtime cannot start the program (moby#36830)' },
  rt_sigreturn: { effect: 'fatal', text: 'the first signal (Go preempts goroutines with SIGURG) kills the program' },
  epoll_create1: { effect: 'fatal', text: 'the network poller cannot start: "runtime: netpollinit failed" on the first network or deadline use' },
  epoll_ctl: { effect: 'fatal', text: 'the network poller cannot register descriptors: net and os I/O with deadlines fail' },
  epoll_pwait: { effect: 'fatal', text: 'the network poller cannot wait: "runtime: netpoll failed"' },
  sched_getaffinity: { effect: 'degraded', text: 'the runtime counts one CPU at start-up (getproccount), so GOMAXPROCS becomes 1' },
  madvise: { effect: 'degraded', text: 'the runtime ignores madvise failures: freed memory goes back to the OS late or not at all' },
  clone3: {
    effect: 'fallback',
    text: 'os/exec and syscall.ForkExec try clone3 first (pidfds, cgroup placement) and fall back to clone when it fails; Docker returns ENOSYS for it on purpose',
  },
  pidfd_open: { effect: 'fallback', text: 'os.StartProcess and os.FindProcess fall back to plain process IDs without pidfds' },
  pidfd_send_signal: { effect: 'fallback', text: 'os.Process.Signal falls back to kill(2) when the pidfd path fails' },
  faccessat2: { effect: 'fallback', text: 'syscall.Faccessat falls back to faccessat and checks the flags itself (on ENOSYS or EPERM)' },
  copy_file_range: { effect: 'fallback', text: 'io.Copy between files falls back to read and write (internal/poll treats EPERM as "not handled")' },
  sendfile: { effect: 'fallback', text: 'io.Copy from a file to a socket falls back to read and write' },
  splice: { effect: 'fallback', text: 'io.Copy between sockets and pipes falls back to read and write' },
  getrandom: { effect: 'fatal', text: 'crypto/rand cannot read randomness: Read returns an error, and from Go 1.24 the program crashes' },
  prlimit64: { effect: 'degraded', text: 'the start-up raise of the open-file soft limit (Go ≥ 1.19) silently does not happen' },
};

/** What `goready seccomp record` counted for one process tree. */
export interface Recording {
  arch: string;
  /** The traced process: `pid N` or the command line. */
  target: string;
  pid: number;
  syscalls: { name: string; nr: number; count: number }[];
  /** Numbers the architecture's table does not name (32-bit compat tasks, or a kernel newer than the table). */
  unknown: { nr: number; count: number }[];
  /** The command's exit status (command mode), else null. */
  exitCode: number | null;
  /** What the recording itself adds, for readers comparing it with strace. */
  noise: string[];
}

/** A recording against the static set of the binary that ran. */
export interface RecordingDiff {
  /** Observed but not in the static set: for the Go part of a pure-Go binary this must be empty. */
  missing: string[];
  /** In the static set (from sites in the code) but not observed in this run. */
  unobserved: string[];
}
