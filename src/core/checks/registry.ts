import type { InspectReport } from '../facts/binary.js';
import type { CheckInput } from '../facts/target.js';
import { buildChecks } from './build.js';
import { cgroupChecks } from './cgroup.js';
import { cpuChecks } from './cpu.js';
import { cryptoChecks } from './crypto.js';
import type { Finding } from './finding.js';
import { kernelChecks } from './kernel.js';
import { libcChecks } from './libc.js';
import { limitChecks } from './limits.js';
import { netChecks } from './net.js';
import { tuningChecks } from './tuning.js';

/**
 * Every check area; each is a pure function of facts. Finding IDs, by module:
 *   build.ts   GR-BUILD-001 -race · GR-BUILD-002 another GOOS
 *   crypto.ts  GR-CRYPTO-001 BoringCrypto · GR-CRYPTO-002 FIPS 140-3 module
 *   libc.ts    GR-LIBC-001 missing symbol versions · GR-LIBC-002 glibc vs musl · GR-LINK-001 interpreter · GR-LINK-002 NEEDED library
 *   cpu.ts     GR-CPU-001 architecture · GR-CPU-002 GOAMD64 · GR-CPU-003 GOARM VFP · GR-CPU-004 GOARM64 LSE
 *   kernel.ts  GR-KERNEL-001 kernel minimum · GR-SECCOMP-001 clone3 vs old Docker
 *   cgroup.ts  GR-CGROUP-001 GOMAXPROCS vs CPU quota · GR-CGROUP-002 GOMEMLIMIT vs memory limit
 *   net.ts     GR-NET-001 somaxconn · GR-NET-002 SYN queue · GR-NET-003 listen drops between snapshots
 *   limits.ts  GR-LIMIT-001 open files · GR-LIMIT-002 NPROC · GR-LIMIT-003 pids.max/TasksMax · GR-LIMIT-004 threads-max
 *   tuning.ts  GR-CLOCK-001 clocksource · GR-MEM-001 THP · GR-MEM-002 max_map_count
 */
const AREAS: ((input: CheckInput) => Finding[])[] = [
  ({ binary }) => buildChecks(binary),
  ({ binary }) => cryptoChecks(binary),
  libcChecks,
  cpuChecks,
  kernelChecks,
  cgroupChecks,
  netChecks,
  limitChecks,
  tuningChecks,
];

/** Runs every check; with only a report, the binary-only ones. */
export function runChecks(input: CheckInput | InspectReport, skip: ReadonlySet<string> = new Set()): Finding[] {
  const i: CheckInput = 'binary' in input ? input : { binary: input, code: null, target: null };
  return AREAS.flatMap((check) => check(i)).filter((f) => !skip.has(f.id));
}
