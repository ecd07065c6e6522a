import type { Node } from 'web-tree-sitter';
import type { Layout } from './layout.js';
import { literalType, receiverTypeParams, type SourceFile, typeParamNames } from './package.js';
import { type GoType, type PackageModel, type TypeScope, typeFromNode, UNKNOWN, type Universe } from './types.js';

/** Where a name was declared: a package-level variable, a local (or parameter), or an imported package. */
export type Decl = { kind: 'global'; pkg: string; type: GoType } | { kind: 'local'; node: Node; type: GoType } | { kind: 'import'; path: string };

const FUNC_NODES = new Set(['function_declaration', 'method_declaration', 'func_literal']);
const MAX_DEPTH = 24;

/**
 * Types of expressions inside one file's function bodies: enough of Go's rules to follow
 * variables, fields, indexes, calls and literals to the struct types they name. Whatever it
 * cannot type is `unknown`, and the rules then say nothing.
 */
export class Inference {
  private depth = 0;

  constructor(
    readonly file: SourceFile,
    readonly model: PackageModel,
    readonly universe: Universe,
    /** A 64-bit layout: field lookups and underlying types (field types are the same on every GOARCH). */
    readonly layout: Layout,
  ) {}

  scope(at: Node): TypeScope {
    return {
      pkg: this.model.path,
      imports: this.file.imports,
      typeParams: this.typeParamsAt(at),
      constValue: (name, pkg) => this.universe.get(pkg)?.consts.get(name) ?? null,
    };
  }

  private typeParamsAt(at: Node): Set<string> {
    for (let n: Node | null = at; n; n = n.parent) {
      if (n.type === 'function_declaration') return typeParamNames(n.childForFieldName('type_parameters'));
      if (n.type === 'method_declaration') return receiverTypeParams(n);
    }
    return new Set();
  }

  /** The declaration `name` refers to at `at`: the nearest enclosing one, else the package's, else an import. */
  lookup(name: string, at: Node): Decl | null {
    let child = at;
    for (let n = at.parent; n; child = n, n = n.parent) {
      const d = this.declaredIn(n, child, name);
      if (d) return d;
    }
    const t = this.model.vars.get(name);
    if (t) return { kind: 'global', pkg: this.model.path, type: t };
    const path = this.file.imports.get(name);
    return path ? { kind: 'import', path } : null;
  }

  private declaredIn(n: Node, child: Node, name: string): Decl | null {
    switch (n.type) {
      case 'statement_list':
      case 'block':
      case 'source_file': {
        if (n.type === 'source_file') return null;
        // The latest declaration before the statement holding `at`.
        const kids = n.namedChildren;
        for (let i = kids.findIndex((k) => k.id === child.id) - 1; i >= 0; i--) {
          const d = this.declaredBy(kids[i] as Node, name);
          if (d) return d;
        }
        return null;
      }
      case 'for_statement': {
        const clause = n.namedChildren.find((c) => c.type === 'range_clause' || c.type === 'for_clause');
        if (!clause || clause.id === child.id) return null;
        if (clause.type === 'range_clause') return this.rangeDecl(clause, name);
        const init = clause.childForFieldName('initializer');
        return init ? this.declaredBy(init, name) : null;
      }
      case 'if_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        const alias = n.childForFieldName('alias');
        if (alias?.namedChildren.some((a) => a.text === name)) return { kind: 'local', node: alias, type: UNKNOWN };
        const init = n.childForFieldName('initializer');
        return init && init.id !== child.id ? this.declaredBy(init, name) : null;
      }
      case 'communication_case': {
        const comm = n.childForFieldName('communication');
        return comm && comm.id !== child.id ? this.declaredBy(comm, name) : null;
      }
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        return this.paramDecl(n, name);
      default:
        return null;
    }
  }

  private declaredBy(stmt: Node, name: string): Decl | null {
    if (stmt.type === 'short_var_declaration' || stmt.type === 'receive_statement') {
      if (stmt.type === 'receive_statement' && !stmt.text.includes(':=')) return null;
      const left = stmt.childForFieldName('left')?.namedChildren ?? [];
      const i = left.findIndex((l) => l.type === 'identifier' && l.text === name);
      if (i < 0) return null;
      const right = stmt.childForFieldName('right');
      const values = right?.type === 'expression_list' ? right.namedChildren : right ? [right] : [];
      return { kind: 'local', node: left[i] as Node, type: this.assigned(values, i, left.length) };
    }
    if (stmt.type === 'var_declaration') {
      for (const spec of stmt.descendantsOfType('var_spec')) {
        const names = spec.childrenForFieldName('name');
        const i = names.findIndex((n) => n.text === name);
        if (i < 0) continue;
        const typeNode = spec.childForFieldName('type');
        const values = spec.childForFieldName('value')?.namedChildren ?? [];
        return { kind: 'local', node: names[i] as Node, type: typeNode ? typeFromNode(typeNode, this.scope(spec)) : this.assigned(values, i, names.length) };
      }
    }
    return null;
  }

  /** The type the i-th of n names gets from `values` (one value each, or one multi-value expression). */
  private assigned(values: Node[], i: number, n: number): GoType {
    if (values.length === n) return this.typeOf(values[i] ?? null);
    if (values.length !== 1) return UNKNOWN;
    const v = values[0] as Node;
    const t = this.typeOf(v);
    if (t.k === 'tuple') return t.types[i] ?? UNKNOWN;
    // comma-ok forms: m[k], x.(T), <-ch
    return i === 0 ? t : UNKNOWN;
  }

  private rangeDecl(clause: Node, name: string): Decl | null {
    if (!clause.text.includes(':=')) return null;
    const left = clause.childForFieldName('left')?.namedChildren ?? [];
    const i = left.findIndex((l) => l.text === name);
    if (i < 0) return null;
    const over = this.layout.underlying(this.typeOf(clause.childForFieldName('right')));
    const arr = over.k === 'pointer' ? this.layout.underlying(over.elem) : over;
    let t: GoType = UNKNOWN;
    if (arr.k === 'slice' || arr.k === 'array') t = i === 0 ? { k: 'basic', name: 'int' } : arr.elem;
    else if (arr.k === 'map') t = i === 0 ? arr.key : arr.value;
    else if (arr.k === 'chan' && i === 0) t = arr.elem;
    return { kind: 'local', node: left[i] as Node, type: t };
  }

  private paramDecl(fn: Node, name: string): Decl | null {
    const lists = [fn.childForFieldName('receiver'), fn.childForFieldName('parameters'), fn.childForFieldName('result')];
    for (const list of lists) {
      if (list?.type !== 'parameter_list') continue;
      for (const p of list.namedChildren) {
        const n = p.childrenForFieldName('name').find((x) => x.text === name);
        if (!n) continue;
        let t = typeFromNode(p.childForFieldName('type'), this.scope(fn));
        if (p.type === 'variadic_parameter_declaration') t = { k: 'slice', elem: t };
        return { kind: 'local', node: n, type: t };
      }
    }
    return null;
  }

  /** The type of an expression; `unknown` when not followed. */
  typeOf(e: Node | null): GoType {
    if (!e || this.depth > MAX_DEPTH) return UNKNOWN;
    this.depth++;
    try {
      return this.compute(e);
    } finally {
      this.depth--;
    }
  }

  private compute(e: Node): GoType {
    switch (e.type) {
      case 'identifier': {
        const d = this.lookup(e.text, e);
        return d && d.kind !== 'import' ? d.type : UNKNOWN;
      }
      case 'parenthesized_expression':
        return this.typeOf(e.namedChild(0));
      case 'composite_literal':
      case 'call_expression':
        return this.callOrLiteral(e);
      case 'unary_expression': {
        const op = e.childForFieldName('operator')?.text;
        const t = this.typeOf(e.childForFieldName('operand'));
        if (op === '&') return t.k === 'unknown' ? t : { k: 'pointer', elem: t };
        const u = this.layout.underlying(t);
        if (op === '*' && u.k === 'pointer') return u.elem;
        if (op === '<-' && u.k === 'chan') return u.elem;
        return op === '-' || op === '+' || op === '^' ? t : UNKNOWN;
      }
      case 'selector_expression':
        return this.selection(e);
      case 'index_expression': {
        const u = this.layout.underlying(this.typeOf(e.childForFieldName('operand')));
        const c = u.k === 'pointer' ? this.layout.underlying(u.elem) : u;
        if (c.k === 'slice' || c.k === 'array') return c.elem;
        if (c.k === 'map') return c.value;
        return UNKNOWN;
      }
      case 'slice_expression': {
        const t = this.typeOf(e.childForFieldName('operand'));
        const u = this.layout.underlying(t);
        const c = u.k === 'pointer' ? this.layout.underlying(u.elem) : u;
        return c.k === 'array' ? { k: 'slice', elem: c.elem } : t;
      }
      case 'type_assertion_expression':
        return typeFromNode(e.childForFieldName('type'), this.scope(e));
      default:
        return UNKNOWN;
    }
  }

  private callOrLiteral(e: Node): GoType {
    const lit = literalType(e, this.scope(e));
    if (lit.k !== 'unknown' || e.type === 'composite_literal') return lit;
    const fn = e.childForFieldName('function');
    if (!fn) return UNKNOWN;
    const args = e.childForFieldName('arguments');
    if (fn.type === 'identifier') {
      if (fn.text === 'len' || fn.text === 'cap') return { k: 'basic', name: 'int' };
      if (fn.text === 'append') return this.typeOf(args?.namedChild(0) ?? null);
      const d = this.lookup(fn.text, fn);
      if (d) return d.kind === 'local' && d.type.k === 'func' ? tuple(d.type.results) : UNKNOWN;
      const results = this.model.funcs.get(fn.text);
      if (results) return tuple(results);
      // A conversion to a named type of this package.
      return this.model.types.has(fn.text) ? { k: 'named', pkg: this.model.path, name: fn.text } : UNKNOWN;
    }
    if (fn.type === 'selector_expression') {
      const operand = fn.childForFieldName('operand');
      const name = fn.childForFieldName('field')?.text ?? '';
      if (operand?.type === 'identifier') {
        const d = this.lookup(operand.text, operand);
        if (d?.kind === 'import') {
          const pkg = this.universe.get(d.path);
          const results = pkg?.funcs.get(name);
          if (results) return tuple(results);
          return pkg?.types.has(name) ? { k: 'named', pkg: d.path, name } : UNKNOWN;
        }
      }
      const recv = this.typeOf(operand);
      const base = recv.k === 'pointer' ? recv.elem : recv;
      if (base.k === 'named') {
        const results = this.universe.get(base.pkg)?.methods.get(base.name)?.get(name);
        if (results) return tuple(results);
      }
      return UNKNOWN;
    }
    if (fn.type === 'parenthesized_expression' || fn.type === 'parenthesized_type') {
      const inner = fn.namedChild(0);
      return inner ? typeFromNode(inner.type === 'unary_expression' ? null : inner, this.scope(fn)) : UNKNOWN;
    }
    return UNKNOWN;
  }

  private selection(e: Node): GoType {
    const operand = e.childForFieldName('operand');
    const name = e.childForFieldName('field')?.text ?? '';
    if (operand?.type === 'identifier') {
      const d = this.lookup(operand.text, operand);
      if (d?.kind === 'import') return this.universe.get(d.path)?.vars.get(name) ?? UNKNOWN;
    }
    const t = this.typeOf(operand);
    const u = this.layout.underlying(t);
    const base = u.k === 'pointer' ? u.elem : t;
    return this.layout.field(base, name)?.type ?? UNKNOWN;
  }

  /** The function declaration or literal around a node, or null at package level. */
  static enclosingFunc(n: Node): Node | null {
    for (let p = n.parent; p; p = p.parent) if (FUNC_NODES.has(p.type)) return p;
    return null;
  }
}

function tuple(results: GoType[]): GoType {
  return results.length === 1 ? (results[0] as GoType) : { k: 'tuple', types: results };
}
