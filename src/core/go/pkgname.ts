/**
 * How a binary spells the symbols the compiler and linker generate: `go:` and `type:` since Go 1.20
 * (cmd/compile's ReservedImports), `go.` and `type.` before. The pclntab format tells which: go1.20
 * tables are written by Go ≥ 1.20 only.
 */
export type GeneratedPrefix = 'colon' | 'dot';

export function generatedPrefixOf(pclntabFormat: string | null | undefined): GeneratedPrefix {
  return pclntabFormat === 'go1.20' ? 'colon' : 'dot';
}

/**
 * A first path element as module paths have it (letters, digits, '-' and at least one '.'), then a
 * '/': `go.uber.org/atomic.…` is a package path, `go.(*struct {…}).M`, `go.itab.*T,I`, `go.buildid`,
 * `go.go` are not.
 */
const IMPORT_PATH = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\//;

/**
 * What Go < 1.20 generated under `go.` whose name can still look like a path: `go.itab.<path>.T,I`,
 * `go.importpath.<path>.`, `go.link.pkghash.<path>`, `go.track.<path>.…`, `go.info.…` and friends.
 */
const GENERATED_DOT =
  /^go\.(itab|string|func|importpath|link|track|info|shape|weak|map|cuinfo|constinfo|buildid|buildinfo|go|plugin|builtin|range|loc|debug\w*)\./;

/**
 * Go's package rule for a function symbol (debug/gosym Sym.PackageName): drop generic instantiation
 * brackets, give generated symbols no package, and otherwise take the text up to the first '.'
 * after the last '/'. Generated symbols start with `go:`/`type:` (Go ≥ 1.20) or `go.`/`type.`
 * (before); debug/gosym stops there, which for Go ≤ 1.19 also drops real packages such as
 * go.uber.org/zap and go.opentelemetry.io/otel. Here a `go.` name shaped like an import path is a
 * package unless it is one of the older generated forms, and under the `colon` spelling `go.` and
 * `type.` are never generated (except the path-less `go.go` marker and `go.shape.*` type names).
 * Names keep the linker's escaping (objabi.PathToPrefix writes '.' in the last path element as
 * %2e); the returned package path is unescaped so it matches module paths from the build info.
 */
export function packageOf(name: string, prefix: GeneratedPrefix = 'dot'): string {
  const s = stripGenerics(name);
  if (s.startsWith('go:') || s.startsWith('type:')) return '';
  if (s.startsWith('go.') || s.startsWith('type.')) {
    if (!IMPORT_PATH.test(s)) return '';
    if (prefix === 'dot' && (s.startsWith('type.') || GENERATED_DOT.test(s))) return '';
  }
  const slash = s.lastIndexOf('/');
  const dot = s.indexOf('.', slash + 1);
  if (dot < 0) return '';
  return unescapePath(s.slice(0, dot));
}

/** `pkg.F[...]` and `pkg.(*T[...]).M` → without the bracketed type arguments (which may nest and contain '/' and '.'). */
export function stripGenerics(name: string): string {
  const open = name.indexOf('[');
  if (open < 0) return name;
  let out = name.slice(0, open);
  let depth = 0;
  for (let i = open; i < name.length; i++) {
    const c = name[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Undoes objabi.PathToPrefix: %xx → the byte it stands for. */
export function unescapePath(p: string): string {
  if (!p.includes('%')) return p;
  return p.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}
