/** `goready licenses`: each module's licence, found offline and classified, checked against a policy. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import satisfies from 'spdx-satisfies';
import { classify } from '../../core/analyses/license/classify.js';
import type { LicenseFile, LicensePolicy, LicensesReport, ModuleLicense } from '../../core/analyses/license/report.js';
import { InputError } from '../../core/errors.js';
import type { InspectReport } from '../../core/facts/binary.js';
import { asInputError } from '../errors.js';
import { inspectFile } from '../files/inspect.js';
import { CONFIG_CAP, readJsonFile } from '../files/read.js';
import { linkedLibraries } from './clibs.js';
import { findModuleLicenses, type LookupOptions, type ModuleRef, modulesOfTree } from './modules.js';
import { policyExpression, spdxIndex } from './spdx.js';

export type { LicenseFile, LicensePolicy, LicensesReport, ModuleLicense } from '../../core/analyses/license/report.js';

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
  rootName: string | null = null,
): Promise<LicensesReport> {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (e) {
    throw asInputError(target, e);
  }
  if (isDir) {
    const tree = modulesOfTree(target);
    const opts: LookupOptions = { ...lookup };
    opts.source ??= target;
    if (tree.vendored) opts.vendor ??= join(target, 'vendor');
    const refs = [...(tree.main ? [{ path: tree.main, version: '', main: true }] : []), ...tree.modules.map((m) => ({ ...m, main: false }))];
    return licensesOfModules(target, refs, policy, opts);
  }
  const [r] = await inspectFile(target);
  if (!r) throw new InputError(target, 'no object in file');
  const report = licensesOfBinary(r, policy, lookup, hostRoot);
  if (report.linked && rootName) report.linkedIn = rootName;
  return report;
}

/** The licences of a binary already inspected: its build info's modules, and with a host root its linked C libraries. */
export function licensesOfBinary(r: InspectReport, policy: LicensePolicy = {}, lookup: LookupOptions = {}, hostRoot: string | null = null): LicensesReport {
  const bi = r.buildInfo;
  if (!bi) throw new InputError(r.path, `no build info, so no module list (${r.go.isGo ? 'a Go binary built without it' : 'not a Go binary'})`);
  const refs: (ModuleRef & { main: boolean })[] = [];
  if (bi.main?.path) refs.push({ path: bi.main.path, version: bi.main.version, main: true });
  for (const d of bi.deps)
    refs.push({ path: d.path, version: d.version, main: false, ...(d.replace ? { replace: { path: d.replace.path, version: d.replace.version } } : {}) });
  const report = licensesOfModules(r.path, refs, policy, lookup);
  if (!bi.main && !bi.deps.length) {
    const why = r.diagnosis.find((d) => d.startsWith(NO_MODULE_LIST));
    report.noModuleList = {
      reason: why ? why.slice(NO_MODULE_LIST.length) : 'the build info records no modules',
      violation: policy.allowUnknown ? null : 'the licences of the dependencies are unknown: the binary carries no module list',
    };
    if (report.noModuleList.violation) report.violations++;
  }
  if (hostRoot) report.linked = linkedLibraries(r.linkage, r.file.arch, hostRoot);
  return report;
}

function licensesOfModules(target: string, refs: (ModuleRef & { main: boolean })[], policy: LicensePolicy, opts: LookupOptions): LicensesReport {
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
  return { target, modules, violations: modules.filter((m) => m.violation).length };
}

/** The diagnosis line inspect gives a binary whose build info has no modules. */
const NO_MODULE_LIST = 'no module list in the build info: ';

/** Policy from a JSON config file: {"allow": "...", "deny": "...", "allowUnknown": false}. */
export function readPolicy(file: string): LicensePolicy {
  const j = readJsonFile(file, CONFIG_CAP) as LicensePolicy;
  if (typeof j !== 'object' || j === null) throw new InputError(file, 'not a licence policy object');
  for (const k of Object.keys(j)) if (!['allow', 'deny', 'allowUnknown'].includes(k)) throw new InputError(file, `unknown key ${k}`);
  for (const k of ['allow', 'deny'] as const) {
    if (j[k] === undefined) continue;
    if (typeof j[k] !== 'string') throw new InputError(file, `"${k}" must be an SPDX expression string`);
    j[k] = policyExpression(j[k], `${file}: "${k}"`);
  }
  if (j.allowUnknown !== undefined && typeof j.allowUnknown !== 'boolean') throw new InputError(file, '"allowUnknown" must be true or false');
  return j;
}
