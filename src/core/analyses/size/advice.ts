import type { BuildInfoData } from '../../go/modinfo.js';
import type { SizeAdvice, SizeReport } from './model.js';

const pct = (n: number, total: number) => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;

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

/** Only advice that applies to this binary. */
export function sizeAdvice(r: SizeReport, bi: BuildInfoData | null, files: string[], upx: boolean): SizeAdvice[] {
  const out: SizeAdvice[] = [];
  const mod = (p: string) => r.modules.find((m) => m.path === p)?.bytes ?? 0;
  const symtab = mod('<symtab>');
  const dwarf = mod('<dwarf>');
  if (symtab + dwarf > 0) {
    out.push({
      id: 'GR-SIZE-001',
      title: 'Strip symbols and DWARF with -ldflags="-s -w"',
      savingsBytes: symtab + dwarf,
      detail: `symbol tables ${symtab} bytes + DWARF ${dwarf} bytes = ${pct(symtab + dwarf, r.fileSize)} of the file; stack traces keep function names and lines (they come from the pclntab), debuggers and profilers lose symbols`,
    });
  }
  const trimmed = bi?.settings.some((s) => s.key === '-trimpath' && s.value === 'true');
  if (bi && !trimmed && files.length) {
    const saved = trimpathSavings(files);
    if (saved > 0) {
      out.push({
        id: 'GR-SIZE-002',
        title: 'Build with -trimpath',
        savingsBytes: saved,
        detail: `about ${saved} bytes of build-machine directory prefixes in the ${files.length} file names of the pclntab; also makes builds reproducible across machines (note: -trimpath drops -ldflags from the recorded build settings)`,
      });
    }
  }
  const c = mod('<C>');
  if (c > 0) {
    out.push({
      id: 'GR-SIZE-003',
      title: 'C code linked through cgo',
      savingsBytes: 0,
      detail: `${c} bytes (${pct(c, r.fileSize)}) of executable code are not Go functions; CGO_ENABLED=0 removes them if nothing needs cgo (net and os/user have pure-Go fallbacks: -tags netgo,osusergo)`,
    });
  }
  const deps = r.modules.filter((m) => !m.path.startsWith('<') && m.path !== 'std' && m.path !== bi?.main?.path).slice(0, 5);
  if (deps.length) {
    out.push({
      id: 'GR-SIZE-004',
      title: 'Largest dependencies',
      savingsBytes: 0,
      detail: deps.map((d) => `${d.path} ${d.bytes} bytes (${pct(d.bytes, r.fileSize)})`).join('; '),
    });
  }
  if (upx) {
    out.push({
      id: 'GR-SIZE-005',
      title: 'UPX-packed',
      savingsBytes: 0,
      detail:
        'the file is smaller on disk but every process unpacks it into private memory (no page sharing, slower start), antivirus tools flag packed binaries, and Go tooling cannot read it; prefer -s -w',
    });
  }
  return out;
}
