import type { Parser, Tree } from 'web-tree-sitter';
import { type AtomicSite, type PlainAccess, type Position, packageAccesses } from './access.js';
import { everBuilt, fileConstraint } from './constraint.js';
import { fileImports, readDeclarations, type SourceFile } from './package.js';
import type { Universe } from './types.js';

/** A directory of Go files as the caller found it: its import path and how to read each file. */
export interface SourceDir {
  importPath: string;
  files: string[];
}

/** What the atomic rules read: every atomic site and every plain access to the same things. */
export interface SourceFacts {
  files: number;
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
 * Parses every directory's Go files, dependencies first so that struct types from other linted
 * packages lay out exactly, and collects the atomic facts one package at a time (trees are
 * freed as soon as their package is done).
 */
export function analyseSources(dirs: SourceDir[], read: (file: string) => string, parser: Parser): SourceFacts {
  const facts: SourceFacts = { files: 0, packages: 0, sites: [], plain: [], syntaxErrors: [], skipped: [] };
  const universe: Universe = new Map();
  for (const dir of dependencyOrder(dirs, read)) {
    const trees: Tree[] = [];
    const byName = new Map<string, SourceFile[]>();
    for (const path of dir.files) {
      let text: string;
      try {
        text = read(path);
      } catch (e) {
        facts.skipped.push({ file: path, reason: e instanceof Error ? e.message : String(e) });
        continue;
      }
      if (text.length > MAX_FILE_BYTES) {
        facts.skipped.push({ file: path, reason: `larger than ${MAX_FILE_BYTES} bytes` });
        continue;
      }
      const tree = parser.parse(text);
      if (!tree) continue;
      trees.push(tree);
      const root = tree.rootNode;
      const clause = root.namedChildren.find((c) => c.type === 'package_clause');
      const name = clause?.namedChild(0)?.text;
      const constraint = fileConstraint(path.slice(path.lastIndexOf('/') + 1), text.slice(0, clause?.startIndex ?? 0));
      if (!name || !everBuilt(constraint)) continue;
      facts.files++;
      if (root.hasError) {
        const err = root.descendantsOfType('ERROR')[0] ?? root;
        facts.syntaxErrors.push({ file: path, line: err.startPosition.row + 1, column: err.startPosition.column + 1 });
      }
      const list = byName.get(name) ?? [];
      list.push({ path, root, constraint, imports: fileImports(root), test: path.endsWith('_test.go') });
      byName.set(name, list);
    }
    for (const [name, files] of byName) {
      // External test packages (p_test) get their own import path; `package main` files are one package too.
      const importPath = name.endsWith('_test') && byName.size > 1 ? `${dir.importPath}_test` : dir.importPath;
      const model = readDeclarations(importPath, name, files, universe);
      universe.set(importPath, model);
      const { sites, plain } = packageAccesses(model, files, universe);
      facts.sites.push(...sites);
      facts.plain.push(...plain);
      facts.packages++;
    }
    for (const t of trees) t.delete();
  }
  return facts;
}

/** Directories ordered so that a package comes after the linted packages it imports (imports read by a quick scan). */
function dependencyOrder(dirs: SourceDir[], read: (file: string) => string): SourceDir[] {
  const byPath = new Map(dirs.map((d) => [d.importPath, d]));
  if (dirs.length < 2) return dirs;
  const deps = new Map<SourceDir, string[]>();
  for (const d of dirs) {
    const found = new Set<string>();
    for (const f of d.files) {
      let head: string;
      try {
        head = read(f).slice(0, 16384);
      } catch {
        continue;
      }
      for (const m of head.matchAll(/"([^"\n]+)"/g)) if (byPath.has(m[1] as string) && m[1] !== d.importPath) found.add(m[1] as string);
    }
    deps.set(d, [...found]);
  }
  const out: SourceDir[] = [];
  const state = new Map<SourceDir, 1 | 2>();
  const visit = (d: SourceDir) => {
    if (state.get(d)) return;
    state.set(d, 1);
    for (const p of deps.get(d) ?? []) visit(byPath.get(p) as SourceDir);
    state.set(d, 2);
    out.push(d);
  };
  for (const d of dirs) visit(d);
  return out;
}
