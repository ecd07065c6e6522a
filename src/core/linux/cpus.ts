/**
 * arm64 CPUs people deploy Go to, with what decides how Go's atomics run on them: whether the
 * core has LSE (FEAT_LSE, ARMv8.1 atomics: `atomics` in /proc/cpuinfo Features), how many cores
 * a socket has (LL/SC loops degrade with core count under contention) and the cache line size.
 * `goready atomics --cpu NAME` reads it; a host snapshot's own Features line wins over it.
 */
export interface CpuModel {
  /** The name to pass to --cpu. */
  name: string;
  aliases: string[];
  /** The core and its architecture version. */
  core: string;
  isa: string;
  lse: boolean;
  /** Cores in the largest part (per socket). */
  cores: number;
  cacheLine: 64 | 128;
  /** Where the ISA level (and so LSE) is stated. */
  source: string;
}

const ARM = (core: string) => `https://developer.arm.com/Processors/${core}`;
const GRAVITON = 'https://github.com/aws/aws-graviton-getting-started/blob/main/README.md';
const RPI = 'https://www.raspberrypi.com/documentation/computers/processors.html';

export const CPUS: readonly CpuModel[] = [
  { name: 'cortex-a53', aliases: ['a53'], core: 'Cortex-A53', isa: 'ARMv8.0-A', lse: false, cores: 8, cacheLine: 64, source: ARM('Cortex-A53') },
  { name: 'cortex-a55', aliases: ['a55'], core: 'Cortex-A55', isa: 'ARMv8.2-A', lse: true, cores: 8, cacheLine: 64, source: ARM('Cortex-A55') },
  { name: 'cortex-a57', aliases: ['a57'], core: 'Cortex-A57', isa: 'ARMv8.0-A', lse: false, cores: 4, cacheLine: 64, source: ARM('Cortex-A57') },
  { name: 'cortex-a72', aliases: ['a72'], core: 'Cortex-A72', isa: 'ARMv8.0-A', lse: false, cores: 4, cacheLine: 64, source: ARM('Cortex-A72') },
  { name: 'cortex-a73', aliases: ['a73'], core: 'Cortex-A73', isa: 'ARMv8.0-A', lse: false, cores: 4, cacheLine: 64, source: ARM('Cortex-A73') },
  { name: 'cortex-a76', aliases: ['a76'], core: 'Cortex-A76', isa: 'ARMv8.2-A', lse: true, cores: 4, cacheLine: 64, source: ARM('Cortex-A76') },
  { name: 'neoverse-n1', aliases: ['n1'], core: 'Neoverse N1', isa: 'ARMv8.2-A', lse: true, cores: 128, cacheLine: 64, source: ARM('Neoverse%20N1') },
  { name: 'neoverse-n2', aliases: ['n2'], core: 'Neoverse N2', isa: 'ARMv9.0-A', lse: true, cores: 128, cacheLine: 64, source: ARM('Neoverse%20N2') },
  { name: 'neoverse-v1', aliases: ['v1'], core: 'Neoverse V1', isa: 'ARMv8.4-A', lse: true, cores: 96, cacheLine: 64, source: ARM('Neoverse%20V1') },
  { name: 'neoverse-v2', aliases: ['v2'], core: 'Neoverse V2', isa: 'ARMv9.0-A', lse: true, cores: 144, cacheLine: 64, source: ARM('Neoverse%20V2') },
  { name: 'graviton1', aliases: ['graviton', 'a1'], core: 'Cortex-A72', isa: 'ARMv8.0-A', lse: false, cores: 16, cacheLine: 64, source: GRAVITON },
  { name: 'graviton2', aliases: ['m6g', 'c6g', 'r6g', 't4g'], core: 'Neoverse N1', isa: 'ARMv8.2-A', lse: true, cores: 64, cacheLine: 64, source: GRAVITON },
  { name: 'graviton3', aliases: ['m7g', 'c7g', 'r7g'], core: 'Neoverse V1', isa: 'ARMv8.4-A', lse: true, cores: 64, cacheLine: 64, source: GRAVITON },
  { name: 'graviton4', aliases: ['m8g', 'c8g', 'r8g'], core: 'Neoverse V2', isa: 'ARMv9.0-A', lse: true, cores: 96, cacheLine: 64, source: GRAVITON },
  {
    name: 'ampere-altra',
    aliases: ['altra', 'altra-max'],
    core: 'Neoverse N1',
    isa: 'ARMv8.2-A',
    lse: true,
    cores: 128,
    cacheLine: 64,
    source: 'https://amperecomputing.com/briefs/ampere-altra-family-product-brief',
  },
  {
    name: 'apple-m1',
    aliases: ['m1', 'm2', 'm3', 'm4', 'apple'],
    core: 'Firestorm/Icestorm and later',
    isa: 'ARMv8.5-A',
    lse: true,
    cores: 24,
    cacheLine: 128,
    source: 'https://github.com/golang/go/blob/master/src/internal/cpu/cpu_arm64.go',
  },
  { name: 'raspberry-pi-3', aliases: ['rpi3', 'bcm2837'], core: 'Cortex-A53', isa: 'ARMv8.0-A', lse: false, cores: 4, cacheLine: 64, source: RPI },
  { name: 'raspberry-pi-4', aliases: ['rpi4', 'bcm2711'], core: 'Cortex-A72', isa: 'ARMv8.0-A', lse: false, cores: 4, cacheLine: 64, source: RPI },
  { name: 'raspberry-pi-5', aliases: ['rpi5', 'bcm2712'], core: 'Cortex-A76', isa: 'ARMv8.2-A', lse: true, cores: 4, cacheLine: 64, source: RPI },
  {
    name: 'kunpeng-920',
    aliases: ['kunpeng', 'taishan-v110'],
    core: 'TaiShan v110',
    isa: 'ARMv8.2-A',
    lse: true,
    cores: 64,
    cacheLine: 64,
    source: 'https://www.hikunpeng.com/en/developer/devkit/compiler',
  },
];

/** The model named (case-insensitive, by name or alias); null when unknown. */
export function cpuModel(name: string): CpuModel | null {
  const n = name.trim().toLowerCase();
  return CPUS.find((c) => c.name === n || c.aliases.includes(n)) ?? null;
}

/** From this many cores, LL/SC retry loops under contention cost enough to say so (LSE executes at the cache). */
export const MANY_CORES = 16;
