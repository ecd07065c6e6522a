import type { AtomicsResult } from '../analyses/atomics.js';
import type { FunctionAtomics } from '../code/atomics.js';
import { text } from './escape.js';
import { renderFindingsText } from './findings.js';

/** What Go guarantees of its atomics, said with every census (the CLI's text and the page). */
export const MEMORY_MODEL =
  "Go's sync/atomic operations are sequentially consistent on every GOARCH (there is no acquire/release API); LSE changes which instructions implement them, not what they guarantee.";

const mnemonicList = (m: Record<string, number>, limit = 8) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

function functionLine(f: FunctionAtomics, arch: string): string {
  const counts =
    arch === 'arm64'
      ? `lse ${f.lse}${f.lse ? (f.guarded ? ' guarded' : ' UNGUARDED') : ''}, llsc ${f.llsc}, ldar ${f.ldar}, stlr ${f.stlr}, dmb ${f.dmb}`
      : arch === 'arm'
        ? `ldrex/strex ${f.llsc}, dmb ${f.dmb}`
        : `lock ${f.lock}, xchg ${f.xchg}, mfence ${f.mfence}`;
  return text`\t${f.name}\t${counts}\t${mnemonicList(f.mnemonics, 4)}`;
}

/** Text: the totals, what they mean for LSE, the top functions or packages, and the verdict. */
export function renderAtomicsText(r: AtomicsResult, opts: { by: 'function' | 'package'; top: number }): string {
  const lines = [text`${r.path}: ${r.arch}, ${r.goVersion ?? 'Go version unknown'}${r.goarm64 ? `, GOARM64=${r.goarm64}` : ''}`];
  const all: Record<string, number> = {};
  for (const f of r.functions) for (const [m, n] of Object.entries(f.mnemonics)) all[m] = (all[m] ?? 0) + n;
  if (r.arch === 'arm64') {
    lines.push(`\tLSE\t${r.lse.total} (${r.lse.guarded} guarded, ${r.lse.unguarded} unguarded)`);
    lines.push(`\tLL/SC\t${r.llsc.total} exclusive loads/stores (LDXR/STXR loops, the ARMv8.0 path)`);
    lines.push(`\tLDAR/STLR/DMB\t${r.ldar} / ${r.stlr} / ${r.dmb}`);
    lines.push(
      `\trequires LSE\t${
        r.requiresLSE
          ? `yes: ${r.lse.unguarded} LSE instructions run with no fallback; a CPU without LSE (ARMv8.0: Cortex-A53/A72, Raspberry Pi 3/4, Graviton 1) dies with SIGILL`
          : r.lse.total
            ? text`no: every LSE instruction sits behind the runtime's check${r.flagSymbols.length ? ` (${r.flagSymbols.join(', ')})` : ''} with an LL/SC fallback`
            : 'no'
      }`,
    );
  } else if (r.arch === 'arm') {
    lines.push(`\tLDREX/STREX\t${r.llsc.total}`, `\tDMB\t${r.dmb}`);
  } else {
    lines.push(`\tLOCK\t${r.lock} locked read-modify-writes`, `\tXCHG\t${r.xchg} with memory (implicitly locked)`, `\tMFENCE\t${r.mfence}`);
  }
  lines.push(text`\tinstructions\t${mnemonicList(all, 12) || 'none'}`);
  if (opts.by === 'package' && r.packages) {
    lines.push(`\tpackages (${r.packages.length}):`);
    for (const p of r.packages.slice(0, opts.top)) {
      const c =
        r.arch === 'arm64'
          ? `lse ${p.lse} (${p.lseUnguarded} unguarded), llsc ${p.llsc}, ldar ${p.ldar}, stlr ${p.stlr}`
          : r.arch === 'arm'
            ? `ldrex/strex ${p.llsc}, dmb ${p.dmb}`
            : `lock ${p.lock}, xchg ${p.xchg}, mfence ${p.mfence}`;
      lines.push(text`\t${p.package}\t${p.functions} functions\t${c}`);
    }
  } else {
    const weight = (f: FunctionAtomics) => f.lse + f.llsc + f.ldar + f.stlr + f.dmb + f.lock + f.xchg + f.mfence;
    // Unguarded LSE first: those are the functions that decide where the binary can run.
    const fs = [...r.functions].sort((a, b) => Number(b.lse > 0 && !b.guarded) - Number(a.lse > 0 && !a.guarded) || weight(b) - weight(a) || a.entry - b.entry);
    lines.push(`\tfunctions (${r.functions.length} with atomic instructions${fs.length > opts.top ? `, top ${opts.top}` : ''}):`);
    for (const f of fs.slice(0, opts.top)) lines.push(functionLine(f, r.arch));
  }
  if (r.verdict) {
    const v = r.verdict;
    lines.push(
      text`\ttarget\t${v.target}: ${v.lse ? 'has' : 'lacks'} LSE${v.cores ? `, ${v.cores} cores` : ''}${v.cpu ? ` (${v.cpu.core}, ${v.cpu.isa}; ${v.cpu.source})` : ''}`,
    );
    lines.push(v.findings.length ? renderFindingsText(v.findings).trimEnd() : '\tverdict\tno findings: the atomics suit this CPU');
  }
  lines.push(`\tnote\t${MEMORY_MODEL}`);
  return `${lines.join('\n')}\n`;
}
