/** `goready licenses`: each module's licence, found offline and classified, checked against a policy. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import satisfies from 'spdx-satisfies';
import { classify, type LicenseMatch } from '../../core/analyses/license.js';
import { InputError } from '../../core/errors.js';
import { inspectFile } from '../files/inspect.js';
import { type LinkedLibrary, linkedLibraries } from './clibs.js';
import { findModuleLicenses, type LookupOptions, type ModuleRef, modulesOfTree } from './modules.js';
import { spdxIndex } from './spdx.js';

export interface LicenseFile {
  name: string;
  licenses: LicenseMatch[];
  coverage: number;
}

export interface ModuleLicense {
  path: string;
  version: string;
  replace?: { path: string; version: string };
  main: boolean;
  /** Where the licence files were found; null when nowhere on this machine. */
  found: { source: string; location: string } | null;
  files: LicenseFile[];
  /** SPDX expression concluded from the files (AND of every licence found; OR where a file offers a choice). */
  expression: string | null;
  /** Why the policy rejects this module, if it does. */
  violation: string | null;
}

export interface LicensesReport {
  target: string;
  modules: ModuleLicense[];
  /** With a host root: the C libraries the binary links, their Debian packages and licences. */
  linked?: LinkedLibrary[];
  violations: number;
}

export interface LicensePolicy {
  /** SPDX expression of what may ship, e.g. "MIT OR Apache-2.0 OR BSD-3-Clause". */
  allow?: string;
  /** SPDX expression of what must not ship. */
  deny?: string;
  /** Accept modules whose licence was not found or not recognised (default: they are violations). */
  allowUnknown?: boolean;
}

/** A file that offers its licences as alternatives ("dual-licensed … at your option") gives an OR. */
const CHOICE = /\b(dual[- ]licen[cs]ed|at your (option|choice)|either of|choose (either|one))\b/i;

function expressionOf(files: LicenseFile[], texts: string[]): string | null {
  const parts: string[] = [];
  files.forEach((f, i) => {
    const ids = [...new Set(f.licenses.map((l) => l.id))];
    if (!ids.length) return;
    parts.push(ids.length > 1 ? `(${ids.join(CHOICE.test(texts[i] ?? '') ? ' OR ' : ' AND ')})` : (ids[0] as string));
  });
  const uniq = [...new Set(parts)];
  if (!uniq.length) return null;
  return uniq.length === 1 ? (uniq[0] as string).replace(/^\((.*)\)$/, '$1') : uniq.join(' AND ');
}

function idsOf(expr: string): string[] {
  return expr.match(/[A-Za-z0-9.+-]+/g)?.filter((t) => t !== 'AND' && t !== 'OR' && t !== 'WITH') ?? [];
}

function check(m: ModuleLicense, policy: LicensePolicy): string | null {
  if (!m.expression) return policy.allowUnknown ? null : m.found ? 'licence text not recognised' : 'no licence file found on this machine';
  const ids = idsOf(m.expression);
  if (ids.some((i) => i.startsWith('LicenseRef-')) && !policy.allowUnknown)
    return `unrecognised licence text (${ids.find((i) => i.startsWith('LicenseRef-'))})`;
  if (policy.deny) {
    const denied = ids.filter((i) => idsOf(policy.deny as string).includes(i));
    if (denied.length) return `denied: ${denied.join(', ')}`;
  }
  if (policy.allow) {
    const known = m.expression.replace(/LicenseRef-[0-9a-f]+/g, 'MIT');
    let ok = false;
    try {
      ok = satisfies(known, policy.allow);
    } catch {
      // spdx-satisfies throws on expressions it cannot compare: such a licence does not satisfy the policy.
      ok = false;
    }
    if (!ok) return `not allowed: ${m.expression} does not satisfy ${policy.allow}`;
  }
  return null;
}

/** Licences of a binary's modules (from its build info) or of a source tree (go.mod, vendor/modules.txt). */
export async function licenses(
  target: string,
  policy: LicensePolicy = {},
  lookup: LookupOptions = {},
  hostRoot: string | null = null,
): Promise<LicensesReport> {
  let refs: (ModuleRef & { main: boolean })[];
  let linked: LinkedLibrary[] | undefined;
  const opts: LookupOptions = { ...lookup };
  if (statSync(target).isDirectory()) {
    const tree = modulesOfTree(target);
    opts.source ??= target;
    if (tree.vendored) opts.vendor ??= join(target, 'vendor');
    refs = [...(tree.main ? [{ path: tree.main, version: '', main: true }] : []), ...tree.modules.map((m) => ({ ...m, main: false }))];
  } else {
    const [r] = await inspectFile(target);
    if (r && hostRoot) linked = linkedLibraries(r.linkage.needed, r.file.arch, r.linkage.runpath, hostRoot);
    const bi = r?.buildInfo;
    if (!bi) throw new InputError(target, `no build info, so no module list (${r?.go.isGo ? 'a Go binary built without it' : 'not a Go binary'})`);
    refs = [];
    if (bi.main?.path) refs.push({ path: bi.main.path, version: bi.main.version, main: true });
    for (const d of bi.deps)
      refs.push({ path: d.path, version: d.version, main: false, ...(d.replace ? { replace: { path: d.replace.path, version: d.replace.version } } : {}) });
  }
  const index = spdxIndex();
  const modules: ModuleLicense[] = refs.map((ref) => {
    // The main module's licence sits at the root of its source tree.
    const found = ref.main ? (opts.source ? findModuleLicenses({ path: '.', version: '' }, { source: opts.source }) : null) : findModuleLicenses(ref, opts);
    const files: LicenseFile[] = (found?.files ?? []).map((f) => {
      const c = classify(index, f.text);
      return { name: f.name, licenses: c.matches, coverage: c.coverage };
    });
    const m: ModuleLicense = {
      path: ref.path,
      version: ref.version,
      main: ref.main,
      found: found ? { source: found.source, location: found.location } : null,
      files,
      expression: expressionOf(files, found?.files.map((f) => f.text) ?? []),
      violation: null,
    };
    if (ref.replace) m.replace = ref.replace;
    m.violation = check(m, policy);
    return m;
  });
  const report: LicensesReport = { target, modules, violations: modules.filter((m) => m.violation).length };
  if (linked) report.linked = linked;
  return report;
}

/** Policy from a JSON config file: {"allow": "...", "deny": "...", "allowUnknown": false}. */
export function readPolicy(file: string): LicensePolicy {
  const j = JSON.parse(readFileSync(file, 'utf8')) as LicensePolicy;
  if (typeof j !== 'object' || j === null) throw new InputError(file, 'not a licence policy object');
  for (const k of Object.keys(j)) if (!['allow', 'deny', 'allowUnknown'].includes(k)) throw new InputError(file, `unknown key ${k}`);
  return j;
}

export function renderLicenses(r: LicensesReport, format: 'text' | 'markdown'): string {
  const rows = r.modules.map((m) => [
    `${m.path}${m.version ? `@${m.version}` : ''}${m.replace ? ` => ${m.replace.path}${m.replace.version ? `@${m.replace.version}` : ''}` : ''}`,
    m.expression ?? (m.found ? 'unrecognised' : 'not found'),
    m.files.map((f) => `${f.name} ${f.licenses.map((l) => `${l.id} ${(l.confidence * 100).toFixed(0)}%`).join(', ')}`).join('; '),
    m.violation ?? 'ok',
  ]);
  if (format === 'markdown') {
    const esc = (s: string) => s.replaceAll('|', '\\|');
    return `${['| module | licence | evidence | policy |', '|---|---|---|---|', ...rows.map((x) => `| ${x.map(esc).join(' | ')} |`)].join('\n')}\n`;
  }
  const w0 = Math.max(...rows.map((x) => (x[0] as string).length), 6);
  const w1 = Math.max(...rows.map((x) => (x[1] as string).length), 7);
  const lines = rows.map((x) => `${(x[0] as string).padEnd(w0)}  ${(x[1] as string).padEnd(w1)}  ${x[3]}  ${x[2]}`.trimEnd());
  for (const l of r.linked ?? [])
    lines.push(`linked ${l.name}: ${l.path ?? 'not found on the host'}${l.package ? ` from ${l.package}` : ''}${l.license ? `, ${l.license}` : ''}`);
  lines.push(`${r.modules.length} modules, ${r.violations} policy violations`);
  return `${lines.join('\n')}\n`;
}
