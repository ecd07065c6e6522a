import type { InspectReport } from '../facts/binary.js';
import type { SizeFacts } from '../facts/size.js';
import type { CheckInput } from '../facts/target.js';
import { buildChecks } from './build.js';
import { cgroupChecks } from './cgroup.js';
import { type Check, findingOf, type Hit } from './check.js';
import { clockChecks } from './clock.js';
import { cpuChecks } from './cpu.js';
import { cryptoChecks } from './crypto.js';
import type { Finding } from './finding.js';
import { kernelChecks } from './kernel.js';
import { libcChecks } from './libc.js';
import { limitChecks } from './limit.js';
import { linkChecks } from './link.js';
import { memChecks } from './mem.js';
import { netChecks } from './net.js';
import { RULES, type Rule, type RuleCommand, type RuleIdOf, severitiesOf } from './rules.js';
import { seccompChecks } from './seccomp.js';
import { sizeChecks } from './size.js';

/** The check of every rule `goready check` reports; the type refuses a rule without one. */
export const CHECKS: Record<RuleIdOf<'check'>, Check<CheckInput>> = {
  ...buildChecks,
  ...cryptoChecks,
  ...libcChecks,
  ...linkChecks,
  ...cpuChecks,
  ...kernelChecks,
  ...seccompChecks,
  ...cgroupChecks,
  ...netChecks,
  ...limitChecks,
  ...clockChecks,
  ...memChecks,
};

/** The check of every rule `goready size` reports. */
export const SIZE_CHECKS: Record<RuleIdOf<'size'>, Check<SizeFacts>> = sizeChecks;

/**
 * Runs the checks of a command's rules in table order and makes each hit a finding: the ID, subject
 * and refs from the table, and its severity, title and fix unless the hit gives its own.
 */
function run<I>(
  command: RuleCommand,
  checks: Record<string, Check<I>>,
  input: I,
  subject: string,
  skip: ReadonlySet<string>,
  only: (rule: Rule) => boolean = () => true,
): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) {
    if (rule.command !== command || skip.has(rule.id) || !only(rule)) continue;
    const check = checks[rule.id];
    if (!check) throw new Error(`${rule.id}: no check in the registry`);
    const got = check(input);
    if (!got) continue;
    for (const hit of Array.isArray(got) ? (got as readonly Hit[]) : [got as Hit]) {
      const severity = hit.severity ?? rule.severity;
      // A programming error, caught by the tests: the table must list every severity a check gives.
      if (!severitiesOf(rule).includes(severity)) throw new Error(`${rule.id}: severity ${severity} is not among its rule's severities`);
      out.push(findingOf(rule, hit, subject));
    }
  }
  return out;
}

/**
 * Runs every check of `goready check`; with only a report, the binary-only ones. A binary that is
 * not Go gets only the rules for any executable (GR-BUILD-003 says so once): the Go runtime's
 * limits, cgroups and seccomp do not concern /bin/ls.
 */
export function runChecks(input: CheckInput | InspectReport, skip: ReadonlySet<string> = new Set()): Finding[] {
  const i: CheckInput = 'binary' in input ? input : { binary: input, code: null, target: null };
  const only = i.binary.go.isGo ? undefined : (rule: Rule) => rule.anyBinary === true;
  return run('check', CHECKS, i, i.binary.path, skip, only);
}

/** The size rules' findings (GR-SIZE-*): what `goready size` prints as advice. */
export function sizeFindings(facts: SizeFacts): Finding[] {
  return run('size', SIZE_CHECKS, facts, facts.path, new Set());
}
