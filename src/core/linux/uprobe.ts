/**
 * The tracefs `uprobe_events` language (Documentation/trace/uprobetracer.rst): a probe at a file
 * offset of a binary, with fetch arguments read from registers and user memory when it fires:
 *
 *   p:GROUP/NAME /path/bin:0x2265e4 goid=+152(%r14):s64 fd=+16(+0(+24(+0(%cx)))):s64
 */

/** Registers the kernel's uprobe fetch code knows, per GOARCH (regs_query_register_offset). */
export const UPROBE_REGISTERS: Record<string, ReadonlySet<string>> = {
  amd64: new Set(['ax', 'bx', 'cx', 'dx', 'si', 'di', 'bp', 'sp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'ip']),
  arm64: new Set([...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc']),
};

export type FetchScalar = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64';

export interface FetchArg {
  name: string;
  reg: string;
  /**
   * Dereferences applied in order: [] is the register itself; [a] reads at reg+a; [a, b] reads at
   * (value at reg+a)+b, and so on (a chain of pointers through structs).
   */
  path: number[];
  type: FetchScalar;
  /** Read this many consecutive values (bytes of a string: `u64` × 16 = 128 bytes). */
  count?: number;
}

/** A fetch argument in tracefs syntax. */
export function fetchText(a: FetchArg, arch: string): string {
  const regs = UPROBE_REGISTERS[arch];
  if (!regs?.has(a.reg)) throw new Error(`register ${a.reg} is not a uprobe register on ${arch}`);
  if (!/^[a-z_][a-z0-9_]*$/.test(a.name)) throw new Error(`bad fetch argument name '${a.name}'`);
  let expr = `%${a.reg}`;
  for (const off of a.path) expr = `${off < 0 ? '-' : '+'}${Math.abs(off)}(${expr})`;
  const type = a.count !== undefined ? `${a.type}[${a.count}]` : a.type;
  return `${a.name}=${expr}:${type}`;
}
