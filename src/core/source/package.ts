import type { Node } from 'web-tree-sitter';
import { type Constraint, linuxArches } from './constraint.js';
import { constExpr, emptyPackage, type GoType, type PackageModel, resultTypes, type TypeScope, typeFromNode, UNKNOWN, type Universe } from './types.js';

/** One parsed file of a package; its tree lives until the package has been analysed. */
export interface SourceFile {
  /** As the user named it (shown in findings). */
  path: string;
  text: string;
  root: Node;
  constraint: Constraint;
  /** Local import name → import path; `_` and `.` imports are left out. */
  imports: Map<string, string>;
  test: boolean;
}

/** The import path's last element, the default local name (`math/rand/v2` → rand, `gopkg.in/yaml.v3` → yaml). */
export function defaultImportName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2] ?? last;
  return last
    .replace(/\.v\d+$/, '')
    .replace(/^go-/, '')
    .replace(/[-.]/g, '_');
}

/** A file's imports: local name → path. */
export function fileImports(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const decl of root.namedChildren) {
    if (decl.type !== 'import_declaration') continue;
    for (const spec of decl.descendantsOfType('import_spec')) {
      const path = spec.childForFieldName('path')?.text.slice(1, -1) ?? '';
      const name = spec.childForFieldName('name')?.text ?? defaultImportName(path);
      if (name !== '_' && name !== '.') out.set(name, path);
    }
  }
  return out;
}

/** The names of a type_parameter_list. */
export function typeParamNames(list: Node | null): Set<string> {
  const out = new Set<string>();
  for (const d of list?.namedChildren ?? []) for (const n of d.childrenForFieldName('name')) out.add(n.text);
  return out;
}

/**
 * The package-level declarations of a package's files: types (with the GOARCHes each is built
 * for), variables, constants, functions and methods. Imported packages already in `universe` are
 * used to evaluate constants across packages.
 */
export function readDeclarations(pkgPath: string, pkgName: string, files: SourceFile[], universe: Universe): PackageModel {
  const model = emptyPackage(pkgPath, pkgName);
  const constNodes = new Map<string, { node: Node; file: SourceFile }>();
  const evaluating = new Set<string>();
  const constValue = (name: string, pkg: string): number | null => {
    if (pkg !== pkgPath) return universe.get(pkg)?.consts.get(name) ?? null;
    if (model.consts.has(name)) return model.consts.get(name) ?? null;
    const c = constNodes.get(name);
    if (!c || evaluating.has(name)) return null;
    evaluating.add(name);
    const v = constExpr(c.node, scopeOf(c.file, new Set()));
    evaluating.delete(name);
    model.consts.set(name, v);
    return v;
  };
  const scopeOf = (f: SourceFile, typeParams: ReadonlySet<string>): TypeScope => ({ pkg: pkgPath, imports: f.imports, typeParams, constValue });

  for (const f of files) {
    for (const d of f.root.namedChildren) {
      if (d.type !== 'const_declaration') continue;
      for (const spec of d.namedChildren) {
        const names = spec.childrenForFieldName('name');
        const values = spec.childForFieldName('value')?.namedChildren ?? [];
        // iota and implicit repetition are left unevaluated: array lengths rarely use them.
        names.forEach((n, i) => {
          const v = values[i];
          if (v && !v.text.includes('iota')) constNodes.set(n.text, { node: v, file: f });
        });
      }
    }
  }
  for (const name of constNodes.keys()) constValue(name, pkgPath);

  for (const f of files) {
    const arches = linuxArches(f.constraint);
    for (const d of f.root.namedChildren) {
      if (d.type === 'type_declaration') {
        for (const spec of d.namedChildren) {
          if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
          const nameNode = spec.childForFieldName('name');
          if (!nameNode) continue;
          const type = typeFromNode(spec.childForFieldName('type'), scopeOf(f, typeParamNames(spec.childForFieldName('type_parameters'))));
          const list = model.types.get(nameNode.text) ?? [];
          list.push({
            name: nameNode.text,
            type,
            alias: spec.type === 'type_alias',
            file: f.path,
            line: nameNode.startPosition.row + 1,
            column: nameNode.startPosition.column + 1,
            arches,
          });
          model.types.set(nameNode.text, list);
        }
      } else if (d.type === 'var_declaration') {
        for (const spec of d.descendantsOfType('var_spec')) {
          const typeNode = spec.childForFieldName('type');
          const values = spec.childForFieldName('value')?.namedChildren ?? [];
          spec.childrenForFieldName('name').forEach((n, i) => {
            const t = typeNode ? typeFromNode(typeNode, scopeOf(f, new Set())) : literalType(values[i] ?? null, scopeOf(f, new Set()));
            model.vars.set(n.text, t);
          });
        }
      } else if (d.type === 'function_declaration') {
        const name = d.childForFieldName('name')?.text;
        if (name) model.funcs.set(name, resultTypes(d.childForFieldName('result'), scopeOf(f, typeParamNames(d.childForFieldName('type_parameters')))));
      } else if (d.type === 'method_declaration') {
        const recv = receiverTypeName(d);
        const name = d.childForFieldName('name')?.text;
        if (!recv || !name) continue;
        const methods = model.methods.get(recv) ?? new Map<string, GoType[]>();
        methods.set(name, resultTypes(d.childForFieldName('result'), scopeOf(f, receiverTypeParams(d))));
        model.methods.set(recv, methods);
      }
    }
  }
  return model;
}

/** The receiver's base type name: `(s *S)`, `(S)`, `(s *S[T])` → S. */
export function receiverTypeName(method: Node): string | null {
  const p = method.childForFieldName('receiver')?.namedChildren.find((c) => c.type === 'parameter_declaration');
  let t = p?.childForFieldName('type') ?? null;
  while (t && (t.type === 'pointer_type' || t.type === 'parenthesized_type')) t = t.namedChild(0);
  if (t?.type === 'generic_type') t = t.childForFieldName('type');
  return t?.type === 'type_identifier' ? t.text : null;
}

/** Type parameters named by a generic receiver, `(s *S[K, V])`. */
export function receiverTypeParams(method: Node): Set<string> {
  const p = method.childForFieldName('receiver')?.namedChildren.find((c) => c.type === 'parameter_declaration');
  const out = new Set<string>();
  for (const g of p?.descendantsOfType('type_arguments') ?? []) for (const id of g.descendantsOfType(['type_identifier', 'identifier'])) out.add(id.text);
  return out;
}

/** The type of a value that names it: `T{}`, `&T{}`, `new(T)`, `make(T, n)`; unknown otherwise. */
export function literalType(v: Node | null, s: TypeScope): GoType {
  if (!v) return UNKNOWN;
  if (v.type === 'composite_literal') return typeFromNode(v.childForFieldName('type'), s);
  if (v.type === 'unary_expression' && v.childForFieldName('operator')?.text === '&') {
    const t = literalType(v.childForFieldName('operand'), s);
    return t.k === 'unknown' ? t : { k: 'pointer', elem: t };
  }
  if (v.type === 'call_expression') {
    const fn = v.childForFieldName('function')?.text;
    const arg = v.childForFieldName('arguments')?.namedChild(0) ?? null;
    if (fn === 'new') return { k: 'pointer', elem: typeFromNode(arg, s) };
    if (fn === 'make') return typeFromNode(arg, s);
  }
  return UNKNOWN;
}
