import { targetsOf } from '../analyses/targets.js';
import type { FunctionFacts, InspectReport } from '../facts/binary.js';
import { modinfoFields } from '../go/modinfo.js';
import { escapeText, text } from './escape.js';

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * The text view: the build info exactly as `go version -m` prints it (tab-indented), then goready's
 * extra facts as more tab-separated lines, so `grep` and `cut -f` work on both.
 */
export function renderInspectText(r: InspectReport, opts: { functions?: boolean } = {}): string {
  return [...inspectTextPieces(r, opts.functions ? r.functions : undefined)].join('');
}

/** Lines of function entries written per piece. */
const BATCH = 1024;

/** renderInspectText in pieces: the facts, then a line per function (from any iterable), a batch at a time. */
export function* inspectTextPieces(r: InspectReport, functions?: Iterable<FunctionFacts>): Generator<string> {
  const lines: string[] = [];
  const name = r.file.universal ? `${r.path} [${r.file.arch}]` : r.path;
  const upx = r.diagnosis.some((d) => d.startsWith('UPX-packed'));
  // The version as `go version -m` prints it, GOEXPERIMENTs (` X:…`) included.
  const version = r.go.version && r.go.experiments.length ? `${r.go.version} X:${r.go.experiments.join(',')}` : r.go.version;
  lines.push(text`${name}: ${version ?? (r.go.isGo ? 'go version unknown' : upx ? 'UPX-packed, contents unknown' : 'not a Go binary')}`);
  if (r.buildInfo) for (const l of modinfoFields(r.buildInfo)) lines.push(`\t${l.map(escapeText).join('\t')}`);

  const f = r.file;
  const fileBits = [f.format, f.arch, `${f.bits}-bit`, `${f.endian}-endian`, f.kind, f.stripped ? 'stripped' : 'not stripped', f.dwarf ? 'DWARF' : 'no DWARF'];
  if (f.universal) fileBits.push(`universal slice ${f.universal.index + 1}/${f.universal.count}`);
  lines.push(text`\tfile\t${fileBits.join(', ')}`);
  if (f.buildId) lines.push(text`\tbuildid\t${f.buildId}`);
  if (r.go.version) {
    const exp = r.go.experiments.length ? ` X:${r.go.experiments.join(',')}` : '';
    lines.push(
      text`\tgo\t${r.go.version}${exp} (from ${r.go.versionSource === 'buildinfo' ? 'build info' : r.go.versionSource === 'symbol' ? 'runtime.buildVersion' : 'a string scan'})`,
    );
  }
  const c = r.go.crypto;
  if (c.boringcrypto || c.gofips140 || c.fips140Godebug) {
    const parts = [
      c.boringcrypto ? 'BoringCrypto (GOEXPERIMENT=boringcrypto)' : '',
      c.gofips140 ? `GOFIPS140=${c.gofips140}` : '',
      c.fips140Godebug ? `GODEBUG fips140=${c.fips140Godebug}` : '',
    ];
    lines.push(text`\tcrypto\t${parts.filter(Boolean).join(', ')}`);
  }
  if (r.pclntab) {
    const p = r.pclntab;
    lines.push(text`\tpclntab\t${p.format}, ${p.functionCount} functions (located by ${p.locatedBy} at ${hex(p.offset)})`);
  }
  const l = r.linkage;
  lines.push(text`\tlinkage\t${l.static ? 'static' : 'dynamic'}${l.interpreter ? `, interpreter ${l.interpreter}` : ''}`);
  for (const n of l.needed) lines.push(text`\tneeded\t${n}`);
  if (l.rpath.length) lines.push(text`\trpath\t${l.rpath.join(':')}`);
  if (l.runpath.length) lines.push(text`\trunpath\t${l.runpath.join(':')}`);
  for (const vn of l.versionNeeds) {
    for (const v of vn.versions) lines.push(`${text`\tversion\t${vn.file}\t${v.name}`}${v.symbols.length ? text`\t${v.symbols.join(' ')}` : ''}`);
  }
  if (l.minGlibc) lines.push(text`\tglibc\t>= ${l.minGlibc}`);
  if (f.format === 'elf') lines.push(text`\truns on\t${targetsOf(r).summary}`);
  for (const d of r.diagnosis) lines.push(text`\tdiagnosis\t${d}`);
  yield `${lines.join('\n')}\n`;
  if (!functions) return;
  let piece = '';
  let n = 0;
  for (const fn of functions) {
    piece += `${text`\tfunc\t${hex(fn.entry)}\t${fn.size}\t${fn.package || '-'}\t${fn.name}`}${fn.file ? text`\t${fn.file}` : ''}\n`;
    if (++n % BATCH === 0) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}
