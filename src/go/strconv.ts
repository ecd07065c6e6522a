/**
 * Go's strconv quoting, as runtime/debug uses it for build settings: `Unquote` for reading
 * `build` lines and `Quote` for printing them exactly as `go version -m` does.
 */

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

export class QuoteSyntaxError extends Error {
  constructor(s: string) {
    super(`invalid syntax: ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`);
    this.name = 'QuoteSyntaxError';
  }
}

/** strconv.QuotedPrefix: the quoted string at the start of `s` (double-quoted or backquoted). */
export function quotedPrefix(s: string): string {
  const q = s[0];
  if (q === '`') {
    const end = s.indexOf('`', 1);
    if (end < 0) throw new QuoteSyntaxError(s);
    return s.slice(0, end + 1);
  }
  if (q !== '"') throw new QuoteSyntaxError(s);
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '"') return s.slice(0, i + 1);
    else if (c === '\n') break;
  }
  throw new QuoteSyntaxError(s);
}

/** strconv.Unquote for double-quoted and backquoted strings. */
export function unquote(s: string): string {
  if (s.length < 2) throw new QuoteSyntaxError(s);
  const q = s[0];
  if (q !== s[s.length - 1]) throw new QuoteSyntaxError(s);
  const body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new QuoteSyntaxError(s);
    // Go drops carriage returns from raw strings.
    return body.replaceAll('\r', '');
  }
  if (q !== '"') throw new QuoteSyntaxError(s);
  if (!body.includes('\\')) {
    if (body.includes('"') || body.includes('\n')) throw new QuoteSyntaxError(s);
    return body;
  }
  // Escapes produce bytes (\x, octal) or runes (\u, \U); bytes are collected and decoded as UTF-8.
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const pushRune = (cp: number) => {
    for (const b of enc.encode(String.fromCodePoint(cp))) bytes.push(b);
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i] as string;
    if (c === '"' || c === '\n') throw new QuoteSyntaxError(s);
    if (c !== '\\') {
      const cp = body.codePointAt(i) as number;
      pushRune(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new QuoteSyntaxError(s);
    if (e in SIMPLE && e !== "'") {
      bytes.push((SIMPLE[e] as string).charCodeAt(0));
      i += 2;
    } else if (e === 'x') {
      const h = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new QuoteSyntaxError(s);
      bytes.push(Number.parseInt(h, 16));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const h = body.slice(i + 2, i + 2 + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw new QuoteSyntaxError(s);
      const cp = Number.parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new QuoteSyntaxError(s);
      pushRune(cp);
      i += 2 + n;
    } else if (e >= '0' && e <= '7') {
      const o = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(o)) throw new QuoteSyntaxError(s);
      const v = Number.parseInt(o, 8);
      if (v > 255) throw new QuoteSyntaxError(s);
      bytes.push(v);
      i += 4;
    } else {
      throw new QuoteSyntaxError(s);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote: printable runes as they are, the rest escaped the way Go escapes them. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp < 0x80 ? cp >= 0x20 && cp < 0x7f : PRINTABLE.test(ch) && cp !== 0xfffd) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp === 0xfffd) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
