import type { Parser, Tree } from 'web-tree-sitter';
import { type AtomicSite, type PlainAccess, type Position, packageAccesses } from './access.js';
import { everBuilt, fileConstraint } from './constraint.js';
import { fileImports, readDeclarations, type SourceFile } from './package.js';
import type { PackageModel } from './types.js';

/** A directory of Go files as the caller found it: its import path and its files. */
export interface SourceDir {
  importPath: string;
  files: string[];
}

/** What the atomic rules read: every atomic site and every plain access to the same things. */
export interface SourceFacts {
  /** Go files given (directories walked). */
  files: number;
  /** Files parsed: those of packages that use sync/atomic, and of packages whose types they lay out. */
  parsed: number;
  packages: number;
  sites: AtomicSite[];
  plain: PlainAccess[];
  /** Files tree-sitter could only partly parse (the rules still run on the rest of the file). */
  syntaxErrors: Position[];
  /** Files not read, with the reason (too large, unreadable). */
  skipped: { file: string; reason: string }[];
}

/** Files larger than this are generated tables, not code worth linting; parsing them costs seconds. */
export const MAX_FILE_BYTES = 4 << 20;

/**
 * Packages by import path. Packages that do not mention sync/atomic are parsed only when a struct
 * of theirs has to be laid out (their declarations), which keeps most of a large tree unparsed.
 */
class LazyUniverse extends Map<string, PackageModel> {
  readonly pending = new Map<string, () => PackageModel | null>();

  override get(path: string): PackageModel | undefined {
    const load = this.pending.get(path);
    if (load) {
      this.pending.delete(path);
      const m = load();
      if (m) this.set(path, m);
    }
    return super.get(path);
  }
}

/**
 * Parses the packages that use sync/atomic, dependencies first so that struct types from other
 * linted packages lay out exactly, and collects the atomic facts one package at a time (trees
 * are freed as soon as their package is done).
 */
export function analyseSources(dirs: SourceDir[], read: (file: string) => string, parser: Parser): SourceFacts {
  const facts: SourceFacts = { files: 0, parsed: 0, packages: 0, sites: [], plain: [], syntaxErrors: [], skipped: [] };
  const universe = new LazyUniverse();
  const readOrSkip = (path: string): string | null => {
    try {
      return read(path);
    } catch (e) {
      facts.skipped.push({ file: path, reason: e instanceof Error ? e.message : String(e) });
      return null;
    }
  };
  /** Parses a directory's files into packages by package clause; the caller deletes the trees. */
  const parseDir = (dir: SourceDir, trees: Tree[]): Map<string, SourceFile[]> => {
    const byName = new Map<string, SourceFile[]>();
    for (const path of dir.files) {
      const text = readOrSkip(path);
      if (text === null) continue;
      const tree = parser.parse(text);
      if (!tree) continue;
      trees.push(tree);
      facts.parsed++;
      const root = tree.rootNode;
      const clause = root.namedChildren.find((c) => c.type === 'package_clause');
      const name = clause?.namedChild(0)?.text;
      const constraint = fileConstraint(path.slice(path.lastIndexOf('/') + 1), text.slice(0, clause?.startIndex ?? 0));
      if (!name || !everBuilt(constraint)) continue;
      if (root.hasError) {
        const err = root.descendantsOfType('ERROR')[0] ?? root;
        facts.syntaxErrors.push({ file: path, line: err.startPosition.row + 1, column: err.startPosition.column + 1 });
      }
      const list = byName.get(name) ?? [];
      list.push({ path, text, root, constraint, imports: fileImports(root), test: path.endsWith('_test.go') });
      byName.set(name, list);
    }
    return byName;
  };

  const { order, atomic } = scan(dirs, readOrSkip);
  for (const dir of dirs) {
    facts.files += dir.files.length;
    if (atomic.has(dir)) continue;
    universe.pending.set(dir.importPath, () => {
      const trees: Tree[] = [];
      try {
        const byName = parseDir(dir, trees);
        const [name, files] = [...byName].filter(([n]) => !n.endsWith('_test')).sort((a, b) => b[1].length - a[1].length)[0] ?? [];
        return name && files ? readDeclarations(dir.importPath, name, files, universe) : null;
      } finally {
        for (const t of trees) t.delete();
      }
    });
  }
  for (const dir of order) {
    if (!atomic.has(dir)) continue;
    const trees: Tree[] = [];
    try {
      const byName = parseDir(dir, trees);
      for (const [name, files] of byName) {
        // External test packages (p_test) get their own import path.
        const importPath = name.endsWith('_test') && byName.size > 1 ? `${dir.importPath}_test` : dir.importPath;
        const model = readDeclarations(importPath, name, files, universe);
        universe.set(importPath, model);
        const { sites, plain } = packageAccesses(model, files, universe);
        facts.sites.push(...sites);
        facts.plain.push(...plain);
        facts.packages++;
      }
    } finally {
      for (const t of trees) t.delete();
    }
  }
  return facts;
}

/**
 * One quick read of every file: which directories mention sync/atomic, and an order in which a
 * package comes after the linted packages it imports (import paths found as string literals).
 */
function scan(dirs: SourceDir[], read: (file: string) => string | null): { order: SourceDir[]; atomic: Set<SourceDir> } {
  const byPath = new Map(dirs.map((d) => [d.importPath, d]));
  const deps = new Map<SourceDir, string[]>();
  const atomic = new Set<SourceDir>();
  for (const d of dirs) {
    const found = new Set<string>();
    for (const f of d.files) {
      const text = read(f);
      if (text === null) continue;
      if (text.includes('"sync/atomic"')) atomic.add(d);
      const head = text.slice(0, text.search(/^(func|type|var|const)\b/m) >>> 0);
      for (const m of head.matchAll(/"([^"\n]+)"/g)) if (byPath.has(m[1] as string) && m[1] !== d.importPath) found.add(m[1] as string);
    }
    deps.set(d, [...found]);
  }
  const order: SourceDir[] = [];
  const state = new Set<SourceDir>();
  const visit = (d: SourceDir) => {
    if (state.has(d)) return;
    state.add(d);
    for (const p of deps.get(d) ?? []) visit(byPath.get(p) as SourceDir);
    order.push(d);
  };
  for (const d of dirs) visit(d);
  return { order, atomic };
}
