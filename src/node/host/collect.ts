import os from 'node:os';
import type { HostSnapshot } from '../../core/facts/host.js';
import { goarch } from '../../core/linux/arch.js';
import { cgroup } from './cgroup.js';
import { container } from './container.js';
import { cpu } from './cpu.js';
import { clocksource, kernel, seccomp, sysctls, thp } from './kernel.js';
import { limits } from './limits.js';
import { memory } from './memory.js';
import { mounts } from './mounts.js';
import { listening, tcp } from './net.js';
import { readTrim } from './read.js';
import { describeRoot } from './root.js';
import { runtimes } from './runtimes.js';
import { systemd } from './systemd.js';

/**
 * The Node collector: reads /proc, /sys and files of the machine it runs on (it runs nothing but
 * `systemctl show` for --unit), one module per topic. Every rule has a twin in the sh collector
 * (collector.sh); the two must produce the same values on the same machine, and test/host.test.ts
 * checks that they do.
 */
export interface CollectOptions {
  /** Adds the `systemd` section: `systemctl show UNIT -p ...`. */
  unit?: string | null;
  /**
   * A root filesystem directory whose files describe the installed system (os-release, libc, musl
   * loader, apk db, libseccomp, libraries), read as describeRoot does. Default: none (this machine's /).
   */
  root?: string;
  /** Environment for PATH (systemctl lookup) and KUBERNETES_SERVICE_HOST. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Collects a snapshot of the machine this process runs on. */
export async function collect(opts: CollectOptions = {}): Promise<HostSnapshot> {
  const env = opts.env ?? process.env;
  const endian = os.endianness() === 'BE' ? 'big' : 'little';
  let machine: string | null;
  try {
    machine = os.machine();
  } catch {
    // Uname failed: the architecture stays unknown.
    machine = null;
  }
  const arch = goarch(machine, endian);
  const ms = mounts();
  const described = await describeRoot(opts.root ?? '', arch);
  return {
    schemaVersion: 1,
    collector: 'node',
    collectedAt: new Date().toISOString().replace(/\.[0-9]+Z$/, 'Z'),
    hostname: readTrim('/proc/sys/kernel/hostname') ?? os.hostname(),
    kernel: kernel(machine, endian),
    distro: described.distro,
    libc: described.libc,
    cpu: cpu(arch),
    memory: memory(),
    limits: limits(),
    cgroup: cgroup(ms),
    seccomp: seccomp(),
    sysctls: sysctls(),
    clocksource: clocksource(),
    thp: thp(),
    tcp: tcp(),
    listening: listening(endian),
    container: container(ms, env, await runtimes()),
    libraries: described.libraries,
    image: null,
    systemd: systemd(opts.unit, env),
  };
}
