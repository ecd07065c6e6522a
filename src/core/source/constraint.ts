/**
 * Go build constraints: which (GOOS, GOARCH) a source file is compiled for, from its name
 * (`x_linux_arm.go`) and its `//go:build` line (or, in older files, `// +build` lines), evaluated
 * the way `go build` does with the default tags (no cgo: cross builds have it off).
 */
export interface BuildContext {
  goos: string;
  goarch: string;
}

export type Constraint = (ctx: BuildContext) => boolean;

/** go/build's knownOS and knownArch (syslist.go): only these count in file names. */
export const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);
export const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);
const UNIX_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'solaris']);
/** The GOARCHes Go ships for Linux (go tool dist list). */
export const LINUX_ARCHES = ['386', 'amd64', 'arm', 'arm64', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'ppc64', 'ppc64le', 'riscv64', 's390x'];

/** True when a build tag holds in ctx: GOOS, GOARCH, unix, gc, goN.M, and the OS aliases Go applies. */
function tagHolds(tag: string, { goos, goarch }: BuildContext): boolean {
  if (tag === goos || tag === goarch || tag === 'gc') return true;
  if (tag === 'unix') return UNIX_OS.has(goos);
  if (tag === 'linux') return goos === 'android';
  if (tag === 'solaris') return goos === 'illumos';
  if (tag === 'darwin') return goos === 'ios';
  return /^go1\.\d+$/.test(tag);
}

/** The constraint from a file name: `*_GOOS`, `*_GOARCH`, `*_GOOS_GOARCH` (after dropping .go and _test). */
function nameConstraint(fileName: string): Constraint | null {
  let name = fileName.replace(/\.go$/, '').replace(/_test$/, '');
  const us = name.indexOf('_');
  if (us < 0) return null;
  name = name.slice(us);
  const parts = name.split('_');
  const last = parts[parts.length - 1] ?? '';
  const prev = parts.length >= 3 ? (parts[parts.length - 2] ?? '') : '';
  if (KNOWN_OS.has(prev) && KNOWN_ARCH.has(last)) return (c) => tagHolds(prev, c) && c.goarch === last;
  if (KNOWN_OS.has(last)) return (c) => tagHolds(last, c);
  if (KNOWN_ARCH.has(last)) return (c) => c.goarch === last;
  return null;
}

/** Parses a `//go:build` expression (||, &&, !, parentheses); null when it does not parse (Go rejects such files). */
export function parseGoBuild(expr: string): Constraint | null {
  const tokens = expr.match(/\|\||&&|!|\(|\)|[\w.]+|\S/g) ?? [];
  let i = 0;
  const or = (): Constraint | null => {
    let l = and();
    while (l && tokens[i] === '||') {
      i++;
      const r = and();
      if (!r) return null;
      const a = l;
      l = (c) => a(c) || r(c);
    }
    return l;
  };
  const and = (): Constraint | null => {
    let l = not();
    while (l && tokens[i] === '&&') {
      i++;
      const r = not();
      if (!r) return null;
      const a = l;
      l = (c) => a(c) && r(c);
    }
    return l;
  };
  const not = (): Constraint | null => {
    const t = tokens[i++];
    if (t === '!') {
      const x = not();
      return x && ((c) => !x(c));
    }
    if (t === '(') {
      const x = or();
      return tokens[i++] === ')' ? x : null;
    }
    return t && /^[\w.]+$/.test(t) ? (c) => tagHolds(t, c) : null;
  };
  const e = or();
  return e && i === tokens.length ? e : null;
}

/** `// +build a,!b c` lines: each line ORs its words, a word ANDs its comma-separated terms, lines AND. */
function parsePlusBuild(lines: string[]): Constraint {
  const clauses = lines.map((l) =>
    l
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w.split(',')),
  );
  const term = (t: string, c: BuildContext) => (t.startsWith('!') ? !tagHolds(t.slice(1), c) : tagHolds(t, c));
  return (c) => clauses.every((words) => words.some((terms) => terms.every((t) => term(t, c))));
}

/**
 * The constraint of a Go file: its name and the build lines of its header (the text before the
 * package clause). A `//go:build` line wins over `// +build` lines, as in Go ≥ 1.17.
 */
export function fileConstraint(fileName: string, header: string): Constraint {
  const byName = nameConstraint(fileName);
  let byLine: Constraint | null = null;
  const goBuild = /^\/\/go:build[ \t]+(.+)$/m.exec(header);
  if (goBuild) byLine = parseGoBuild((goBuild[1] as string).trim()) ?? (() => false);
  else {
    const plus = [...header.matchAll(/^\/\/ \+build[ \t]+(.+)$/gm)].map((m) => m[1] as string);
    if (plus.length) byLine = parsePlusBuild(plus);
  }
  if (byName && byLine) {
    const a = byName;
    const b = byLine;
    return (c) => a(c) && b(c);
  }
  return byName ?? byLine ?? (() => true);
}

/** The Linux GOARCHes a file is built for. */
export function linuxArches(c: Constraint): string[] {
  return LINUX_ARCHES.filter((goarch) => c({ goos: 'linux', goarch }));
}

/** True when any GOOS/GOARCH builds the file (false for `//go:build ignore` generators). */
export function everBuilt(c: Constraint): boolean {
  for (const goos of KNOWN_OS) for (const goarch of KNOWN_ARCH) if (c({ goos, goarch })) return true;
  return false;
}
