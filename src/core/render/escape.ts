/**
 * The one place output is escaped. Every string a renderer takes from an input — a function name,
 * a build setting, PT_INTERP, a snapshot's hostname or CPU model, a path in an image, a module
 * path — goes through one of these before it reaches a terminal, a PR comment or a page:
 *
 * - text: control characters (C0, DEL, C1), line and paragraph separators and the Unicode
 *   bidirectional controls are written visibly (`\x1b`, `\n`, `\u202e`), so a value can neither
 *   move the cursor, set a window title, start a line of its own ("FATAL GR-FAKE-999") nor reorder
 *   what is shown; tabs too, as they separate fields;
 * - markdown: the text escapes, then every character of Markdown's inline markup and of HTML
 *   (backslash, backtick, * _ [ ] < > & | ~), so a value is shown as it is and never becomes a
 *   link, an image, a tag or a table cell of its own; code spans fenced longer than any run of
 *   backticks inside;
 * - html: the five characters HTML gives a meaning to, as character references.
 *
 * Renderers use the tagged templates `text` and `md`: literal parts are the renderer's own and pass
 * as they are, interpolated values are escaped. A value that is already rendered output (a coloured
 * severity, a nested rendering) is wrapped in `raw()`.
 */

/** Characters never written as they are in text output. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** A value for text output: control and reordering characters written visibly. */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** Already-rendered output, passed through `text` and `md` templates unescaped. */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
export const raw = (s: string): Raw => new Raw(s);

function show(v: unknown): string {
  return v === null || v === undefined ? String(v) : typeof v === 'string' ? v : String(v);
}

/** A text line or block: literal parts as written, every interpolated value through escapeText. */
export function text(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += (v instanceof Raw ? v.value : escapeText(show(v))) + (strings[i + 1] ?? '');
  });
  return out;
}

/**
 * Markdown's inline markup and HTML: emphasis, code, links and images, tags and entities, table
 * cells, strikethrough. Block markers (#, -, +, 1.) need no escape: a value never starts a line
 * (its newlines are written as \n).
 */
const MD_SPECIAL = /[\\`*_[\]<>&|~]/g;
const MD_ENTITY: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** A value inside Markdown (a table cell, a line): shown as it is, never as markup or HTML. */
export function escapeMarkdown(s: string): string {
  return escapeText(s).replace(MD_SPECIAL, (c) => MD_ENTITY[c] ?? `\\${c}`);
}

/**
 * A value as a Markdown code span: fenced by more backticks than any run inside it, padded when it
 * starts or ends with one; `|` escaped for tables (GFM splits cells before reading code spans).
 */
export function mdCode(s: string): string {
  const v = escapeText(s).replaceAll('|', '\\|');
  const longest = Math.max(0, ...[...v.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = v.startsWith('`') || v.endsWith('`') || v === '' ? ' ' : '';
  return `${fence}${pad}${v}${pad}${fence}`;
}

/** A Markdown line: literal parts as written, every interpolated value through escapeMarkdown. */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += (v instanceof Raw ? v.value : escapeMarkdown(show(v))) + (strings[i + 1] ?? '');
  });
  return out;
}

/** A value inside HTML text or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script> element: `<` escaped so no string can close the element, line separators so no engine breaks. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** One line of goready's own on stderr ("goready: FILE: reason"), the message escaped like any value. */
export function renderMessage(msg: string): string {
  return `goready: ${escapeText(msg)}\n`;
}
