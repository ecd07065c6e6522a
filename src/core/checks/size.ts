import type { SizeFacts } from '../facts/size.js';
import type { Checks } from './check.js';

const pct = (n: number, total: number) => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;

/** Advice on a part smaller than this share of the file saves too little to say. */
const WORTH_SAYING = 0.01;

const bytesOf = (f: SizeFacts, module: string) => f.modules.find((m) => m.path === module)?.bytes ?? 0;

/**
 * Where the bytes of the file could go, with savings measured from the binary itself (GR-SIZE-*;
 * rules.ts has each rule). `goready size` shows them as its advice.
 */
export const sizeChecks = {
  'GR-SIZE-001': (f) => {
    const symtab = bytesOf(f, '<symtab>');
    const dwarf = bytesOf(f, '<dwarf>');
    if (symtab + dwarf <= 0) return null;
    return {
      savingsBytes: symtab + dwarf,
      evidence: [
        `symbol tables ${symtab} bytes + DWARF ${dwarf} bytes = ${pct(symtab + dwarf, f.fileSize)} of the file; stack traces keep function names and lines (they come from the pclntab), debuggers and profilers lose symbols`,
      ],
    };
  },

  'GR-SIZE-002': (f) => {
    const trimmed = f.buildInfo?.settings.some((s) => s.key === '-trimpath' && s.value === 'true');
    if (!f.buildInfo || trimmed || !f.files.length) return null;
    const saved = trimpathSavings(f.files);
    if (saved <= 0) return null;
    return {
      savingsBytes: saved,
      evidence: [
        `about ${saved} bytes of build-machine directory prefixes in the ${f.files.length} file names of the pclntab; also makes builds reproducible across machines (note: -trimpath drops -ldflags from the recorded build settings)`,
      ],
    };
  },

  'GR-SIZE-003': (f) => {
    const c = bytesOf(f, '<C>');
    // Not for a binary built without cgo (a PE's 16 bytes of startup stubs), nor for a saving too
    // small to act on.
    const cgo = f.buildInfo?.settings.find((s) => s.key === 'CGO_ENABLED')?.value;
    if (cgo === '0' || c < WORTH_SAYING * f.fileSize) return null;
    return {
      evidence: [
        `${c} bytes (${pct(c, f.fileSize)}) of executable code are not Go functions; CGO_ENABLED=0 removes them if nothing needs cgo (net and os/user have pure-Go fallbacks: -tags netgo,osusergo)`,
      ],
    };
  },

  'GR-SIZE-004': (f) => {
    // Pseudo-modules (<unknown module> in GOPATH builds), std and the main module (`main` when the
    // build info names none) are not dependencies; one below a percent is not worth a line.
    const deps = f.modules
      .filter((m) => !m.path.startsWith('<') && m.path !== 'std' && m.path !== 'main' && m.path !== f.buildInfo?.main?.path)
      .filter((m) => m.bytes >= WORTH_SAYING * f.fileSize)
      .slice(0, 5);
    if (!deps.length) return null;
    return { evidence: deps.map((d) => `${d.path} ${d.bytes} bytes (${pct(d.bytes, f.fileSize)})`) };
  },

  'GR-SIZE-005': (f) =>
    f.upx
      ? {
          evidence: [
            'the file is smaller on disk but every process unpacks it into private memory (no page sharing, slower start), antivirus tools flag packed binaries, and Go tooling cannot read it; prefer -s -w',
          ],
        }
      : null,
} satisfies Checks<SizeFacts>;

/**
 * What trimpath would remove from the file-name table: GOROOT/src/ before std files, the module
 * cache directory before module files, the build directory before main-module files. An estimate:
 * the same prefixes also occur in DWARF, which -w removes anyway.
 */
export function trimpathSavings(files: string[]): number {
  const goroot = files.find((f) => f.endsWith('/src/runtime/proc.go'))?.slice(0, -'runtime/proc.go'.length);
  let saved = 0;
  for (const f of files) {
    if (!f.startsWith('/')) continue;
    if (goroot && f.startsWith(goroot)) saved += goroot.length;
    else {
      const i = f.indexOf('/pkg/mod/');
      if (i >= 0) saved += i + '/pkg/mod/'.length;
    }
  }
  return saved;
}
