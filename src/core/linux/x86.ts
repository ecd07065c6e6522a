/** x86-64 microarchitecture levels (GOAMD64 v1–v4) as /proc/cpuinfo shows them. */

/**
 * The /proc/cpuinfo flags each x86-64 level adds: the CPUID bits Go's rt0_go tests
 * (runtime/asm_amd64.s) under Linux's names (sse3 is "pni", lzcnt is "abm"; the kernel hides
 * osxsave, and shows xsave only when it enabled the state). Alternatives are separated by "|".
 */
const X86_LEVEL_FLAGS: string[][] = [
  [],
  [],
  ['cx16', 'lahf_lm', 'popcnt', 'pni|sse3', 'sse4_1', 'sse4_2', 'ssse3'],
  ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm|lzcnt', 'movbe', 'osxsave|xsave'],
  ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'],
];

/** Flags of levels v2…v`level` absent from `flags` (first name of each alternative). */
export function missingX86Flags(flags: readonly string[], level: number): string[] {
  const out: string[] = [];
  for (let l = 2; l <= Math.min(level, 4); l++) {
    for (const alt of X86_LEVEL_FLAGS[l] ?? []) {
      const names = alt.split('|');
      if (!names.some((n) => flags.includes(n))) out.push(names[0] as string);
    }
  }
  return out;
}

/** The highest GOAMD64 level (1–4) the flags support. */
export function levelOf(flags: readonly string[]): number {
  let l = 1;
  while (l < 4 && missingX86Flags(flags, l + 1).length === 0) l++;
  return l;
}

/**
 * Highest x86-64 microarchitecture level (GOAMD64 v1–v4) that /proc/cpuinfo flags meet: the CPUID
 * bits Go's runtime checks at startup, as the CPU check (GR-CPU-002) reads them.
 */
export function x86Level(flags: readonly string[]): 'v1' | 'v2' | 'v3' | 'v4' {
  return `v${levelOf(flags)}` as 'v1' | 'v2' | 'v3' | 'v4';
}
