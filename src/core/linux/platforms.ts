/**
 * Platforms a Go binary is commonly shipped to, with the facts that decide whether it starts
 * there: for a distribution its kernel, C library and ports; for a CPU its architecture and ISA
 * level. `goready targets` judges each binary against this table; each row names its source.
 */
import { CPUS } from './cpus.js';

export interface Distro {
  name: string;
  /** Releases of one family are listed oldest first, so "Debian 12+" reads off the table. */
  family: string;
  /** The kernel the release ships (its oldest supported one where several are offered). */
  kernel: string;
  libc: { family: 'glibc' | 'musl'; version: string };
  /** GOARCH names of the release's architectures. */
  arches: readonly string[];
  source: string;
}

const DEBIAN = (codename: string) => `https://www.debian.org/releases/${codename}/releasenotes`;
const UBUNTU = (series: string) => `https://launchpad.net/ubuntu/${series}/+source/glibc`;
const RHEL = 'https://access.redhat.com/articles/3078 (kernel); https://distrowatch.com/table.php?distribution=redhat (glibc)';
const DEBIAN_OLD = ['amd64', '386', 'arm', 'arm64', 'mips64le', 'mipsle', 'ppc64le', 's390x'];
const UBUNTU_ARCHES = ['amd64', 'arm', 'arm64', 'ppc64le', 'riscv64', 's390x'];
const RHEL_ARCHES = ['amd64', 'arm64', 'ppc64le', 's390x'];
const AMAZON = ['amd64', 'arm64'];

export const DISTROS: readonly Distro[] = [
  // buster is the last release with big-endian mips.
  {
    name: 'Debian 10',
    family: 'Debian',
    kernel: '4.19',
    libc: { family: 'glibc', version: '2.28' },
    arches: [...DEBIAN_OLD, 'mips'],
    source: DEBIAN('buster'),
  },
  { name: 'Debian 11', family: 'Debian', kernel: '5.10', libc: { family: 'glibc', version: '2.31' }, arches: DEBIAN_OLD, source: DEBIAN('bullseye') },
  { name: 'Debian 12', family: 'Debian', kernel: '6.1', libc: { family: 'glibc', version: '2.36' }, arches: DEBIAN_OLD, source: DEBIAN('bookworm') },
  {
    name: 'Debian 13',
    family: 'Debian',
    kernel: '6.12',
    libc: { family: 'glibc', version: '2.41' },
    // trixie drops i386 and mips64el as release architectures and adds riscv64.
    arches: ['amd64', 'arm', 'arm64', 'ppc64le', 'riscv64', 's390x'],
    source: DEBIAN('trixie'),
  },
  {
    name: 'Ubuntu 18.04',
    family: 'Ubuntu',
    kernel: '4.15',
    libc: { family: 'glibc', version: '2.27' },
    arches: ['amd64', '386', 'arm', 'arm64', 'ppc64le', 's390x'],
    source: UBUNTU('bionic'),
  },
  { name: 'Ubuntu 20.04', family: 'Ubuntu', kernel: '5.4', libc: { family: 'glibc', version: '2.31' }, arches: UBUNTU_ARCHES, source: UBUNTU('focal') },
  { name: 'Ubuntu 22.04', family: 'Ubuntu', kernel: '5.15', libc: { family: 'glibc', version: '2.35' }, arches: UBUNTU_ARCHES, source: UBUNTU('jammy') },
  { name: 'Ubuntu 24.04', family: 'Ubuntu', kernel: '6.8', libc: { family: 'glibc', version: '2.39' }, arches: UBUNTU_ARCHES, source: UBUNTU('noble') },
  { name: 'RHEL 7', family: 'RHEL', kernel: '3.10', libc: { family: 'glibc', version: '2.17' }, arches: [...RHEL_ARCHES, 'ppc64'], source: RHEL },
  { name: 'RHEL 8', family: 'RHEL', kernel: '4.18', libc: { family: 'glibc', version: '2.28' }, arches: RHEL_ARCHES, source: RHEL },
  { name: 'RHEL 9', family: 'RHEL', kernel: '5.14', libc: { family: 'glibc', version: '2.34' }, arches: RHEL_ARCHES, source: RHEL },
  { name: 'RHEL 10', family: 'RHEL', kernel: '6.12', libc: { family: 'glibc', version: '2.39' }, arches: RHEL_ARCHES, source: RHEL },
  {
    name: 'Alpine 3.21',
    family: 'Alpine',
    kernel: '6.12',
    libc: { family: 'musl', version: '1.2.5' },
    arches: ['amd64', '386', 'arm', 'arm64', 'loong64', 'ppc64le', 'riscv64', 's390x'],
    source: 'https://alpinelinux.org/posts/Alpine-3.21.0-released.html',
  },
  {
    name: 'Amazon Linux 2',
    family: 'Amazon Linux',
    kernel: '4.14',
    libc: { family: 'glibc', version: '2.26' },
    arches: AMAZON,
    source: 'https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html',
  },
  {
    name: 'Amazon Linux 2023',
    family: 'Amazon Linux',
    kernel: '6.1',
    libc: { family: 'glibc', version: '2.34' },
    arches: AMAZON,
    source: 'https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html',
  },
];

export interface Cpu {
  name: string;
  /** Cores of one vendor line are listed oldest first, so "Intel Haswell+" reads off the table. */
  family: string;
  arch: 'amd64' | 'arm64' | 'arm';
  /** amd64: the x86-64 level (GOAMD64) it meets. */
  x86Level?: 1 | 2 | 3 | 4;
  /** arm64: ISA version (8.0, 8.2, 9.0…) and FEAT_LSE. */
  armIsa?: number;
  lse?: boolean;
  /** arm: the GOARM level it runs (5 soft float, 6 VFPv2, 7 ARMv7 with VFPv3). arm64 boards run 32-bit programs too. */
  goarm?: 5 | 6 | 7;
  source: string;
}

const LEVELS = 'https://en.wikipedia.org/wiki/X86-64#Microarchitecture_levels';

const x86 = (name: string, family: string, level: 1 | 2 | 3 | 4): Cpu => ({ name, family, arch: 'amd64', x86Level: level, source: LEVELS });

const arm64 = (name: string, family: string, model: string, goarm?: 7): Cpu => {
  const m = CPUS.find((c) => c.name === model);
  if (!m) throw new Error(`platforms: no CPU model ${model}`);
  const isa = Number(/ARMv(\d+\.\d+)/.exec(m.isa)?.[1] ?? 8);
  return { name, family, arch: 'arm64', armIsa: isa, lse: m.lse, ...(goarm ? { goarm } : {}), source: m.source };
};

const RPI = 'https://www.raspberrypi.com/documentation/computers/processors.html';

export const PLATFORM_CPUS: readonly Cpu[] = [
  x86('Intel Core 2', 'Intel', 1),
  x86('Intel Nehalem', 'Intel', 2),
  x86('Intel Sandy Bridge', 'Intel', 2),
  x86('Intel Haswell', 'Intel', 3),
  x86('Intel Skylake', 'Intel', 3),
  x86('Intel Skylake-AVX512', 'Intel', 4),
  x86('Intel Ice Lake-SP', 'Intel', 4),
  x86('Intel Sapphire Rapids', 'Intel', 4),
  x86('AMD K10', 'AMD', 1),
  x86('AMD Bulldozer', 'AMD', 2),
  x86('AMD Excavator', 'AMD', 3),
  x86('AMD Zen 1', 'AMD', 3),
  x86('AMD Zen 2', 'AMD', 3),
  x86('AMD Zen 3', 'AMD', 3),
  x86('AMD Zen 4', 'AMD', 4),
  arm64('Arm Cortex-A53', 'Arm cores', 'cortex-a53', 7),
  arm64('Arm Cortex-A72', 'Arm cores', 'cortex-a72', 7),
  arm64('Arm Cortex-A76', 'Arm cores', 'cortex-a76', 7),
  arm64('Arm Neoverse N1', 'Arm cores', 'neoverse-n1'),
  arm64('Arm Neoverse V1', 'Arm cores', 'neoverse-v1'),
  arm64('Arm Neoverse V2', 'Arm cores', 'neoverse-v2'),
  arm64('AWS Graviton 1', 'AWS Graviton', 'graviton1'),
  arm64('AWS Graviton 2', 'AWS Graviton', 'graviton2'),
  arm64('AWS Graviton 3', 'AWS Graviton', 'graviton3'),
  arm64('AWS Graviton 4', 'AWS Graviton', 'graviton4'),
  // The 32-bit boards: ARM1176JZF-S (ARMv6, VFPv2) and Cortex-A7 (ARMv7).
  { name: 'Raspberry Pi 1', family: 'Raspberry Pi', arch: 'arm', goarm: 6, source: RPI },
  { name: 'Raspberry Pi 2', family: 'Raspberry Pi', arch: 'arm', goarm: 7, source: RPI },
  arm64('Raspberry Pi 3', 'Raspberry Pi', 'raspberry-pi-3', 7),
  arm64('Raspberry Pi 4', 'Raspberry Pi', 'raspberry-pi-4', 7),
  arm64('Raspberry Pi 5', 'Raspberry Pi', 'raspberry-pi-5', 7),
];
