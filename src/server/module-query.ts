/**
 * "where do we ship golang.org/x/net < 0.23?": a module path with an optional version condition,
 * compared as Go compares module versions (semantic versions with a v prefix; pseudo-versions are
 * pre-releases of their base; +incompatible is build metadata and does not order).
 */
import semver from 'semver';

export type Op = '<' | '<=' | '=' | '>=' | '>';

export interface ModuleQuery {
  path: string;
  op: Op | null;
  /** Canonical, with the v prefix: `v0.23.0`. */
  version: string | null;
}

const OPS: Op[] = ['<=', '>=', '<', '>', '='];

/** `0.23` → `v0.23.0`, `v1` → `v1.0.0`; null when it is not a version. */
export function canonicalVersion(v: string): string | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?([-+].*)?$/.exec(v.trim());
  if (!m) return null;
  const text = `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ?? ''}`;
  return semver.valid(text) ? `v${text}` : null;
}

/** Compares two module versions; null when either is not a semantic version (`(devel)`, a directory). */
export function compareModuleVersions(a: string, b: string): number | null {
  const x = canonicalVersion(a);
  const y = canonicalVersion(b);
  return x && y ? semver.compare(x.slice(1), y.slice(1)) : null;
}

/** `golang.org/x/net<0.23`, `golang.org/x/net@v0.17.0`, `golang.org/x/net >= v0.23.0`, `golang.org/x/net`. */
export function parseModuleQuery(q: string): ModuleQuery {
  const text = q.trim();
  if (!text) throw new Error('empty query: give a module path, optionally with a version (golang.org/x/net<0.23 or golang.org/x/net@v0.17.0)');
  if (text.length > 1024) throw new Error('query longer than 1024 characters');
  const at = /^([^\s@<>=]+)@(\S+)$/.exec(text);
  if (at) return withVersion(at[1] as string, '=', at[2] as string);
  for (const op of OPS) {
    const i = text.indexOf(op);
    if (i > 0) return withVersion(text.slice(0, i).trim(), op, text.slice(i + op.length).trim());
  }
  if (/[\s<>=@]/.test(text)) throw new Error(`cannot read "${text}": expected PATH, PATH@VERSION or PATH<VERSION (also <=, >, >=, =)`);
  return { path: text, op: null, version: null };
}

function withVersion(path: string, op: Op, v: string): ModuleQuery {
  if (!path || /[\s<>=@]/.test(path)) throw new Error(`"${path}" is not a module path`);
  const version = canonicalVersion(v);
  if (!version) throw new Error(`"${v}" is not a module version (expected e.g. v0.23.0 or 0.23)`);
  return { path, op, version };
}

/** True when `have` satisfies the query's condition; a version that does not compare never does. */
export function matches(q: ModuleQuery, have: string): boolean {
  if (!q.op || !q.version) return true;
  const c = compareModuleVersions(have, q.version);
  if (c === null) return false;
  switch (q.op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
  }
}
