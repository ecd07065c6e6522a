/** What `goready size` reports: every byte of a binary charged to one bucket. */

/**
 * Where the bytes of a binary go. Every byte of the file lands in exactly one bucket, so
 * `attributedBytes === fileSize`; memory-only bytes (.bss, zerofill) are counted separately.
 *
 * Buckets are Go packages (code from the pclntab, data from symbols) or pseudo-packages in angle
 * brackets, each its own pseudo-module:
 *   <compiler>      type descriptors, itabs, merged string data and other generated symbols
 *   <pclntab>       the function table itself
 *   <C>             executable bytes no Go function covers in a cgo binary
 *   <dwarf>         debug sections
 *   <symtab>        static symbol and string tables (what -ldflags=-s removes)
 *   <dynamic>       dynamic linking: interpreter, dynsym, relocations, version tables, notes
 *   <headers>       file, program and section headers
 *   <unattributed>  everything else, reported per section (never lumped into std)
 */
export interface SizeReport {
  path: string;
  fileSize: number;
  attributedBytes: number;
  /** Bytes in memory that have no file bytes (.bss, .noptrbss, zerofill). */
  memOnlyBytes: number;
  packages: PackageSize[];
  modules: { path: string; bytes: number }[];
  sections: { name: string; fileBytes: number; memBytes: number }[];
  /** Per-section unattributed remainders, so nothing hides in a total. */
  unattributed: { section: string; bytes: number }[];
  functions?: { name: string; package: string; bytes: number }[];
  /** go:embed files found through their embed.FS tables (`<var>.files` symbols), charged to the embedding package. */
  embeds: { variable: string; file: string; bytes: number }[];
  /** True when function sizes and data came without a symbol table (stripped binary). */
  stripped: boolean;
  /** Advice that applies to this binary, with savings measured from it (filled by `size`). */
  advice?: SizeAdvice[];
}

export interface PackageSize {
  name: string;
  module: string;
  codeBytes: number;
  dataBytes: number;
}

/** One piece of size advice, with the saving measured from this binary. */
export interface SizeAdvice {
  id: string;
  title: string;
  /** Bytes the change would remove from the file (estimated where said). */
  savingsBytes: number;
  detail: string;
}
