import { quote, quotedPrefix, unquote } from './strconv.js';

/** A module as runtime/debug.Module records it. */
export interface Module {
  path: string;
  version: string;
  sum: string;
  replace?: Module;
}

/** runtime/debug.BuildInfo: what `go version -m` prints. */
export interface BuildInfoData {
  goVersion: string;
  /** Main package import path. */
  path: string;
  main: Module | null;
  deps: Module[];
  settings: { key: string; value: string }[];
}

export class ModinfoError extends Error {
  constructor(line: number, reason: string) {
    super(`could not parse Go build info: line ${line}: ${reason}`);
    this.name = 'ModinfoError';
  }
}

// runtime/debug's quoting rules for build settings.
const quoteKey = (k: string) => k.length === 0 || /[= \t\r\n"`]/.test(k);
const quoteValue = (v: string) => /[ \t\r\n"`]/.test(v);

/** runtime/debug.ParseBuildInfo, line for line: same accepted forms, same errors. */
export function parseModinfo(data: string): BuildInfoData {
  const bi: BuildInfoData = { goVersion: '', path: '', main: null, deps: [], settings: [] };
  let last: Module | null = null;
  let lineNum = 1;
  const moduleLine = (elem: string[]): Module => {
    if (elem.length !== 2 && elem.length !== 3) throw new ModinfoError(lineNum, `expected 2 or 3 columns; got ${elem.length}`);
    return { path: elem[0] as string, version: elem[1] as string, sum: elem[2] ?? '' };
  };
  for (let pos = 0; pos < data.length; ) {
    const nl = data.indexOf('\n', pos);
    // Go stops at a final line without a newline.
    if (nl < 0) break;
    const line = data.slice(pos, nl);
    pos = nl + 1;
    if (line.startsWith('path\t')) {
      bi.path = line.slice(5);
    } else if (line.startsWith('mod\t')) {
      bi.main = moduleLine(line.slice(4).split('\t'));
      last = bi.main;
    } else if (line.startsWith('dep\t')) {
      last = moduleLine(line.slice(4).split('\t'));
      bi.deps.push(last);
    } else if (line.startsWith('=>\t')) {
      const elem = line.slice(3).split('\t');
      if (elem.length !== 3) throw new ModinfoError(lineNum, `expected 3 columns for replacement; got ${elem.length}`);
      if (!last) throw new ModinfoError(lineNum, 'replacement with no module on previous line');
      last.replace = { path: elem[0] as string, version: elem[1] as string, sum: elem[2] as string };
      last = null;
    } else if (line.startsWith('build\t')) {
      bi.settings.push(parseSetting(line.slice(6), lineNum));
    }
    // Any other line (Go's own `go` line included) is skipped, as Go skips it.
    lineNum++;
  }
  return bi;
}

function parseSetting(kv: string, lineNum: number): { key: string; value: string } {
  if (kv.length < 1) throw new ModinfoError(lineNum, "build line missing '='");
  let key: string;
  let raw: string;
  const c = kv[0];
  if (c === '=') throw new ModinfoError(lineNum, 'build line with missing key');
  if (c === '`' || c === '"') {
    let rawKey: string;
    try {
      rawKey = quotedPrefix(kv);
    } catch {
      // quotedPrefix's message is about Go syntax; the build line's number says more to a user.
      throw new ModinfoError(lineNum, 'invalid quoted key in build line');
    }
    if (kv.length === rawKey.length) throw new ModinfoError(lineNum, "build line missing '=' after quoted key");
    if (kv[rawKey.length] !== '=') throw new ModinfoError(lineNum, `unexpected character after quoted key: '${kv[rawKey.length]}'`);
    // A prefix QuotedPrefix accepted always unquotes.
    key = unquote(rawKey);
    raw = kv.slice(rawKey.length + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) throw new ModinfoError(lineNum, "build line missing '=' after key");
    key = kv.slice(0, eq);
    raw = kv.slice(eq + 1);
    if (quoteKey(key)) throw new ModinfoError(lineNum, `unquoted key ${quote(key)} must be quoted`);
  }
  let value = raw;
  if (raw.length > 0 && (raw[0] === '`' || raw[0] === '"')) {
    try {
      value = unquote(raw);
    } catch {
      // unquote's message is about Go syntax; the build line's number says more to a user.
      throw new ModinfoError(lineNum, 'invalid quoted value in build line');
    }
  } else if (quoteValue(raw)) {
    throw new ModinfoError(lineNum, `unquoted value ${quote(raw)} must be quoted`);
  }
  return { key, value };
}

/**
 * runtime/debug.BuildInfo.String without the go line: the lines `go version -m` prints under the
 * file name (before its tab indent). Every Go release's String writes an empty line after each `=>`
 * line (the replacement's newline and then the replaced module's); `{ exact: true }` keeps it, so
 * the lines are byte for byte what `go version -m` prints. By default it is left out.
 */
export function formatModinfo(bi: BuildInfoData, opts: { exact?: boolean } = {}): string[] {
  return modinfoFields(bi, opts).map((f) => f.join('\t'));
}

/** The lines of formatModinfo as their tab-separated fields (for renderers that escape each field). */
export function modinfoFields(bi: BuildInfoData, opts: { exact?: boolean } = {}): string[][] {
  const out: string[][] = [];
  if (bi.path) out.push(['path', bi.path]);
  const mod = (word: string, m: Module) => {
    if (m.replace) {
      out.push([word, m.path, m.version]);
      mod('=>', m.replace);
      if (opts.exact) out.push(['']);
    } else {
      out.push([word, m.path, m.version, m.sum]);
    }
  };
  // Go prints the main module unless it is the zero Module.
  if (bi.main && (bi.main.path || bi.main.version || bi.main.sum || bi.main.replace)) mod('mod', bi.main);
  for (const d of bi.deps) mod('dep', d);
  for (const s of bi.settings) out.push(['build', `${quoteKey(s.key) ? quote(s.key) : s.key}=${quoteValue(s.value) ? quote(s.value) : s.value}`]);
  return out;
}
