import type { AtomicSite, Placement } from '../source/access.js';
import type { SourceFacts } from '../source/analyse.js';
import { ARCH32 } from '../source/layout.js';
import { RULES, type Rule, type RuleIdOf } from './rules.js';
import type { SourceFinding } from './source-finding.js';

/**
 * The rules of `goready lint` (GR-ATOMIC-*; rules.ts has each rule): pure functions of the source
 * facts, each returning its hits at their positions. atomicFindings runs them in table order and
 * fills ID and default severity from the table.
 */
type SourceHit = Omit<SourceFinding, 'id' | 'severity'>;

/** A cache line on amd64 and most arm64 cores; Apple's M-series cores use 128. */
const LINE = 64;
const APPLE_LINE = 128;

export interface AtomicLintOptions {
  /** The 32-bit GOARCHes to check alignment for (default: 386, arm, mips, mipsle). */
  goarches?: string[];
  /** Count plain accesses in _test.go files (default false: tests read counters after joining goroutines). */
  tests?: boolean;
}

export const atomicChecks: Record<RuleIdOf<'lint'>, (facts: SourceFacts, opts: AtomicLintOptions) => SourceHit[]> = {
  'GR-ATOMIC-001': (facts, opts) => misaligned(facts.sites, new Set(opts.goarches ?? ARCH32)),
  'GR-ATOMIC-002': (facts, opts) => mixed(facts, !!opts.tests),
  'GR-ATOMIC-003': (facts) => falseSharing(facts.sites),
};

/** The lint rules, in table order (SARIF's rule list). */
export const LINT_RULES: Rule[] = RULES.filter((r) => r.command === 'lint');

export function atomicFindings(facts: SourceFacts, opts: AtomicLintOptions = {}, skip: ReadonlySet<string> = new Set()): SourceFinding[] {
  const out: SourceFinding[] = [];
  for (const rule of LINT_RULES) {
    if (skip.has(rule.id)) continue;
    const check = atomicChecks[rule.id as RuleIdOf<'lint'>];
    for (const hit of check(facts, opts)) out.push({ id: rule.id, severity: rule.severity, ...hit });
  }
  return out;
}

function misaligned(sites: AtomicSite[], goarches: Set<string>): SourceHit[] {
  const out: SourceHit[] = [];
  for (const s of sites) {
    const bad = s.placements.filter((p) => goarches.has(p.goarch) && (p.offset % 8 !== 0 || (p.stride ?? 0) % 8 !== 0));
    if (!bad.length) continue;
    const typed = s.op.includes('Uint64') ? 'atomic.Uint64' : 'atomic.Int64';
    const strided = bad.some((p) => (p.stride ?? 0) % 8 !== 0);
    out.push({
      message: `atomic.${s.op}(&${s.target}) on a word that is not 8-byte aligned on ${bad.map((p) => p.goarch).join(', ')}: it panics there ("unaligned 64-bit atomic operation")`,
      file: s.file,
      line: s.line,
      column: s.column,
      evidence: bad.map((p) => placementText(s.target, p)),
      fix: strided
        ? `Make the element size a multiple of 8 on 32-bit platforms (put the 64-bit fields first and pad), or declare the field as ${typed}, which the compiler always aligns to 8 bytes (Go >= 1.19).`
        : `Declare the field as ${typed} (always 8-byte aligned, Go >= 1.19), or move it to the start of the struct: the first word of an allocated struct, array or slice is 64-bit aligned.`,
    });
  }
  return out;
}

function placementText(target: string, p: Placement): string {
  const at = p.stride === null ? `offset ${p.offset}` : `offset ${p.offset} + i*${p.stride}`;
  const why = p.offset % 8 !== 0 ? `${p.offset} mod 8 = ${p.offset % 8}` : `elements of ${p.stride} bytes put every other one at 4 mod 8`;
  return `${p.goarch}: ${target} at ${at} from an 8-byte aligned base (${why})`;
}

function mixed(facts: SourceFacts, tests: boolean): SourceHit[] {
  const byKey = new Map<string, AtomicSite[]>();
  for (const s of facts.sites) if (s.key) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  const out: SourceHit[] = [];
  const seen = new Set<string>();
  for (const p of facts.plain) {
    if (p.test && !tests) continue;
    const sites = byKey.get(p.key);
    const where = `${p.file}:${p.line}`;
    if (!sites?.length || seen.has(`${where}:${p.key}`)) continue;
    seen.add(`${where}:${p.key}`);
    const first = sites[0] as AtomicSite;
    const typed = first.typed;
    out.push({
      message: typed
        ? `${p.target} is a sync/atomic.${first.op.split('.')[0]}; this ${p.write ? 'assignment overwrites' : 'use copies'} it without an atomic operation`
        : `${p.target} is ${p.write ? 'written' : 'read'} here without sync/atomic, but accessed atomically elsewhere (${sites.length} place${sites.length > 1 ? 's' : ''})`,
      file: p.file,
      line: p.line,
      column: p.column,
      evidence: [
        `plain ${p.write ? 'write' : 'read'}: ${p.target} at ${where}:${p.column}`,
        ...sites
          .slice(0, 3)
          .map((s) => `atomic: ${s.typed ? `${s.target}.${s.op.split('.')[1]}()` : `atomic.${s.op}(&${s.target})`} at ${s.file}:${s.line}:${s.column}`),
      ],
      fix: typed
        ? `Use its methods (${p.target}.Load(), .Store(v)) and pass it by pointer; copying a typed atomic is a data race (go vet copylocks).`
        : `Use sync/atomic for every access to ${p.target} once it is shared (atomic.Load/Store), or change its type to the typed atomic (atomic.Int64, atomic.Uint32, ...) so that a plain access no longer compiles.`,
    });
  }
  return out;
}

function falseSharing(sites: AtomicSite[]): SourceHit[] {
  const groups = new Map<string, AtomicSite[]>();
  for (const s of sites) {
    const e = s.element;
    // Counters: arithmetic and compare-and-swap on integers. Pointer slots (tries, tables) are not per-core counters.
    if (!s.update || !e || e.size64 === null || e.size64 >= LINE || /Pointer|Value|Bool|Store/.test(s.op)) continue;
    const k = e.decl ? `${e.decl.file}:${e.decl.line}` : `${s.file}:${s.line}:${e.type}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const out: SourceHit[] = [];
  for (const list of groups.values()) {
    const s = list[0] as AtomicSite;
    const e = s.element as NonNullable<AtomicSite['element']>;
    const size = e.size64 as number;
    const where = e.decl ?? s;
    const pad = LINE - (size % LINE);
    const padApple = APPLE_LINE - (size % APPLE_LINE);
    out.push({
      message: `${e.type} is ${size} bytes and its elements are updated atomically per index (${list.length} place${list.length > 1 ? 's' : ''}): ${Math.floor(LINE / size) || 1} elements share each ${LINE}-byte cache line, so cores updating different elements contend`,
      file: where.file,
      line: where.line,
      column: where.column,
      evidence: [
        `element ${e.type}: ${size} bytes on amd64/arm64`,
        ...list
          .slice(0, 3)
          .map((x) => `${x.typed ? `${x.target}.${x.op.split('.')[1]}()` : `atomic.${x.op}(&${x.target})`} at ${x.file}:${x.line}:${x.column}`),
      ],
      fix: `Pad ${e.type} to a whole cache line: add \`_ [${pad}]byte\` as its last field (${LINE}-byte lines: amd64, most arm64), or \`_ [${padApple}]byte\` for Apple silicon's ${APPLE_LINE}-byte lines; or add \`_ cpu.CacheLinePad\` from golang.org/x/sys/cpu.`,
    });
  }
  return out;
}
