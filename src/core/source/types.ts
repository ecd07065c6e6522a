import type { Node } from 'web-tree-sitter';

/**
 * The part of Go's type system goready needs to lay out structs and follow field selections:
 * named types stay references (package import path + name) resolved through a Universe.
 */
export type GoType =
  | { k: 'basic'; name: string }
  | { k: 'named'; pkg: string; name: string }
  | { k: 'pointer'; elem: GoType }
  | { k: 'slice'; elem: GoType }
  | { k: 'array'; len: number | null; elem: GoType }
  | { k: 'map'; key: GoType; value: GoType }
  | { k: 'chan'; elem: GoType }
  | { k: 'func'; results: GoType[] }
  | { k: 'struct'; fields: Field[] }
  | { k: 'interface' }
  | { k: 'tuple'; types: GoType[] }
  | { k: 'unknown' };

export interface Field {
  /** The field name; for an embedded field, its type's name. `_` fields keep `_`. */
  name: string;
  embedded: boolean;
  type: GoType;
}

export const UNKNOWN: GoType = { k: 'unknown' };

/** Predeclared types; `byte` and `rune` are aliases. */
const BASIC = new Set([
  'bool',
  'int8',
  'uint8',
  'byte',
  'int16',
  'uint16',
  'int32',
  'rune',
  'uint32',
  'int64',
  'uint64',
  'int',
  'uint',
  'uintptr',
  'float32',
  'float64',
  'complex64',
  'complex128',
  'string',
]);

/** One declared type of a package, with the Linux GOARCHes its file is built for. */
export interface TypeDecl {
  name: string;
  type: GoType;
  alias: boolean;
  file: string;
  line: number;
  column: number;
  arches: string[];
}

/** What the analysis keeps of a package once its syntax trees are gone: plain data. */
export interface PackageModel {
  path: string;
  name: string;
  types: Map<string, TypeDecl[]>;
  vars: Map<string, GoType>;
  consts: Map<string, number | null>;
  funcs: Map<string, GoType[]>;
  /** Receiver type name → method name → results. */
  methods: Map<string, Map<string, GoType[]>>;
}

export function emptyPackage(path: string, name: string): PackageModel {
  return { path, name, types: new Map(), vars: new Map(), consts: new Map(), funcs: new Map(), methods: new Map() };
}

/** Packages by import path. */
export type Universe = Map<string, PackageModel>;

/** What a type expression needs to be read: the package, its imports, type parameters in scope and constants. */
export interface TypeScope {
  pkg: string;
  imports: Map<string, string>;
  typeParams: ReadonlySet<string>;
  constValue(name: string, pkg: string): number | null;
}

/** A type expression node → GoType; anything not modelled is `unknown`. */
export function typeFromNode(n: Node | null, s: TypeScope): GoType {
  if (!n) return UNKNOWN;
  switch (n.type) {
    case 'type_identifier': {
      const name = n.text;
      if (s.typeParams.has(name)) return UNKNOWN;
      if (BASIC.has(name)) return { k: 'basic', name: name === 'byte' ? 'uint8' : name === 'rune' ? 'int32' : name };
      if (name === 'error' || name === 'any' || name === 'comparable') return { k: 'interface' };
      return { k: 'named', pkg: s.pkg, name };
    }
    case 'qualified_type': {
      const pkgName = n.childForFieldName('package')?.text ?? '';
      const name = n.childForFieldName('name')?.text ?? '';
      const path = s.imports.get(pkgName);
      if (path === 'unsafe' && name === 'Pointer') return { k: 'basic', name: 'unsafe.Pointer' };
      return path ? { k: 'named', pkg: path, name } : UNKNOWN;
    }
    case 'generic_type':
      // An instantiation: its layout is the generic type's, which only matters for sync/atomic.Pointer[T].
      return typeFromNode(n.childForFieldName('type'), s);
    case 'pointer_type':
      return { k: 'pointer', elem: typeFromNode(n.namedChild(0), s) };
    case 'slice_type':
      return { k: 'slice', elem: typeFromNode(n.childForFieldName('element'), s) };
    case 'array_type':
      return { k: 'array', len: constExpr(n.childForFieldName('length'), s), elem: typeFromNode(n.childForFieldName('element'), s) };
    case 'implicit_length_array_type':
      return { k: 'array', len: null, elem: typeFromNode(n.childForFieldName('element'), s) };
    case 'map_type':
      return { k: 'map', key: typeFromNode(n.childForFieldName('key'), s), value: typeFromNode(n.childForFieldName('value'), s) };
    case 'channel_type':
      return { k: 'chan', elem: typeFromNode(n.childForFieldName('value'), s) };
    case 'function_type':
      return { k: 'func', results: resultTypes(n.childForFieldName('result'), s) };
    case 'struct_type':
      return { k: 'struct', fields: structFields(n, s) };
    case 'interface_type':
      return { k: 'interface' };
    case 'parenthesized_type':
      return typeFromNode(n.namedChild(0), s);
    default:
      return UNKNOWN;
  }
}

/** A function's result list: a single type, or a parameter_list of (possibly named) results. */
export function resultTypes(n: Node | null, s: TypeScope): GoType[] {
  if (!n) return [];
  if (n.type !== 'parameter_list') return [typeFromNode(n, s)];
  const out: GoType[] = [];
  for (const p of n.namedChildren) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const t = typeFromNode(p.childForFieldName('type'), s);
    const names = p.childrenForFieldName('name').length || 1;
    for (let i = 0; i < names; i++) out.push(t);
  }
  return out;
}

function structFields(n: Node, s: TypeScope): Field[] {
  const list = n.namedChildren.find((c) => c.type === 'field_declaration_list');
  const fields: Field[] = [];
  for (const d of list?.namedChildren ?? []) {
    if (d.type !== 'field_declaration') continue;
    const typeNode = d.childForFieldName('type');
    const type = typeFromNode(typeNode, s);
    const names = d.childrenForFieldName('name');
    if (names.length) for (const nm of names) fields.push({ name: nm.text, embedded: false, type });
    else {
      // Embedded: T, *T, pkg.T, T[P]; the field is named after the type.
      const base = typeNode?.type === 'pointer_type' ? typeNode.namedChild(0) : typeNode;
      const nameNode = base?.type === 'qualified_type' ? base.childForFieldName('name') : base?.type === 'generic_type' ? base.childForFieldName('type') : base;
      const name = (nameNode?.type === 'qualified_type' ? nameNode.childForFieldName('name') : nameNode)?.text ?? '?';
      fields.push({ name, embedded: true, type });
    }
  }
  return fields;
}

/** Integer constant expressions (array lengths, padding sizes): literals, constants, + - * / % << >> and parentheses. */
export function constExpr(n: Node | null, s: TypeScope): number | null {
  if (!n) return null;
  switch (n.type) {
    case 'int_literal': {
      const t = n.text.replaceAll('_', '');
      const v = /^0[0-7]+$/.test(t) ? Number.parseInt(t, 8) : Number(t.replace(/^0o/i, '0o'));
      return Number.isSafeInteger(v) ? v : null;
    }
    case 'identifier':
      return s.constValue(n.text, s.pkg);
    case 'selector_expression': {
      const path = s.imports.get(n.childForFieldName('operand')?.text ?? '');
      return path ? s.constValue(n.childForFieldName('field')?.text ?? '', path) : null;
    }
    case 'parenthesized_expression':
      return constExpr(n.namedChild(0), s);
    case 'binary_expression': {
      const a = constExpr(n.childForFieldName('left'), s);
      const b = constExpr(n.childForFieldName('right'), s);
      if (a === null || b === null) return null;
      switch (n.childForFieldName('operator')?.text) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b ? Math.trunc(a / b) : null;
        case '%':
          return b ? a % b : null;
        case '<<':
          return b < 53 ? a * 2 ** b : null;
        case '>>':
          return Math.floor(a / 2 ** b);
        default:
          return null;
      }
    }
    default:
      return null;
  }
}
