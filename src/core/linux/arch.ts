/** Linux machine names, GOARCH names and the Debian/Ubuntu multiarch triplets that tie them to library directories. */

/** GOARCH-style name of a `uname -m` machine; the machine itself when unknown. */
export function goarch(machine: string | null, endian: 'little' | 'big'): string | null {
  if (machine === null) return null;
  if (machine === 'x86_64' || machine === 'amd64') return 'amd64';
  if (/^i[3-6]86$/.test(machine)) return '386';
  if (machine === 'aarch64' || machine === 'arm64' || machine === 'aarch64_be') return 'arm64';
  if (/^arm/.test(machine)) return 'arm';
  if (machine === 'ppc64le') return 'ppc64le';
  if (machine === 'ppc64') return 'ppc64';
  if (machine === 's390x') return 's390x';
  if (machine === 'riscv64') return 'riscv64';
  if (machine === 'loongarch64') return 'loong64';
  if (machine === 'mips64') return endian === 'little' ? 'mips64le' : 'mips64';
  if (machine === 'mips') return endian === 'little' ? 'mipsle' : 'mips';
  return machine;
}

/**
 * Debian/Ubuntu multiarch triplets of each GOARCH (dpkg-architecture's DEB_HOST_MULTIARCH): where
 * its libc.so.6 and the other libraries of that architecture live, /lib/<triplet> and
 * /usr/lib/<triplet>. arm has two ABIs; hard-float comes first, as on every current distribution.
 */
export const MULTIARCH: Readonly<Record<string, readonly string[]>> = {
  amd64: ['x86_64-linux-gnu'],
  '386': ['i386-linux-gnu'],
  arm64: ['aarch64-linux-gnu'],
  arm: ['arm-linux-gnueabihf', 'arm-linux-gnueabi'],
  ppc64le: ['powerpc64le-linux-gnu'],
  ppc64: ['powerpc64-linux-gnu'],
  s390x: ['s390x-linux-gnu'],
  riscv64: ['riscv64-linux-gnu'],
  mips64le: ['mips64el-linux-gnuabi64'],
  mips64: ['mips64-linux-gnuabi64'],
  loong64: ['loongarch64-linux-gnu'],
};

/** The multiarch triplets of a GOARCH; [] when it has none (or is unknown). */
export function triplets(arch: string | null): readonly string[] {
  return arch !== null && Object.hasOwn(MULTIARCH, arch) ? (MULTIARCH[arch] as readonly string[]) : [];
}

/**
 * Whether a directory name has the shape of a multiarch triplet (cpu-linux-abi: x86_64-linux-gnu,
 * x86_64-linux-musl, arm-linux-gnueabihf …): a library directory of some architecture, known or not.
 */
export function isTripletName(name: string): boolean {
  return /^[a-z0-9_]+-linux-[a-z0-9_]+$/.test(name);
}
