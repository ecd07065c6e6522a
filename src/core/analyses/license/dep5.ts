/**
 * Debian's machine-readable copyright files (copyright-format 1.0, "DEP-5"): a package's licence as
 * an SPDX expression, from the paragraph that covers the files a library is built from.
 */

/** DEP-5 short names that are not SPDX identifiers in any spelling. */
const DEP5_NAMES: Record<string, string> = {
  expat: 'MIT',
  'public-domain': 'LicenseRef-public-domain',
  perl: '(Artistic-1.0-Perl OR GPL-1.0-or-later)',
  artistic: 'Artistic-1.0',
  cc0: 'CC0-1.0',
  python: 'Python-2.0',
};

/** GNU licences as DEP-5 writes them: GPL-2, GPL-2+, LGPL-2.1, GPL-2.0+, GPL (any version). */
const GNU = /^(AGPL|LGPL|GPL|GFDL)(?:-(\d+(?:\.\d+)?))?(\+)?$/i;

/** SPDX identifiers (licences and exceptions) by lower-case spelling, as the SPDX lists give them. */
export type SpdxIds = ReadonlyMap<string, string>;

/** One DEP-5 short name (with an optional `with X exception`) as SPDX; unknown names become LicenseRef-Debian-NAME. */
function shortName(name: string, ids: SpdxIds): string {
  const w = /^(.+?)\s+with\s+(.+?)\s+exception$/i.exec(name);
  if (w) {
    const base = shortName(w[1] as string, ids);
    const exception = exceptionId(w[2] as string, ids, /^GPL-(\d\.\d)/.exec(base)?.[1] ?? null);
    if (exception && !base.startsWith('LicenseRef-') && !base.startsWith('(')) return `${base} WITH ${exception}`;
    return ref(name);
  }
  const known = DEP5_NAMES[name.toLowerCase()];
  if (known) return known;
  const gnu = GNU.exec(name);
  if (gnu) {
    const family = (gnu[1] as string).toUpperCase();
    // No version: any version (DEP-5), which SPDX says as the first one "or later".
    const v = gnu[2]
      ? gnu[2].includes('.')
        ? gnu[2]
        : `${gnu[2]}.0`
      : family === 'LGPL'
        ? '2.0'
        : family === 'AGPL'
          ? '3.0'
          : family === 'GFDL'
            ? '1.1'
            : '1.0';
    const id = ids.get(`${family}-${v}-${gnu[3] || !gnu[2] ? 'or-later' : 'only'}`.toLowerCase());
    if (id) return id;
  }
  return ids.get(name.toLowerCase()) ?? ref(name);
}

function exceptionId(name: string, ids: SpdxIds, gplVersion: string | null): string | null {
  const direct = ids.get(name.toLowerCase()) ?? ids.get(`${name}-exception`.toLowerCase());
  if (direct) return direct;
  // Autoconf → Autoconf-exception-2.0 under GPL-2, -3.0 under GPL-3.
  const versioned = gplVersion ? ids.get(`${name}-exception-${gplVersion}`.toLowerCase()) : undefined;
  if (versioned) return versioned;
  const versions = [...ids.values()].filter((id) => id.toLowerCase().startsWith(`${name.toLowerCase()}-exception-`));
  return versions.length === 1 ? (versions[0] as string) : null;
}

function ref(name: string): string {
  return `LicenseRef-Debian-${name.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
}

const wrap = (e: string) => (/ (AND|OR) /.test(e) && !/^\(.*\)$/.test(e) ? `(${e})` : e);

/**
 * A DEP-5 License field's first line as an SPDX expression. DEP-5's grammar: `and` binds tighter
 * than `or`, unless a comma precedes it: `A or B and C` is A OR (B AND C), `A or B, and C` is
 * (A OR B) AND C.
 */
export function dep5ToSpdx(field: string, ids: SpdxIds): string {
  const parts = field.trim().split(/\s*,\s*(and|or)\s+/i);
  let expr = '';
  for (let i = 0; i < parts.length; i += 2) {
    const group = (parts[i] as string)
      .split(/\s+or\s+/i)
      .map((alt) =>
        alt
          .split(/\s+and\s+/i)
          .map((n) => wrap(shortName(n.trim(), ids)))
          .join(' AND '),
      )
      .map((alt, _, all) => (all.length > 1 ? wrap(alt) : alt))
      .join(' OR ');
    expr = i === 0 ? group : `${wrap(expr)} ${(parts[i - 1] as string).toUpperCase()} ${wrap(group)}`;
  }
  return expr;
}

export interface CopyrightParagraph {
  files: string[];
  license: string;
}

/** The Files paragraphs of a DEP-5 copyright file, in order; null when the file is not DEP-5. */
export function dep5Paragraphs(text: string): CopyrightParagraph[] | null {
  if (!/^Format:\s*\S*copyright-format/im.test(text)) return null;
  const out: CopyrightParagraph[] = [];
  for (const para of text.split(/\n[ \t]*\n/)) {
    const files = /^Files:[ \t]*(.*(?:\n[ \t]+.*)*)/m.exec(para);
    const license = /^License:[ \t]*(.+)$/m.exec(para);
    if (!files || !license) continue;
    out.push({ files: (files[1] as string).split(/\s+/).filter(Boolean), license: (license[1] as string).trim() });
  }
  return out;
}

/** Directory names too general to say which library they build. */
const GENERIC_DIRS = new Set([
  'src',
  'include',
  'doc',
  'docs',
  'test',
  'tests',
  'examples',
  'debian',
  'm4',
  'tools',
  'contrib',
  'man',
  'po',
  'scripts',
  'build',
  'cmake',
  'util',
  'utils',
  'misc',
  'extra',
  'bin',
  'base',
  'common',
]);

const letters = (s: string) =>
  s
    .toLowerCase()
    .replace(/^lib/, '')
    .replace(/[^a-z0-9]/g, '');

/** `a`'s letters appear in `b` in order (dm in devmapper). */
function within(a: string, b: string): boolean {
  let j = 0;
  for (const c of b) if (c === a[j]) j++;
  return j === a.length;
}

/**
 * The paragraph for the files a library is built from, when the copyright file names them: a
 * whole-directory pattern (`libdm/*`, `src/liblzma/*`) whose directory is the library's name or an
 * abbreviation of it (its letters in order, same first letter: libdm and device_mapper for
 * libdevmapper.so). DEP-5 lets a later paragraph override an earlier one, so the last such wins;
 * otherwise the `Files: *` paragraph gives the package's licence.
 */
export function libraryParagraph(paras: CopyrightParagraph[], soname: string): { paragraph: CopyrightParagraph; own: boolean } | null {
  const lib = letters(soname.replace(/\.so(\..*)?$/, ''));
  let own: CopyrightParagraph | null = null;
  for (const p of paras) {
    const matches = p.files.some((pat) => {
      const m = /^(?:[^*?]*\/)?([^/*?]+)\/\*{1,2}$/.exec(pat);
      if (!m || /^debian$/i.test(m[1] as string)) return false;
      const dir = letters(m[1] as string);
      if (dir.length < 2 || lib.length < 2 || GENERIC_DIRS.has(dir) || dir[0] !== lib[0]) return false;
      return within(dir, lib) || within(lib, dir);
    });
    if (matches) own = p;
  }
  if (own) return { paragraph: own, own: true };
  const all = paras.find((p) => p.files.length === 1 && p.files[0] === '*');
  return all ? { paragraph: all, own: false } : null;
}
