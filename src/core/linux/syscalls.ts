import { SYSCALL_TABLES, SYSCALL_TABLES_SOURCE } from './syscall-tables.js';

export { SYSCALL_TABLES_SOURCE };

/**
 * One architecture's syscall numbering, both ways. Names are the kernel's (`newfstatat`, `_llseek`,
 * `mmap2`), which are also the names libseccomp and OCI profiles use.
 */
export interface SyscallTable {
  arch: string;
  name(nr: number): string | undefined;
  number(name: string): number | undefined;
  /** Every name, in number order. */
  names(): string[];
}

const cache = new Map<string, SyscallTable>();

/** The table for a GOARCH (amd64, 386, arm64, arm), or null when goready has none for it. */
export function syscallTable(arch: string): SyscallTable | null {
  const hit = cache.get(arch);
  if (hit) return hit;
  const byName = SYSCALL_TABLES[arch];
  if (!byName) return null;
  const byNumber = new Map<number, string>();
  for (const [name, nr] of Object.entries(byName)) byNumber.set(nr, name);
  const sorted = [...byNumber.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  const table: SyscallTable = {
    arch,
    name: (nr) => byNumber.get(nr),
    number: (name) => (Object.hasOwn(byName, name) ? byName[name] : undefined),
    names: () => [...sorted],
  };
  cache.set(arch, table);
  return table;
}

/** The GOARCHes that have a syscall table. */
export const SYSCALL_ARCHES: readonly string[] = Object.keys(SYSCALL_TABLES);
