/**
 * Text that came from outside (a request path a client chose, a file name) made safe to print on a
 * terminal: control characters (C0, DEL, C1) and the bidirectional overrides become `\xNN` /
 * `\u{NNNN}`, so no escape sequence reaches the terminal and every row keeps its width.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function visible(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const n = c.codePointAt(0) as number;
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}
