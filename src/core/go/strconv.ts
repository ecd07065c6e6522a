/**
 * Go's strconv quoting, as runtime/debug uses it for build settings: `Unquote`/`QuotedPrefix` for
 * reading `build` lines and `Quote` for printing them exactly as `go version -m` does.
 *
 * Go strings are bytes; these functions work on the UTF-8 bytes of their input, the way Go does,
 * so the escapes, the error cases and the handling of invalid UTF-8 are Go's own. A JS string
 * cannot hold bytes that are not UTF-8: `unquote` turns such bytes (from `\xff`, `\377`) into
 * U+FFFD, and `unquoteBytes` returns them exactly. `quote` accepts bytes for the same reason.
 * Printability follows the Unicode tables of the JS engine, Go follows its own (Go 1.21+: Unicode
 * 15.0); the two differ only for characters assigned in later Unicode versions.
 */

export class QuoteSyntaxError extends Error {
  constructor(s: string) {
    super(`invalid syntax: ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`);
    this.name = 'QuoteSyntaxError';
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const CR = 0x0d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKQUOTE = 0x60;
const RUNE_ERROR = 0xfffd;

/** utf8.DecodeRune: the rune at `i` and its width; (U+FFFD, 1) for any invalid or short sequence. */
export function decodeRune(b: Uint8Array, i: number): [rune: number, size: number] {
  const c0 = b[i] as number;
  if (c0 < 0x80) return [c0, 1];
  const n = b.length - i;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (c0 < 0xc2) return [RUNE_ERROR, 1];
  if (c0 < 0xe0) {
    if (n < 2 || !cont(1)) return [RUNE_ERROR, 1];
    return [((c0 & 0x1f) << 6) | ((b[i + 1] as number) & 0x3f), 2];
  }
  if (c0 < 0xf0) {
    // E0 needs A0..BF (no overlongs), ED needs 80..9F (no surrogates).
    const ok1 = c0 === 0xe0 ? cont(1, 0xa0) : c0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    if (n < 3 || !ok1 || !cont(2)) return [RUNE_ERROR, 1];
    return [((c0 & 0x0f) << 12) | (((b[i + 1] as number) & 0x3f) << 6) | ((b[i + 2] as number) & 0x3f), 3];
  }
  if (c0 < 0xf5) {
    // F0 needs 90..BF (no overlongs), F4 needs 80..8F (≤ U+10FFFF).
    const ok1 = c0 === 0xf0 ? cont(1, 0x90) : c0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    if (n < 4 || !ok1 || !cont(2) || !cont(3)) return [RUNE_ERROR, 1];
    return [((c0 & 0x07) << 18) | (((b[i + 1] as number) & 0x3f) << 12) | (((b[i + 2] as number) & 0x3f) << 6) | ((b[i + 3] as number) & 0x3f), 4];
  }
  return [RUNE_ERROR, 1];
}

function validUtf8(b: Uint8Array, from: number, to: number): boolean {
  const w = b.subarray(0, to);
  for (let i = from; i < to; ) {
    const [r, size] = decodeRune(w, i);
    if (r === RUNE_ERROR && size === 1) return false;
    i += size;
  }
  return true;
}

function pushRune(out: number[], r: number): void {
  if (r < 0x80) out.push(r);
  else if (r < 0x800) out.push(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  else if (r < 0x10000) out.push(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  else out.push(0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
}

const validRune = (r: number) => r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r < 0xe000);

function unhex(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const SIMPLE: Record<number, number> = { 97: 7, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9, 118: 11, 92: 0x5c };

/**
 * strconv.UnquoteChar on bytes: decodes one character or escape at `i` inside a string quoted
 * with `quote`. Returns the value, whether it is a rune (UTF-8 encoded) rather than a byte, and
 * the index after it; null on a syntax error.
 */
function unquoteChar(b: Uint8Array, i: number, quote: number): { value: number; multibyte: boolean; next: number } | null {
  const c = b[i];
  if (c === undefined) return null;
  if (c === quote && (quote === SQUOTE || quote === DQUOTE)) return null;
  if (c >= 0x80) {
    const [r, size] = decodeRune(b, i);
    return { value: r, multibyte: true, next: i + size };
  }
  if (c !== BACKSLASH) return { value: c, multibyte: false, next: i + 1 };
  const e = b[i + 1];
  if (e === undefined) return null;
  let j = i + 2;
  const simple = SIMPLE[e];
  if (simple !== undefined) return { value: simple, multibyte: false, next: j };
  if (e === 0x78 || e === 0x75 || e === 0x55) {
    const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
    if (b.length - j < n) return null;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const x = unhex(b[j + k]);
      if (x < 0) return null;
      v = v * 16 + x;
    }
    j += n;
    if (e === 0x78) return { value: v, multibyte: false, next: j };
    if (!validRune(v)) return null;
    return { value: v, multibyte: true, next: j };
  }
  if (e >= 0x30 && e <= 0x37) {
    let v = e - 0x30;
    if (b.length - j < 2) return null;
    for (let k = 0; k < 2; k++) {
      const x = (b[j + k] as number) - 0x30;
      if (x < 0 || x > 7) return null;
      v = (v << 3) | x;
    }
    j += 2;
    if (v > 255) return null;
    return { value: v, multibyte: false, next: j };
  }
  if (e === SQUOTE || e === DQUOTE) return e === quote ? { value: e, multibyte: false, next: j } : null;
  return null;
}

/**
 * strconv's unquote(in, unescape): the quoted string at the start of `b`. Returns its unescaped
 * bytes and the index just after the closing quote; null on a syntax error.
 */
function unquotePrefix(b: Uint8Array): { out: Uint8Array; end: number } | null {
  if (b.length < 2) return null;
  const quote = b[0] as number;
  let end = b.indexOf(quote, 1);
  if (end < 0) return null;
  end += 1;
  if (quote === BACKQUOTE) {
    // Carriage returns are dropped from raw strings; raw strings are not checked for UTF-8.
    const body = b.subarray(1, end - 1);
    return { out: body.includes(CR) ? body.filter((x) => x !== CR) : body, end };
  }
  if (quote !== DQUOTE && quote !== SQUOTE) return null;
  const head = b.subarray(0, end);
  if (!head.includes(BACKSLASH) && !head.includes(NEWLINE)) {
    let valid: boolean;
    if (quote === DQUOTE) valid = validUtf8(b, 1, end - 1);
    else {
      const [r, n] = end - 1 > 1 ? decodeRune(b.subarray(0, end - 1), 1) : [RUNE_ERROR, 0];
      valid = 1 + n + 1 === end && (r !== RUNE_ERROR || n !== 1);
    }
    if (valid) return { out: b.subarray(1, end - 1), end };
  }
  const out: number[] = [];
  let i = 1;
  while (i < b.length && b[i] !== quote) {
    const ch = unquoteChar(b, i, quote);
    if (b[i] === NEWLINE || ch === null) return null;
    i = ch.next;
    if (ch.value < 0x80 || !ch.multibyte) out.push(ch.value);
    else pushRune(out, ch.value);
    if (quote === SQUOTE) break;
  }
  if (!(i < b.length && b[i] === quote)) return null;
  return { out: Uint8Array.from(out), end: i + 1 };
}

/** strconv.QuotedPrefix: the quoted string (`"…"`, `` `…` `` or `'…'`) at the start of `s`. */
export function quotedPrefix(s: string): string {
  const b = enc.encode(s);
  const r = unquotePrefix(b);
  if (!r) throw new QuoteSyntaxError(s);
  // The prefix ends at an ASCII quote, so it is a whole number of characters of `s`.
  return dec.decode(b.subarray(0, r.end));
}

/** strconv.Unquote, returning the bytes Go's string would hold. */
export function unquoteBytes(s: string): Uint8Array {
  const b = enc.encode(s);
  const r = unquotePrefix(b);
  if (!r || r.end !== b.length) throw new QuoteSyntaxError(s);
  return r.out;
}

/** strconv.Unquote: `"…"` with Go's escapes, `` `…` `` raw, or a one-character `'…'`. */
export function unquote(s: string): string {
  return dec.decode(unquoteBytes(s));
}

// unicode.IsPrint: categories L, M, N, P, S and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const HEX = '0123456789abcdef';

function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(r));
}

/**
 * strconv.Quote: a double-quoted Go literal; printable runes as they are, the rest escaped the
 * way Go escapes them. Given bytes, invalid UTF-8 is written as `\xNN` as Go does.
 */
export function quote(s: string | Uint8Array): string {
  const b = typeof s === 'string' ? enc.encode(s) : s;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    let r = c;
    let width = 1;
    if (c >= 0x80) [r, width] = decodeRune(b, i);
    i += width;
    if (width === 1 && r === RUNE_ERROR) {
      out += `\\x${HEX[c >> 4]}${HEX[c & 0xf]}`;
      continue;
    }
    if (r === DQUOTE || r === BACKSLASH) {
      out += `\\${String.fromCharCode(r)}`;
      continue;
    }
    if (isPrint(r)) {
      out += String.fromCodePoint(r);
      continue;
    }
    switch (r) {
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      case 12:
        out += '\\f';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 11:
        out += '\\v';
        break;
      default:
        if (r < 0x20 || r === 0x7f) out += `\\x${HEX[r >> 4]}${HEX[r & 0xf]}`;
        else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
        else out += `\\U${r.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}
