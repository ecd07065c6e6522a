/**
 * Go's package rule for a function symbol (debug/gosym Sym.PackageName, Go ≥ 1.20): drop generic
 * instantiation brackets, give generated symbols (go:, type:, and their pre-1.20 spellings go., type.)
 * no package, and otherwise take the text up to the first '.' after the last '/'. Names keep the
 * linker's escaping (objabi.PathToPrefix writes '.' in the last path element as %2e); the returned
 * package path is unescaped so it matches module paths from the build info.
 */
export function packageOf(name: string): string {
  const s = stripGenerics(name);
  if (s.startsWith('go:') || s.startsWith('type:') || s.startsWith('go.') || s.startsWith('type.')) return '';
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
