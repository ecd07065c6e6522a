/**
 * Licence text classification against the SPDX licence list, offline. The corpus (id → text) is
 * passed in, so this module stays free of Node APIs; `src/license/corpus.ts` loads the npm
 * `spdx-license-list` texts in Node.
 *
 * Method (see shared/research/licenses-and-libraries.md A.8): texts are normalised per the SPDX
 * matching guidelines, compared as multisets of word bigrams — Sørensen–Dice for "this file is
 * licence X", containment for "this file contains licence X" (dual licensing, notices) — and
 * vetoed when a meaning-changing word differs (Lesser, Affero, Library, the version number).
 */

export interface LicenseMatch {
  /** SPDX id, or LicenseRef-<hash> for an unknown text. */
  id: string;
  /** 0–1: Dice similarity for a whole-file match, containment for a licence found inside a file. */
  confidence: number;
  /** Other ids whose texts are the same as far as matching can tell (e.g. GPL-2.0-only / -or-later). */
  alternatives?: string[];
}

export interface Classification {
  matches: LicenseMatch[];
  /** Fraction of the file's word bigrams explained by the matches. */
  coverage: number;
}

interface Entry {
  id: string;
  grams: Map<string, number>;
  total: number;
  /** How often each meaning-changing word occurs. */
  marks: number[];
  version: string | null;
}

export interface LicenseIndex {
  entries: Entry[];
  /** Deprecated ids: used only when no current id has the same text. */
  deprecated: Set<string>;
  /** Inverted index: bigram → [entry index, count] pairs, so a text is scored against every licence in one pass. */
  postings: Map<string, Int32Array>;
}

/** SPDX equivalent words (license-list-XML equivalentwords.txt, the ones licence texts use). */
const EQUIVALENT: [RegExp, string][] = [
  [/\blicen[cs]e(s|d)?\b/g, 'license$1'],
  [/\bsub[- ]licen[cs]e/g, 'sublicense'],
  [/\bnon[- ]commercial\b/g, 'noncommercial'],
  [/\backnowledg(e)?ment\b/g, 'acknowledgment'],
  [/\bcopyright (holder|owner)(s)?\b/g, 'copyrightholder$2'],
  [/\bper cent\b/g, 'percent'],
  [/\band\/or\b/g, 'and'],
  [/\bmerchantib/g, 'merchantab'],
  [/\bfree of charge\b/g, 'freeofcharge'],
];

const WORDS_THAT_CHANGE_MEANING = ['lesser', 'affero', 'library', 'noncommercial', 'exception'];

/** Normalises a licence text into words (SPDX matching guidelines B.3–B.14, simplified). */
export function normalize(text: string): string[] {
  let t = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  t = t.replace(/&(amp|lt|gt|quot|#39);/g, ' ');
  t = t.toLowerCase();
  // Copyright notices differ in every file: drop the lines (B.11), and the (c)/© marks.
  t = t
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(\/\/+|#+|\*+|;+|--+|\/\*+|\*\/|rem\b)\s?/, ''))
    // Notices ("Copyright (c) 2020 Jane", "© 1999-2003 X"), not clauses that start with the word
    // ("copyright notice and this permission notice appear in all copies").
    .filter((l) => !/^\s*(copyright\s*(\(c\)|©|\d{4}|<year>|\[yyyy\]|yyyy|year)|\(c\)\s*\d|©)/.test(l))
    // List bullets and numbering are not words (B.8).
    .map((l) => l.replace(/^\s*(\(?\d{1,2}[.)]|\(?[a-z][.)]|[*•-])\s+/, ''))
    .join('\n');
  t = t.replace(/©|\(c\)/g, ' ');
  t = t.replace(/https?:\/\/\S+/g, (u) => ` ${u.replace(/^https?:\/\//, '').replace(/[/.]+$/, '')} `);
  // Words hyphenated across a line break are one word.
  t = t.replace(/(\w)-\n\s*(\w)/g, '$1$2');
  for (const [re, to] of EQUIVALENT) t = t.replace(re, to);
  // Version numbers (2.0, 1.1) are one word; every other non-word character separates words.
  return t.match(/\d+(?:\.\d+)+|[a-z0-9]+/g) ?? [];
}

function bigrams(words: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + 1 < words.length; i++) {
    const g = `${words[i]} ${words[i + 1]}`;
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** The version a licence text names first ("version 2.1", "v1.1", "2.0"), for the version veto. */
function versionOf(words: string[]): string | null {
  for (let i = 0; i < Math.min(words.length, 80); i++) {
    const w = words[i] as string;
    if ((w === 'version' || w === 'v') && /^\d+(\.\d+)?$/.test(words[i + 1] ?? '')) return words[i + 1] as string;
  }
  return null;
}

function entryOf(id: string, text: string): Entry {
  const words = normalize(text);
  const grams = bigrams(words);
  return { id, grams, total: Math.max(1, words.length - 1), marks: marksOf(words), version: versionOf(words) };
}

/** Builds the index once (a few hundred ms for the 700+ SPDX texts). */
export function buildIndex(texts: Record<string, string>, deprecated: Iterable<string> = []): LicenseIndex {
  const entries = Object.entries(texts)
    .filter(([, t]) => t.trim().length > 0)
    .map(([id, t]) => entryOf(id, t));
  const lists = new Map<string, number[]>();
  entries.forEach((e, i) => {
    for (const [g, c] of e.grams) {
      const l = lists.get(g);
      if (l) l.push(i, c);
      else lists.set(g, [i, c]);
    }
  });
  const postings = new Map<string, Int32Array>();
  for (const [g, l] of lists) postings.set(g, Int32Array.from(l));
  return { entries, deprecated: new Set(deprecated), postings };
}

function marksOf(words: string[]): number[] {
  return WORDS_THAT_CHANGE_MEANING.map((w) => words.reduce((n, x) => n + (x === w ? 1 : 0), 0));
}

/**
 * A meaning-bearing word that one text uses far more often than the other (the GPL mentions the
 * Lesser GPL once or twice, the LGPL names itself throughout), or another version number, makes a
 * near-identical text another licence. One or two mentions differ between editions of the same
 * licence (older GPL-2 texts say "Library" where newer ones say "Lesser") and do not count.
 */
function vetoed(e: Entry, marks: number[], version: string | null): boolean {
  for (let i = 0; i < marks.length; i++) {
    const a = marks[i] as number;
    const b = e.marks[i] as number;
    if (Math.abs(a - b) >= 3 && Math.max(a, b) >= 2 * Math.min(a, b)) return true;
  }
  return e.version !== null && version !== null && e.version !== version;
}

/** FNV-1a over the normalised words: a stable LicenseRef for texts no SPDX licence matches. */
export function unknownRef(words: string[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of words.join(' ')) {
    const c = ch.charCodeAt(0);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `LicenseRef-${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

const WHOLE = 0.9;
const CONTAINED = 0.9;
const MIN_COVERAGE = 0.75;

/**
 * Classifies one licence file: the licence it is (Dice ≥ 0.9), or every licence it contains
 * (containment ≥ 0.9, larger licences preferred over ones they contain); an unknown text gets a
 * LicenseRef.
 */
export function classify(index: LicenseIndex, text: string): Classification {
  const words = normalize(text);
  if (words.length < 3) return { matches: [], coverage: 0 };
  const grams = bigrams(words);
  const total = Math.max(1, words.length - 1);
  const marks = marksOf(words);
  const version = versionOf(words);

  const common = new Float64Array(index.entries.length);
  for (const [g, c] of grams) {
    const p = index.postings.get(g);
    if (!p) continue;
    for (let i = 0; i < p.length; i += 2) {
      const e = p[i] as number;
      common[e] = (common[e] as number) + Math.min(c, p[i + 1] as number);
    }
  }
  const scored = index.entries.map((e, i) => {
    const n = common[i] as number;
    return { e, common: n, dice: (2 * n) / (total + e.total), contained: n / e.total };
  });

  // Deprecated ids (GPL-2.0+, …) only stand in when no current id matches.
  const current = scored.filter((s) => !vetoed(s.e, marks, version) && !index.deprecated.has(s.e.id));
  const found = decide(current, grams, total);
  if (found) return found;
  const old = decide(
    scored.filter((s) => !vetoed(s.e, marks, version)),
    grams,
    total,
  );
  return old ?? { matches: [{ id: unknownRef(words), confidence: 0 }], coverage: 0 };
}

interface Scored {
  e: Entry;
  common: number;
  dice: number;
  contained: number;
}

function decide(ranked: Scored[], grams: Map<string, number>, total: number): Classification | null {
  const sameText = (a: Scored, b: Scored) => Math.abs(a.common - b.common) < 1 && Math.abs(a.e.total - b.e.total) < 1;
  const match = (c: Scored, pool: Scored[], confidence: number): LicenseMatch => {
    const ties = pool
      .filter((x) => sameText(x, c))
      .map((x) => x.e.id)
      .sort((a, b) => a.length - b.length || a.localeCompare(b));
    const m: LicenseMatch = { id: ties[0] as string, confidence: round(confidence) };
    if (ties.length > 1) m.alternatives = ties.slice(1);
    return m;
  };

  // Licences the file contains, best fit first. One whose bigrams a chosen licence already
  // explains (MIT-0 inside MIT, BSD-2 inside BSD-3, 0BSD inside ISC) is that licence's text, not a
  // second licence: the larger licence wins.
  const contained = ranked.filter((s) => s.contained >= CONTAINED && s.e.total >= 10).sort((a, b) => b.dice - a.dice || b.common - a.common);
  const chosen: typeof contained = [];
  const explained = new Map<string, number>();
  for (const c of contained) {
    if (chosen.some((x) => sameText(x, c))) continue;
    let fresh = 0;
    for (const [g, n] of c.e.grams) fresh += Math.max(0, Math.min(grams.get(g) ?? 0, n) - (explained.get(g) ?? 0));
    if (fresh < 0.5 * c.common) continue;
    chosen.push(c);
    for (const [g, n] of c.e.grams) explained.set(g, Math.max(explained.get(g) ?? 0, Math.min(grams.get(g) ?? 0, n)));
  }
  let covered = 0;
  for (const n of explained.values()) covered += n;
  if (chosen.length && covered / total >= MIN_COVERAGE) {
    return { matches: chosen.map((c) => match(c, contained, c.contained)), coverage: round(covered / total) };
  }

  // A text edited a little more than containment allows (reflowed, a clause reworded): the best
  // whole-file Dice.
  const best = [...ranked].sort((a, b) => b.dice - a.dice)[0];
  if (best && best.dice >= WHOLE) return { matches: [match(best, ranked, best.dice)], coverage: round(best.common / total) };
  return null;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
