import type { Node } from 'web-tree-sitter';
import { linuxArches } from './constraint.js';
import { Inference } from './infer.js';
import { ARCH32, Layout } from './layout.js';
import type { SourceFile } from './package.js';
import type { GoType, PackageModel, Universe } from './types.js';

/** Where in a source file: 1-based line and column (columns count UTF-16 units, as editors do for ASCII). */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/** Offset of the accessed word from an 8-byte aligned base on one GOARCH: `offset + k·stride` for some k ≥ 0. */
export interface Placement {
  goarch: string;
  offset: number;
  /** Element size when an array or slice is indexed by a variable; null for a fixed place. */
  stride: number | null;
}

/** One atomic access: a sync/atomic function on `&x`, or a method of a typed atomic (`x.Add(1)`). */
export interface AtomicSite extends Position {
  /** `AddInt64`, or `Int64.Add` for the typed API. */
  op: string;
  typed: boolean;
  bits: 32 | 64;
  /** The operation writes (Add, Store, Swap, CompareAndSwap, And, Or). */
  update: boolean;
  /** The accessed expression as written (`s.count`, `shards[i].n`). */
  target: string;
  /** What is accessed, shared by every access to the same variable or field; null when not followed. */
  key: string | null;
  /** For 64-bit sync/atomic functions: the place on each 32-bit GOARCH the file is built for, where known. */
  placements: Placement[];
  /** The accessed word sits in an element of an array or slice indexed by a variable. */
  element: ElementFacts | null;
}

export interface ElementFacts {
  /** The element type as written in Go (`shard`, `struct{...}`). */
  type: string;
  /** Its size on 64-bit GOARCHes (amd64, arm64); null when unknown. */
  size64: number | null;
  /** Where the element type is declared, when in the linted files. */
  decl: Position | null;
  /** The path from the element to the accessed word (`.n`, `.stats.hits`). */
  field: string;
}

/** A plain (non-atomic) read or write of something accessed atomically elsewhere. */
export interface PlainAccess extends Position {
  key: string;
  write: boolean;
  /** The expression as written. */
  target: string;
  /** In a _test.go file. */
  test: boolean;
}

const ATOMIC_FUNC = /^(Add|Load|Store|Swap|CompareAndSwap|And|Or)(Int32|Int64|Uint32|Uint64|Uintptr|Pointer)$/;
const TYPED = new Set(['Bool', 'Int32', 'Int64', 'Uint32', 'Uint64', 'Uintptr', 'Pointer', 'Value']);
const TYPED_METHODS = new Set(['Load', 'Store', 'Add', 'Swap', 'CompareAndSwap', 'And', 'Or']);

type Step = { k: 'field'; type: GoType; name: string } | { k: 'index'; elem: GoType; index: number | null; root: boolean };

/** The atomic sites and the plain accesses to the same things in one package. */
export function packageAccesses(model: PackageModel, files: SourceFile[], universe: Universe): { sites: AtomicSite[]; plain: PlainAccess[] } {
  const layout64 = new Layout(universe, 'amd64');
  const layouts32 = ARCH32.map((a) => new Layout(universe, a));
  const sites: AtomicSite[] = [];
  const infs = files.map((f) => new Inference(f, model, universe, layout64));
  const siteNodes = new Set<number>();

  files.forEach((file, fi) => {
    const inf = infs[fi] as Inference;
    const atomicNames = [...file.imports].filter(([, p]) => p === 'sync/atomic').map(([n]) => n);
    const arches32 = new Set(linuxArches(file.constraint).filter((a) => ARCH32.includes(a)));
    // Find candidate calls in the text and ask the tree only about those: walking every node costs as much as parsing.
    const names = atomicNames.map((n) => `\\b${n}\\.[A-Z]\\w+`).join('|');
    const re = new RegExp(`${names ? `${names}|` : ''}\\.(?:Load|Store|Add|Swap|CompareAndSwap|And|Or)\\s*\\(`, 'g');
    for (const m of file.text.matchAll(re)) {
      const fieldNode = file.root.descendantForIndex(m.index + m[0].indexOf('.') + 1);
      const fn = fieldNode?.parent;
      const call = fn?.parent;
      if (fn?.type !== 'selector_expression' || call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== fn.id) continue;
      const operand = fn.childForFieldName('operand');
      const name = fn.childForFieldName('field')?.text ?? '';
      if (!operand) continue;
      const arg0 = call.childForFieldName('arguments')?.namedChild(0) ?? null;
      const fm = ATOMIC_FUNC.exec(name);
      if (fm && operand.type === 'identifier' && atomicNames.includes(operand.text)) {
        // Only &x is followed: a pointer parameter could point anywhere.
        if (arg0?.type !== 'unary_expression' || arg0.childForFieldName('operator')?.text !== '&') continue;
        const target = arg0.childForFieldName('operand') as Node;
        const bits = fm[2] === 'Int64' || fm[2] === 'Uint64' ? 64 : 32;
        const path = pathOf(inf, target);
        siteNodes.add(target.id);
        sites.push({
          ...pos(file, call),
          op: name,
          typed: false,
          bits,
          update: fm[1] !== 'Load',
          target: target.text,
          key: keyOf(inf, target),
          placements: bits === 64 && path ? layouts32.filter((l) => arches32.has(l.goarch)).flatMap((l) => place(l, path)) : [],
          element: path ? elementOf(layout64, path) : null,
        });
        continue;
      }
      if (!TYPED_METHODS.has(name) || (operand.type === 'identifier' && file.imports.has(operand.text))) continue;
      const t = inf.typeOf(operand);
      const named = t.k === 'pointer' ? t.elem : t;
      if (named.k !== 'named' || named.pkg !== 'sync/atomic' || !TYPED.has(named.name)) continue;
      const path = pathOf(inf, operand);
      siteNodes.add(operand.id);
      sites.push({
        ...pos(file, call),
        op: `${named.name}.${name}`,
        typed: true,
        bits: named.name === 'Int64' || named.name === 'Uint64' ? 64 : 32,
        update: name !== 'Load',
        target: operand.text,
        // Through a pointer variable (`p := &x.n; p.Add(1)`) the atomic itself is not named: not followed.
        key: t.k === 'pointer' ? null : keyOf(inf, operand),
        placements: [],
        element: path ? elementOf(layout64, path) : null,
      });
    }
  });

  const keys = new Set(sites.map((s) => s.key).filter((k): k is string => k !== null));
  const typedKeys = new Set(sites.filter((s) => s.typed && s.key).map((s) => s.key as string));
  const leaves = new Set(sites.filter((s) => s.key).map((s) => leafName(s.target)));
  const plain: PlainAccess[] = [];
  if (!keys.size) return { sites, plain };
  const leafRe = new RegExp(`\\b(?:${[...leaves].join('|')})\\b`, 'g');
  files.forEach((file, fi) => {
    const inf = infs[fi] as Inference;
    for (const m of file.text.matchAll(leafRe)) {
      const at = file.root.descendantForIndex(m.index);
      const n = at?.type === 'field_identifier' && at.parent?.type === 'selector_expression' ? at.parent : at;
      if (!n || (n.type !== 'identifier' && n.type !== 'selector_expression') || siteNodes.has(n.id)) continue;
      if (n.type === 'identifier' && isDeclaration(n)) continue;
      // The expression itself, then the elements it is indexed into (`counts[i]` for `counts`).
      for (let e: Node | null = n; e; e = e.parent?.type === 'index_expression' && e.parent.childForFieldName('operand')?.id === e.id ? e.parent : null) {
        if (siteNodes.has(e.id)) break;
        const key = keyOf(inf, e);
        if (!key || !keys.has(key)) continue;
        const use = plainUse(e, typedKeys.has(key));
        if (use && !initialising(inf, e)) plain.push({ ...pos(file, e), key, write: use === 'write', target: e.text, test: file.test });
        break;
      }
    }
  });
  return { sites, plain };
}

function pos(file: SourceFile, n: Node): Position {
  return { file: file.path, line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

/** The last name of an expression: `s.a.n` → n, `counts[i]` → counts. */
function leafName(text: string): string {
  const t = text.replace(/\[[^\]]*\]$/, '').replace(/[()*]/g, '');
  return t.slice(t.lastIndexOf('.') + 1);
}

/** An identifier being declared (`x :=`, `var x`, a parameter), not used. */
function isDeclaration(id: Node): boolean {
  const p = id.parent;
  if (!p) return true;
  if (
    p.type === 'expression_list' &&
    p.parent &&
    (p.parent.type === 'short_var_declaration' || p.parent.type === 'range_clause') &&
    p.parent.childForFieldName('left')?.id === p.id
  ) {
    // `a, n := f()` declares n unless n already exists in this scope; assume the common case.
    return p.parent.text.includes(':=');
  }
  if (p.type === 'literal_element') return p.parent?.type === 'keyed_element' && p.parent.namedChild(0)?.id === p.id;
  return p.type === 'var_spec' || p.type === 'parameter_declaration' || p.type === 'const_spec' || p.type === 'labeled_statement';
}

/** How a matched expression is used: read, write, or not a plain use (address taken, method called, a deeper field). */
function plainUse(e: Node, typed: boolean): 'read' | 'write' | null {
  const p = e.parent;
  if (!p) return null;
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&') return null;
  if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === e.id) return null;
  // A typed atomic passed by address implicitly (method value) or compared: only copies and assignments count.
  if (p.type === 'inc_statement' || p.type === 'dec_statement') return 'write';
  if (p.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('left')?.id === p.id) return 'write';
  if (typed && p.type === 'call_expression' && p.childForFieldName('function')?.id === e.id) return null;
  return 'read';
}

/**
 * A plain access to a value not yet shared: the expression starts at a local variable holding a
 * fresh value (`&T{}`, `T{}`, `new(T)`, `var v T`) and comes before the variable is first used any
 * other way than through its fields (passed, returned, captured, a method called on it).
 */
function initialising(inf: Inference, e: Node): boolean {
  // Package initialisation runs before main starts any goroutine.
  const fn = Inference.enclosingFunc(e);
  if (fn?.type === 'function_declaration' && fn.childForFieldName('name')?.text === 'init') return true;
  if (!fn && e.parent) return true;
  let base = e;
  while (base.type === 'selector_expression' || base.type === 'index_expression') base = base.childForFieldName('operand') as Node;
  if (base.type !== 'identifier' || base.id === e.id) return false;
  const d = inf.lookup(base.text, base);
  if (d?.kind !== 'local') return false;
  const declStmt = d.node.parent?.parent;
  const fresh =
    declStmt?.type === 'var_spec'
      ? !declStmt.childForFieldName('value')
      : declStmt?.type === 'short_var_declaration' && /^(&?[\w.]+(\[[^\]]*\])?\{|new\()/.test(declStmt.childForFieldName('right')?.text ?? '');
  if (!fresh) return false;
  if (!fn || Inference.enclosingFunc(d.node)?.id !== fn.id) return false;
  const from = d.node.endIndex;
  for (const use of fn.descendantsOfType('identifier')) {
    if (use.startIndex <= from || use.text !== base.text) continue;
    if (use.startIndex >= e.startIndex) return true;
    const p = use.parent;
    const viaField = p?.type === 'selector_expression' && p.childForFieldName('operand')?.id === use.id && p.parent?.type !== 'call_expression';
    if (!viaField || Inference.enclosingFunc(use)?.id !== fn.id) return false;
  }
  return true;
}

/** The identity of what an expression names, shared by every access to it in the package. */
function keyOf(inf: Inference, e: Node): string | null {
  switch (e.type) {
    case 'parenthesized_expression':
      return keyOf(inf, e.namedChild(0) as Node);
    case 'identifier': {
      const d = inf.lookup(e.text, e);
      if (!d || d.kind === 'import') return null;
      return d.kind === 'global' ? `${d.pkg}.${e.text}` : `${inf.file.path}:${d.node.startIndex}:${e.text}`;
    }
    case 'selector_expression': {
      const operand = e.childForFieldName('operand') as Node;
      const name = e.childForFieldName('field')?.text ?? '';
      if (operand.type === 'identifier') {
        const d = inf.lookup(operand.text, operand);
        if (d?.kind === 'import') return `${d.path}.${name}`;
      }
      const t = inf.typeOf(operand);
      const u = inf.layout.underlying(t);
      const ref = inf.layout.field(u.k === 'pointer' ? u.elem : t, name);
      if (!ref) return null;
      if (ref.owner) return `${ref.owner.pkg}.${ref.owner.name}.${name}`;
      const k = keyOf(inf, operand);
      return k && `${k}.${name}`;
    }
    case 'index_expression': {
      const k = keyOf(inf, e.childForFieldName('operand') as Node);
      return k && `${k}[]`;
    }
    default:
      return null;
  }
}

/** The steps from an 8-byte aligned base (a variable, or memory reached through a pointer or slice) to the expression. */
function pathOf(inf: Inference, e: Node): Step[] | null {
  switch (e.type) {
    case 'parenthesized_expression':
      return pathOf(inf, e.namedChild(0) as Node);
    case 'identifier':
      return [];
    case 'unary_expression':
      return e.childForFieldName('operator')?.text === '*' ? [] : null;
    case 'selector_expression': {
      const operand = e.childForFieldName('operand') as Node;
      const name = e.childForFieldName('field')?.text ?? '';
      if (operand.type === 'identifier' && inf.lookup(operand.text, operand)?.kind === 'import') return [];
      const t = inf.typeOf(operand);
      if (t.k === 'unknown') return null;
      const u = inf.layout.underlying(t);
      if (u.k === 'pointer') return [{ k: 'field', type: u.elem, name }];
      const before = pathOf(inf, operand);
      return before && [...before, { k: 'field', type: t, name }];
    }
    case 'index_expression': {
      const operand = e.childForFieldName('operand') as Node;
      const idx = e.childForFieldName('index');
      const index = idx?.type === 'int_literal' ? Number(idx.text) : null;
      const u = inf.layout.underlying(inf.typeOf(operand));
      if (u.k === 'slice') return [{ k: 'index', elem: u.elem, index, root: true }];
      if (u.k === 'pointer') {
        const a = inf.layout.underlying(u.elem);
        return a.k === 'array' ? [{ k: 'index', elem: a.elem, index, root: true }] : null;
      }
      if (u.k !== 'array') return null;
      const before = pathOf(inf, operand);
      return before && [...before, { k: 'index', elem: u.elem, index, root: false }];
    }
    default:
      return null;
  }
}

/** Where the path lands on one GOARCH; [] when a size on the way is unknown. */
function place(l: Layout, path: Step[]): Placement[] {
  let offset = 0;
  let stride: number | null = null;
  for (const s of path) {
    if (s.k === 'field') {
      const ref = l.field(s.type, s.name);
      if (!ref || Number.isNaN(ref.offset)) return [];
      if (ref.viaPointer) {
        offset = ref.offset;
        stride = null;
      } else offset += ref.offset;
    } else {
      const size = l.sizeAlign(s.elem)?.size;
      if (size === undefined) return [];
      if (s.root) {
        offset = 0;
        stride = null;
      }
      if (s.index === null) stride = stride === null ? size : gcd(stride, size);
      else offset += s.index * size;
    }
  }
  return [{ goarch: l.goarch, offset, stride }];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The element of the last variable-indexed array or slice on the path, when it is a struct. */
function elementOf(l: Layout, path: Step[]): ElementFacts | null {
  let at = -1;
  path.forEach((s, i) => {
    if (s.k === 'index' && s.index === null) at = i;
  });
  if (at < 0) return null;
  const s = path[at] as Extract<Step, { k: 'index' }>;
  if (l.underlying(s.elem).k !== 'struct') return null;
  const field = path
    .slice(at + 1)
    .map((x) => (x.k === 'field' ? `.${x.name}` : `[${x.index ?? 'i'}]`))
    .join('');
  const decl = s.elem.k === 'named' ? l.decl(s.elem.pkg, s.elem.name) : null;
  return {
    type: s.elem.k === 'named' ? s.elem.name : 'struct{...}',
    size64: l.sizeAlign(s.elem)?.size ?? null,
    decl: decl && { file: decl.file, line: decl.line, column: decl.column },
    field,
  };
}
