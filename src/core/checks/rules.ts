/**
 * Every finding rule goready knows, as data: the one place where a rule's ID, default severity,
 * title, summary, generic fix and references live. From this table come the registry (registry.ts
 * runs each rule's check, in table order), `goready rules`, the SARIF rule list, the --skip and
 * config `skip` validation, and the README's rule tables (test/rules.test.ts fails when they differ).
 *
 * To add a rule:
 *   1. add its entry below, in its area's block; `area` names the check file (GR-LIBC-* → libc.ts);
 *   2. write its check in src/core/checks/<area>.ts, under its ID in that file's `…Checks` object:
 *      a pure function of the facts that returns a Hit (title, evidence, and a severity or fix only
 *      where they differ from the defaults here) or null; a new area is a new file, spread into its
 *      command's map in registry.ts (a new command also adds its name to RULE_COMMANDS and a runner
 *      there, as `sizeFindings` is for size);
 *   3. add its row to the README (`goready rules --format markdown` prints it).
 * The compiler refuses a rule without a check; the tests refuse a check without a rule, an area
 * without its file, and a README that disagrees with this table.
 */
import { distance } from 'fastest-levenshtein';
import { InputError } from '../errors.js';
import type { Severity } from './finding.js';

/** The commands that report findings; each has its map of checks and its runner in registry.ts. */
export const RULE_COMMANDS = ['check', 'size', 'lint'] as const;
export type RuleCommand = (typeof RULE_COMMANDS)[number];

export interface Rule {
  /** Stable: GR-<AREA>-<NNN>. */
  readonly id: string;
  /** The default: what a finding has unless its check grades it by circumstance (see `severities`). */
  readonly severity: Severity;
  /** Every severity a finding of this rule can take, default first, when the check grades it. */
  readonly severities?: readonly Severity[];
  /** Short and fixed; a finding's own title carries the values read. */
  readonly title: string;
  /** The check's file in src/core/checks (lower case), the ID's middle part. */
  readonly area: string;
  readonly command: RuleCommand;
  /** When it fires, in one line (Markdown code spans allowed; the README's "fires when"). */
  readonly summary: string;
  /** What to change; a finding may carry a fix written for its facts instead. */
  readonly fix: string;
  readonly refs: readonly string[];
  /**
   * The rule judges any executable (its loader, C library, architecture), not Go's runtime: it is
   * the only kind run for a binary that is not Go.
   */
  readonly anyBinary?: boolean;
}

const THREAD_ABORT = '"runtime: failed to create new OS thread (have N already; errno=11)" then "fatal error: newosproc"';

export const RULES = [
  // build.ts: how the binary was built, from its build info alone.
  {
    id: 'GR-BUILD-001',
    severity: 'high',
    title: 'Built with the race detector',
    area: 'build',
    command: 'check',
    summary: 'built with `-race`',
    fix: 'Build release binaries without -race: the race detector costs 5–10× memory and 2–20× CPU and, before Go 1.20, aborts the process past 8128 simultaneously alive goroutines.',
    refs: ['https://go.dev/doc/articles/race_detector#Runtime_Overheads'],
  },
  {
    id: 'GR-BUILD-002',
    severity: 'fatal',
    title: 'Built for another OS than Linux',
    area: 'build',
    command: 'check',
    summary: 'built for another OS',
    fix: 'Build with GOOS=linux and the target GOARCH.',
    refs: ['https://go.dev/doc/install/source#environment'],
    anyBinary: true,
  },
  {
    id: 'GR-BUILD-003',
    severity: 'info',
    title: 'Not a Go binary',
    area: 'build',
    command: 'check',
    summary: 'the file has no Go build info, version or function table: only the rules for any executable ran',
    fix: 'Nothing to fix: the checks of the Go runtime (limits, cgroups, seccomp, kernel minimum …) were not run, and only the loader, C library, architecture and OS checks apply.',
    refs: ['https://pkg.go.dev/debug/buildinfo'],
    anyBinary: true,
  },
  // crypto.ts: which cryptography ships in the binary.
  {
    id: 'GR-CRYPTO-001',
    severity: 'info',
    title: 'BoringCrypto: crypto comes from BoringSSL through cgo',
    area: 'crypto',
    command: 'check',
    summary: 'BoringCrypto (`GOEXPERIMENT=boringcrypto`)',
    fix: 'Nothing to fix if FIPS mode is intended; the binary needs cgo and glibc, and Go ≥ 1.24 offers the native FIPS 140-3 module (GOFIPS140) instead.',
    refs: ['https://go.dev/doc/security/fips140'],
  },
  {
    id: 'GR-CRYPTO-002',
    severity: 'info',
    title: "Go's FIPS 140-3 cryptographic module is selected",
    area: 'crypto',
    command: 'check',
    summary: "Go's FIPS 140-3 module (`GOFIPS140`, or `fips140` in DefaultGODEBUG)",
    fix: 'Nothing to fix if FIPS mode is intended; fips140=only makes non-approved algorithms fail at run time.',
    refs: ['https://go.dev/doc/security/fips140'],
  },
  // libc.ts: the binary's C library against the target's.
  {
    id: 'GR-LIBC-001',
    severity: 'fatal',
    title: "Symbol versions missing from the target's libraries",
    area: 'libc',
    command: 'check',
    summary: 'a version the binary needs (`GLIBC_2.34` …) is not defined by that library on the target; names the symbols',
    fix: "The loader refuses to start it. Build with CGO_ENABLED=0, or build in an image whose glibc is no newer than the target's.",
    refs: ['https://github.com/golang/go/issues/58550', 'https://github.com/docker-library/golang/issues/466'],
    anyBinary: true,
  },
  {
    id: 'GR-LIBC-002',
    severity: 'fatal',
    title: "Linked against another C library than the target's",
    area: 'libc',
    command: 'check',
    summary: 'a glibc-linked binary on a musl target (or the reverse)',
    fix: "exec fails because the loader is missing. Build with CGO_ENABLED=0 for a static binary, or build in an image with the target's C library (e.g. golang:alpine for musl).",
    refs: ['https://github.com/gliderlabs/docker-alpine/issues/12'],
    anyBinary: true,
  },
  // link.ts: the loader and the libraries the binary names.
  {
    id: 'GR-LINK-001',
    severity: 'fatal',
    title: 'The interpreter does not exist on the target',
    area: 'link',
    command: 'check',
    summary: 'the interpreter (`PT_INTERP`) does not exist on the target',
    fix: 'exec fails with "no such file or directory". Build with CGO_ENABLED=0, or install the C library the binary was linked against on the target.',
    refs: ['https://man7.org/linux/man-pages/man8/ld.so.8.html'],
    anyBinary: true,
  },
  {
    id: 'GR-LINK-002',
    severity: 'fatal',
    title: 'A needed library is missing on the target',
    area: 'link',
    command: 'check',
    summary: "a `NEEDED` library is not on the target's loader path (RUNPATH, ld.so.conf, default dirs)",
    fix: 'The loader stops with "error while loading shared libraries". Install the package that ships it on the target, or build with CGO_ENABLED=0 so nothing is needed.',
    refs: ['https://man7.org/linux/man-pages/man8/ld.so.8.html'],
    anyBinary: true,
  },
  // cpu.ts: the binary's instruction set against the target's CPU.
  {
    id: 'GR-CPU-001',
    severity: 'fatal',
    severities: ['fatal', 'medium'],
    title: 'Built for another CPU architecture',
    area: 'cpu',
    command: 'check',
    summary: 'built for another architecture (386 on amd64 runs; arm on arm64 may not)',
    fix: 'exec fails with "exec format error" (arm on arm64 runs only where the CPU and kernel support AArch32). Build with GOARCH set to the target\'s architecture.',
    refs: ['https://go.dev/doc/install/source#environment'],
    anyBinary: true,
  },
  {
    id: 'GR-CPU-002',
    severity: 'fatal',
    title: "GOAMD64 level above the CPU's",
    area: 'cpu',
    command: 'check',
    summary: "`GOAMD64` level above the CPU's (quotes Go's start-up message, lists missing flags)",
    fix: "Go exits at start. Build with the GOAMD64 level the target's CPU supports (or v1), or give the VM the host CPU model.",
    refs: ['https://go.dev/wiki/MinimumRequirements#amd64'],
  },
  {
    id: 'GR-CPU-003',
    severity: 'fatal',
    title: 'GOARM hard float on a CPU without it',
    area: 'cpu',
    command: 'check',
    summary: '`GOARM` hard float on a CPU without `vfp` / `vfpv3`',
    fix: 'Go exits at start. Recompile adding ,softfloat to GOARM, or with a GOARM level the CPU supports.',
    refs: ['https://go.dev/wiki/GoArm'],
  },
  {
    id: 'GR-CPU-004',
    severity: 'fatal',
    title: 'LSE atomics without a run-time check on a CPU without them',
    area: 'cpu',
    command: 'check',
    summary:
      'LSE atomics with no run-time check on a CPU without `atomics`: `GOARM64` ≥ v8.1 or `,lse`, or (arm64 code read) unguarded LSE instructions such as hand-written assembly, named by function (SIGILL)',
    fix: 'The first atomic operation dies with SIGILL (illegal instruction); Go prints no start-up message for this. Build with GOARM64=v8.0 (the default), which checks for LSE at run time.',
    refs: ['https://github.com/golang/go/issues/69124', 'https://go.dev/wiki/MinimumRequirements#arm64'],
  },
  {
    id: 'GR-CPU-005',
    severity: 'medium',
    title: 'Only LL/SC atomics on a many-core CPU with LSE',
    area: 'cpu',
    command: 'check',
    summary: 'only LL/SC atomics (no LSE path) on an LSE CPU with ≥ 16 cores',
    fix: 'Under contention every LL/SC loop retries while the cache line bounces between cores; LSE atomics execute in the cache. Rebuild with a Go that emits LSE behind a run-time check (Go >= 1.14 does by default), or with GOARM64=v8.1 (or GOARM64=v8.0,lse) on Go >= 1.23 when every target CPU has LSE.',
    refs: ['https://go.dev/doc/go1.23#arm64', 'https://github.com/golang/go/issues/60905'],
  },
  // kernel.ts: the target's kernel against the binary's Go release.
  {
    id: 'GR-KERNEL-001',
    severity: 'fatal',
    title: "Kernel older than the Go release's minimum",
    area: 'kernel',
    command: 'check',
    summary: "kernel below the minimum of the binary's Go release (2.6.32 for 1.19–1.23, 3.2 for ≥ 1.24; loong64 5.19, mips64le 4.8)",
    fix: 'Go does not support this kernel: the runtime relies on system calls it lacks. Upgrade the kernel, or build with the newest Go release that supports it.',
    refs: ['https://go.dev/wiki/MinimumRequirements#linux'],
  },
  // seccomp.ts: system calls a sandbox refuses.
  {
    id: 'GR-SECCOMP-001',
    severity: 'fatal',
    severities: ['fatal', 'info'],
    title: "clone3 rejected by an old Docker's seccomp profile",
    area: 'seccomp',
    command: 'check',
    summary:
      "glibc ≥ 2.34 (clone3) with a cgo binary in a container (an image, or a snapshot taken inside one) under a Docker engine (`dockerd`, not the `docker` client) < 20.10.10; info when the engine's version is unknown",
    fix: 'The cgo runtime aborts with "runtime/cgo: pthread_create failed: Operation not permitted". Upgrade Docker to ≥ 20.10.10 (and libseccomp), or use an image with glibc < 2.34, or build with CGO_ENABLED=0. --security-opt seccomp=unconfined confirms the cause.',
    refs: ['https://github.com/moby/moby/issues/42680', 'https://github.com/docker-library/official-images/issues/16829'],
  },
  {
    id: 'GR-SECCOMP-002',
    severity: 'high',
    severities: ['high', 'fatal', 'medium', 'low'],
    title: 'A seccomp profile denies a syscall the binary needs',
    area: 'seccomp',
    command: 'check',
    summary:
      'a seccomp profile (`--seccomp-profile`, `seccomp --profile`) denies a syscall the binary can make (a site in its code), every Go program needs, or its loader or container runtime calls; fatal when the runtime cannot survive it, low when Go falls back',
    fix: 'Allow the syscall in the profile: goready seccomp BINARY --format oci writes one that allows exactly what the binary needs.',
    refs: ['https://docs.docker.com/engine/security/seccomp/', 'https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md#seccomp'],
  },
  {
    id: 'GR-SECCOMP-003',
    severity: 'info',
    title: 'A seccomp profile allows syscalls nothing needs',
    area: 'seccomp',
    command: 'check',
    summary: "the profile allows syscalls the binary, Go and the container runtime never make; compared with Docker's default profile",
    fix: 'Use the profile goready writes (goready seccomp BINARY --format oci): it allows only what is needed.',
    refs: ['https://github.com/moby/profiles/blob/main/seccomp/default.json'],
  },
  // cgroup.ts: cgroup CPU and memory limits against the Go runtime's defaults.
  {
    id: 'GR-CGROUP-001',
    severity: 'high',
    severities: ['high', 'medium'],
    title: 'GOMAXPROCS above the CPU quota',
    area: 'cgroup',
    command: 'check',
    summary:
      'CPU quota below the usable CPUs and GOMAXPROCS not sized to it (Go < 1.25 or `containermaxprocs=0`, no automaxprocs, no `GOMAXPROCS`); throttling as evidence',
    fix: 'Set GOMAXPROCS to the quota in the environment, import go.uber.org/automaxprocs, or build with Go ≥ 1.25 and a go line ≥ 1.25 (container-aware GOMAXPROCS).',
    refs: ['https://go.dev/doc/go1.25#container-aware-gomaxprocs', 'https://github.com/uber-go/automaxprocs'],
  },
  {
    id: 'GR-CGROUP-002',
    severity: 'medium',
    title: 'Memory limit without GOMEMLIMIT',
    area: 'cgroup',
    command: 'check',
    summary: 'a memory limit (cgroup or systemd `MemoryMax`) without `GOMEMLIMIT` or automemlimit',
    fix: 'The Go runtime does not read the cgroup limit. Set GOMEMLIMIT to about 90 % of the limit, or import github.com/KimMachineGun/automemlimit.',
    refs: ['https://go.dev/doc/gc-guide#Memory_limit', 'https://github.com/golang/go/issues/75164'],
  },
  // net.ts: the TCP listen path of a server against the target's network namespace.
  {
    id: 'GR-NET-001',
    severity: 'medium',
    title: 'Listen backlog capped by net.core.somaxconn',
    area: 'net',
    command: 'check',
    summary: "`net.core.somaxconn` < 1024 for a program that listens (Go's backlog for every listener)",
    fix: "Go passes somaxconn as the backlog of every listener. Raise it in the service's network namespace before start: sysctl -w net.core.somaxconn=4096.",
    refs: ['https://github.com/golang/go/blob/master/src/net/sock_linux.go', 'https://github.com/moby/moby/issues/30778'],
  },
  {
    id: 'GR-NET-002',
    severity: 'medium',
    title: 'SYN queue small with syncookies off',
    area: 'net',
    command: 'check',
    summary: 'small SYN queue with syncookies off',
    fix: 'A burst of new connections beyond the SYN queue is dropped outright. Turn syncookies on (sysctl -w net.ipv4.tcp_syncookies=1, the kernel default) or raise net.ipv4.tcp_max_syn_backlog.',
    refs: ['https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html'],
  },
  {
    id: 'GR-NET-003',
    severity: 'high',
    title: 'Connections dropped at the listen queue',
    area: 'net',
    command: 'check',
    summary: 'ListenOverflows / ListenDrops / SyncookiesSent grew between two snapshots',
    fix: 'The accept queue filled: the server accepts too slowly or the backlog is too small. Raise net.core.somaxconn (and tcp_max_syn_backlog) in the service namespace, and look for a stalled accept loop (GOMAXPROCS starvation, CPU throttling).',
    refs: ['https://blog.cloudflare.com/syn-packet-handling-in-the-wild/'],
  },
  // limit.ts: file and thread limits the Go runtime runs into.
  {
    id: 'GR-LIMIT-001',
    severity: 'high',
    severities: ['high', 'medium'],
    title: 'Open-file limit low for a server',
    area: 'limit',
    command: 'check',
    summary: "a server's open-file limit < 65536: the hard limit for Go ≥ 1.19 (it raises soft to hard), the soft one before; systemd `LimitNOFILE` wins",
    fix: 'Past the limit, accept and open fail with EMFILE ("too many open files"). Raise it: systemd LimitNOFILE=1048576, docker --ulimit nofile=1048576:1048576, or limits.conf.',
    refs: ['https://go.dev/doc/go1.19#runtime', 'https://github.com/golang/go/issues/46279'],
  },
  {
    id: 'GR-LIMIT-002',
    severity: 'high',
    severities: ['high', 'medium', 'low'],
    title: 'RLIMIT_NPROC low',
    area: 'limit',
    command: 'check',
    summary: '`RLIMIT_NPROC` < 4096 (`failed to create new OS thread`); low for a program that does not listen on TCP (a tool such as `gofmt`)',
    fix: `The limit counts every thread of every process of the user. Go starts a thread for each blocking system call or cgo call in flight; at the limit it aborts with ${THREAD_ABORT} and "runtime: may need to increase max user processes (ulimit -u)". Raise it (LimitNPROC=infinity, ulimit -u) or run the service as its own user.`,
    refs: ['https://github.com/golang/go/blob/master/src/runtime/os_linux.go'],
  },
  {
    id: 'GR-LIMIT-003',
    severity: 'high',
    severities: ['high', 'medium', 'low'],
    title: 'Task limit of the cgroup low',
    area: 'limit',
    command: 'check',
    summary: 'cgroup `pids.max` or systemd `TasksMax` < 1024; low for a program that does not listen on TCP (a tool such as `gofmt`)',
    fix: `Threads count as tasks. Under blocking I/O or cgo calls a Go server can need hundreds of threads, and at the limit it aborts with ${THREAD_ABORT}. Raise pids.max (Kubernetes podPidsLimit, docker --pids-limit, systemd TasksMax).`,
    refs: ['https://docs.kernel.org/admin-guide/cgroup-v2.html#pid'],
  },
  {
    id: 'GR-LIMIT-004',
    severity: 'medium',
    severities: ['medium', 'low'],
    title: "kernel.threads-max below Go's thread cap",
    area: 'limit',
    command: 'check',
    summary: "`kernel.threads-max` below Go's 10000-thread cap; low for a program that does not listen on TCP (a tool such as `gofmt`)",
    fix: `System-wide thread creation fails at this count and Go aborts with ${THREAD_ABORT}. Raise it: sysctl -w kernel.threads-max=…`,
    refs: ['https://docs.kernel.org/admin-guide/sysctl/kernel.html#threads-max'],
  },
  // clock.ts: the clocksource behind time.Now.
  {
    id: 'GR-CLOCK-001',
    severity: 'medium',
    title: 'Clocksource without a vDSO fast path',
    area: 'clock',
    command: 'check',
    summary: 'clocksource `xen`, `hpet` or `acpi_pm`: no vDSO, every `time.Now` a system call',
    fix: 'The vDSO can only read tsc, kvm-clock, hyperv and arch_sys_counter clocks from user space; others fall back to a real clock_gettime system call, 10–20× slower, which timers, deadlines and tracing pay for. Switch when tsc is available: echo tsc > /sys/devices/system/clocksource/clocksource0/current_clocksource (or clocksource=tsc tsc=reliable on the kernel command line).',
    refs: ['https://github.com/golang/go/issues/57749'],
  },
  // mem.ts: kernel memory settings that bloat or break a Go heap.
  {
    id: 'GR-MEM-001',
    severity: 'low',
    title: 'Transparent huge pages always, khugepaged max_ptes_none 511',
    area: 'mem',
    command: 'check',
    summary: 'THP `always` with khugepaged `max_ptes_none` 511, Go ≥ 1.21.1',
    fix: 'khugepaged collapses sparsely used heap memory the Go scavenger has returned into huge pages again, so RSS can grow well above the live heap. Set /sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none to 0, THP to madvise, or run with GODEBUG=disablethp=1.',
    refs: ['https://go.dev/doc/gc-guide#Linux_transparent_huge_pages'],
  },
  {
    id: 'GR-MEM-002',
    severity: 'low',
    title: 'vm.max_map_count at its default on a large machine',
    area: 'mem',
    command: 'check',
    summary: '`vm.max_map_count` at its default 65530 with ≥ 64 GiB of memory',
    fix: 'A large, fragmented Go heap, mmap-heavy libraries (bleve, badger, bolt) or many goroutine stacks can exhaust the mapping count; mmap then fails with ENOMEM and Go aborts with "fatal error: runtime: cannot allocate memory". Raise it: sysctl -w vm.max_map_count=262144.',
    refs: ['https://github.com/golang/go/issues/12233'],
  },
  // size.ts: where the bytes of the file could go (goready size), with savings measured from it.
  {
    id: 'GR-SIZE-001',
    severity: 'info',
    title: 'Strip symbols and DWARF with -ldflags="-s -w"',
    area: 'size',
    command: 'size',
    summary: 'the file carries a symbol table or DWARF; saving = their bytes',
    fix: 'Build with -ldflags="-s -w": stack traces keep function names and lines (they come from the pclntab), debuggers and profilers lose symbols.',
    refs: ['https://pkg.go.dev/cmd/link'],
  },
  {
    id: 'GR-SIZE-002',
    severity: 'info',
    title: 'Build with -trimpath',
    area: 'size',
    command: 'size',
    summary: 'built without `-trimpath`: build-machine directories prefix the file names of the pclntab; saving estimated from them',
    fix: 'Build with -trimpath; it also makes builds reproducible across machines (and drops -ldflags from the recorded build settings).',
    refs: ['https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies'],
  },
  {
    id: 'GR-SIZE-003',
    severity: 'info',
    title: 'C code linked through cgo',
    area: 'size',
    command: 'size',
    summary: 'executable bytes outside Go functions (`<C>`), at least 1 % of the file, in a binary not built with `CGO_ENABLED=0`',
    fix: 'CGO_ENABLED=0 removes them if nothing needs cgo (net and os/user have pure-Go fallbacks: -tags netgo,osusergo).',
    refs: ['https://pkg.go.dev/cmd/cgo'],
  },
  {
    id: 'GR-SIZE-004',
    severity: 'info',
    title: 'Largest dependencies',
    area: 'size',
    command: 'size',
    summary: 'the five largest modules other than the standard library and the main module, each at least 1 % of the file',
    fix: 'Look for a lighter module or a narrower import where a dependency is large for what it does.',
    refs: ['https://go.dev/ref/mod'],
  },
  {
    id: 'GR-SIZE-005',
    severity: 'low',
    title: 'UPX-packed',
    area: 'size',
    command: 'size',
    summary: 'the file is packed with UPX',
    fix: 'Prefer -ldflags="-s -w": a packed file is smaller on disk but every process unpacks it into private memory (no page sharing, slower start), antivirus tools flag packed binaries, and Go tooling cannot read it.',
    refs: ['https://upx.github.io/'],
  },
  // atomic.ts: Go source (goready lint), from the syntax trees and struct layouts per GOARCH.
  {
    id: 'GR-ATOMIC-001',
    severity: 'high',
    title: '64-bit atomic operation on a word not 8-byte aligned on a 32-bit platform',
    area: 'atomic',
    command: 'lint',
    summary:
      'a 64-bit `sync/atomic` function (`AddInt64`, `LoadUint64`, `CompareAndSwapUint64` …) on a word not 8-byte aligned on 386, arm, mips or mipsle (`--goarch` narrows): offsets per GOARCH, elements of odd-sized arrays',
    fix: 'Declare the field as atomic.Int64 / atomic.Uint64 (always 8-byte aligned, Go >= 1.19), or move it to the start of the struct: the first word of an allocated struct, array or slice is 64-bit aligned.',
    refs: ['https://pkg.go.dev/sync/atomic#pkg-note-BUG', 'https://go.dev/ref/spec#Size_and_alignment_guarantees'],
  },
  {
    id: 'GR-ATOMIC-002',
    severity: 'medium',
    title: 'Accessed with sync/atomic in one place and plainly in another',
    area: 'atomic',
    command: 'lint',
    summary:
      'a variable or field accessed with `sync/atomic` in one place and plainly elsewhere in the package, or a typed atomic copied or overwritten; plain writes while initialising (a fresh `&T{}`/`new(T)`/`var v T` before it is shared, `init`, package-level initialisers) are fine; `_test.go` files only with `--tests`',
    fix: 'Use sync/atomic for every access once the value is shared, or make it a typed atomic (atomic.Int64, atomic.Uint32, ...) so that a plain access no longer compiles.',
    refs: ['https://go.dev/ref/mem', 'https://pkg.go.dev/cmd/vet'],
  },
  {
    id: 'GR-ATOMIC-003',
    severity: 'low',
    title: 'Per-element atomic counters share cache lines (false sharing)',
    area: 'atomic',
    command: 'lint',
    summary:
      "a struct smaller than a cache line whose elements of an array or slice are updated atomically by index (per-shard counters): the `_ [N]byte` padding for 64-byte lines and for Apple silicon's 128",
    fix: 'Pad the element to a whole cache line (`_ [N]byte` as its last field), or add `_ cpu.CacheLinePad` from golang.org/x/sys/cpu.',
    refs: ['https://pkg.go.dev/golang.org/x/sys/cpu#CacheLinePad'],
  },
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]['id'];

/** The IDs of the rules a command reports. */
export type RuleIdOf<C extends RuleCommand> = Extract<(typeof RULES)[number], { command: C }>['id'];

const BY_ID = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

export function ruleOf(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/** Every severity a rule's findings can take. */
export function severitiesOf(rule: Rule): readonly Severity[] {
  return rule.severities ?? [rule.severity];
}

/** The known IDs nearest to `id` by edit distance (ignoring case), nearest first, for "did you mean". */
export function closestRuleIds(id: string, n = 3): string[] {
  const want = id.toUpperCase();
  return RULES.map((r) => ({ id: r.id, d: distance(want, r.id) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, n)
    .map((x) => x.id);
}

/**
 * Refuses IDs that name no rule, as one line naming the nearest known ones; `where` says which
 * input gave them (--skip, a config file's "skip").
 */
export function assertRuleIds(ids: Iterable<string>, where: string): void {
  for (const id of ids) {
    if (!BY_ID.has(id)) throw new InputError(where, `unknown finding ID "${id}" (closest: ${closestRuleIds(id).join(', ')}; goready rules lists them all)`);
  }
}
