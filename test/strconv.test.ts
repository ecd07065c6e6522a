import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRune, QuoteSyntaxError, quote, quotedPrefix, unquote, unquoteBytes } from '../src/core/go/strconv.js';
import { GO } from './helpers/corpus.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A small deterministic PRNG (mulberry32): the same inputs on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLES = [
  '',
  'plain',
  'a b',
  'tab\there',
  'nl\nx',
  'quote"d',
  'back\\slash',
  'bell\x07',
  'del\x7f',
  'ctl\x01\x1f',
  'é ü 日本',
  'emoji 😀',
  'zero\u200bwidth',
  'bidi\u202e',
  'nbsp\u00a0',
  '`tick`',
  "'single'",
  '\ufffd real replacement character',
  '\u0085 next line, \u2028 line separator, \u00ad soft hyphen',
  'combining e\u0301 and \u20dd',
  '\ue000 private use, \u{f0000} plane 15',
  '\u{10ffff}',
  '-ldflags=-s -w -X "main.version=1.2.3"',
  // strconv's own quote_test.go inputs.
  '\x07\b\f\r\n\t\v',
  '\\',
  '\u263a',
  '\x04',
  '!\u00a0!\u2000!\u3000!',
];

/** Byte strings that are not UTF-8: Go writes each bad byte as \xNN. */
const BAD_BYTES = [
  [0x61, 0x62, 0x63, 0xff, 0x64, 0x65, 0x66], // quote_test.go's "abc\xffdef"
  [0x80],
  [0xc0, 0xaf], // overlong '/'
  [0xe0, 0x80, 0xaf], // overlong
  [0xed, 0xa0, 0x80], // surrogate U+D800
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf0, 0x9f, 0x98], // truncated 😀
  [0xe2, 0x82], // truncated €
  [0xf5, 0x80, 0x80, 0x80],
  [0xc3, 0xa9, 0xff, 0xc3],
];

// strconv's quote_test.go: unquotetests and misquoted.
const GO_UNQUOTE = [
  '""',
  '"a"',
  '"abc"',
  '"☺"',
  '"hello world"',
  '"\\xFF"',
  '"\\377"',
  '"\\u1234"',
  '"\\U00010111"',
  '"\\U0001011111"',
  '"\\a\\b\\f\\n\\r\\t\\v\\\\\\""',
  '"\'"',
  "'a'",
  "'☹'",
  "'\\a'",
  "'\\x10'",
  "'\\377'",
  "'\\u1234'",
  "'\\U00010111'",
  "'\\t'",
  "' '",
  "'\\''",
  "'\"'",
  '``',
  '`a`',
  '`abc`',
  '`☺`',
  '`hello world`',
  '`\\xFF`',
  '`\\377`',
  '`\\`',
  '`\n`',
  '`\t`',
  '` `',
  '`a\rb`',
  '',
  '"',
  '"a',
  '"\'',
  'b"',
  '"\\"',
  '"\\9"',
  '"\\19"',
  '"\\129"',
  "'\\'",
  "'\\9'",
  "'\\19'",
  "'\\129'",
  "'ab'",
  '"\\x1!"',
  '"\\U12345678"',
  '"\\z"',
  '`',
  '`xxx',
  '``x\r',
  '`"',
  '"\\\'"',
  "'\\\"'",
  '"\n"',
  '"\\n\n"',
  "'\n'",
  '"\\udead"',
  '"\\ud83d\\ude4f"',
  "''",
];

/** Random strings over code points from every plane and category (no lone surrogates). */
function randomStrings(n: number, next: () => number): string[] {
  const ranges: [number, number][] = [
    [0, 0x7f],
    [0x80, 0x24f],
    [0x250, 0x2fff],
    [0x3000, 0xd7ff],
    [0xe000, 0xffff],
    [0x10000, 0x1ffff],
    [0x20000, 0x3ffff],
    [0xe0000, 0x10ffff],
  ];
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    let s = '';
    const len = 1 + Math.floor(next() * 8);
    for (let j = 0; j < len; j++) {
      const [lo, hi] = ranges[Math.floor(next() * ranges.length)] as [number, number];
      s += String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
    }
    out.push(s);
  }
  return out;
}

/** Random quoted-looking strings built from the tokens that make quoting hard. */
function randomQuoted(n: number, next: () => number): string[] {
  const tokens = [
    '"',
    "'",
    '`',
    '\\',
    '\\x',
    '\\u',
    '\\U',
    '\\0',
    '\\3',
    '\\4',
    '\\n',
    "\\'",
    '\\"',
    '\\\\',
    '0',
    '7',
    '8',
    'f',
    'F',
    'g',
    'a',
    'z',
    '\n',
    '\r',
    '\t',
    ' ',
    'é',
    '😀',
    '\ufffd',
    '\\ud800',
    'D',
    '10ffff',
    '110000',
  ];
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const q = ['"', "'", '`'][Math.floor(next() * 3)] as string;
    let s = q;
    const len = Math.floor(next() * 6);
    for (let j = 0; j < len; j++) s += tokens[Math.floor(next() * tokens.length)];
    if (next() < 0.85) s += q;
    if (next() < 0.2) s += tokens[Math.floor(next() * tokens.length)];
    out.push(s);
  }
  return out;
}

interface GoResult {
  quote: string[];
  unquote: { ok: boolean; out: string | null }[];
  quotedPrefix: { ok: boolean; out: string | null }[];
  assigned: boolean[];
  unicode: string;
}

/** Go's own strconv over the inputs: test/tools/strconv, run with Debian's Go. */
function goStrconv(quoteIn: Uint8Array[], unquoteIn: string[], runes: number[]): GoResult {
  const out = execFileSync(GO, ['run', join(import.meta.dirname, 'tools', 'strconv', 'main.go')], {
    input: JSON.stringify({ quote: quoteIn.map((b) => Buffer.from(b).toString('base64')), unquote: unquoteIn, runes }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' },
  });
  return JSON.parse(out) as GoResult;
}

const b64 = (s: string | null) => new Uint8Array(Buffer.from(s ?? '', 'base64'));

describe('Go strconv, compared with Go', () => {
  const next = rng(20240611);
  const random = randomStrings(3000, next);
  const quoteStrings = [...SAMPLES, ...random];
  const quoteIn = [...quoteStrings.map((s) => enc.encode(s)), ...BAD_BYTES.map((b) => Uint8Array.from(b))];
  const runes = [...new Set(random.flatMap((s) => [...s].map((c) => c.codePointAt(0) as number)))];
  const unquoteIn = [...GO_UNQUOTE, ...randomQuoted(6000, next)];
  // Go's quoted forms are inputs too: they must unquote back to the original.
  const go0 = goStrconv(quoteIn, [], runes);
  const allUnquote = [...unquoteIn, ...go0.quote];
  const go = goStrconv([], allUnquote, []);

  // Characters Go's tables do not know (assigned in a later Unicode than Go 1.19's) are escaped by
  // Go and printed by JS, whose tables are newer: those strings say nothing about the quoting.
  const unknownToGo = new Set(runes.filter((_, i) => !go0.assigned[i]));
  const comparable = (i: number) =>
    i >= quoteStrings.length || ![...(quoteStrings[i] as string)].some((c) => unknownToGo.has(c.codePointAt(0) as number) && /\P{Cn}/u.test(c));

  it(`quote matches strconv.Quote (${quoteIn.length} strings, Go's Unicode ${go0.unicode})`, () => {
    let compared = 0;
    for (const [i, b] of quoteIn.entries()) {
      if (!comparable(i)) continue;
      compared++;
      expect(quote(b), JSON.stringify(dec.decode(b))).toBe(go0.quote[i]);
      if (i < quoteStrings.length) expect(quote(quoteStrings[i] as string)).toBe(go0.quote[i]);
    }
    expect(compared).toBeGreaterThan(quoteIn.length * 0.8);
  });

  it(`unquote and quotedPrefix match strconv.Unquote and QuotedPrefix (${allUnquote.length} strings)`, () => {
    let ok = 0;
    let bad = 0;
    for (const [i, s] of allUnquote.entries()) {
      const want = go.unquote[i] as GoResult['unquote'][number];
      if (want.ok) {
        ok++;
        expect(Buffer.from(unquoteBytes(s)).toString('base64'), JSON.stringify(s)).toBe(Buffer.from(b64(want.out)).toString('base64'));
        expect(unquote(s)).toBe(dec.decode(b64(want.out)));
      } else {
        bad++;
        expect(() => unquoteBytes(s), JSON.stringify(s)).toThrow(QuoteSyntaxError);
      }
      const wantPrefix = go.quotedPrefix[i] as GoResult['quotedPrefix'][number];
      if (wantPrefix.ok) expect(quotedPrefix(s), JSON.stringify(s)).toBe(dec.decode(b64(wantPrefix.out)));
      else expect(() => quotedPrefix(s), JSON.stringify(s)).toThrow(QuoteSyntaxError);
    }
    // Both outcomes are well represented.
    expect(ok).toBeGreaterThan(1000);
    expect(bad).toBeGreaterThan(1000);
  });

  it("Go's quoted forms unquote back to the original", () => {
    for (const [i, s] of quoteStrings.entries()) expect(unquote(go0.quote[i] as string)).toBe(s);
    for (const [k, b] of BAD_BYTES.entries()) expect([...unquoteBytes(go0.quote[quoteStrings.length + k] as string)]).toEqual(b);
  });
});

describe('Go strconv, by table', () => {
  it('unquote handles every escape form and raw strings', () => {
    expect(unquote('"\\x41\\101\\u00e9\\U0001F600\\a\\b\\f\\n\\r\\t\\v\\\\\\""')).toBe('AAé😀\x07\b\f\n\r\t\v\\"');
    expect(unquote('`raw \\n`')).toBe('raw \\n');
    expect(unquote('"\\xc3\\xa9"')).toBe('é');
    expect([...unquoteBytes('"\\xff\\377"')]).toEqual([0xff, 0xff]);
    expect(unquote("'\\''")).toBe("'");
  });
  it('unquote rejects malformed input', () => {
    for (const bad of ['"', '"abc', 'abc"', '"\\q"', '"\\x4"', '"\\400"', '"\\\'"', '"a"b"', '`a`b`', '"\\ud800"'])
      expect(() => unquote(bad), bad).toThrow(QuoteSyntaxError);
  });
  it('quote escapes invalid UTF-8 bytes as Go does and leaves a real U+FFFD alone', () => {
    expect(quote(Uint8Array.from([0x61, 0xff, 0x62]))).toBe('"a\\xffb"');
    expect(quote('\ufffd')).toBe('"\ufffd"');
  });
  it('decodeRune follows utf8.DecodeRune', () => {
    expect(decodeRune(Uint8Array.from([0xe2, 0x82, 0xac]), 0)).toEqual([0x20ac, 3]);
    expect(decodeRune(Uint8Array.from([0xed, 0xa0, 0x80]), 0)).toEqual([0xfffd, 1]);
    expect(decodeRune(Uint8Array.from([0xf0, 0x9f, 0x98]), 0)).toEqual([0xfffd, 1]);
  });
});
