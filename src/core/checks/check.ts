import type { CheckInput, Target } from '../facts/target.js';
import type { Finding, Severity } from './finding.js';
import type { Rule, RuleId } from './rules.js';

/**
 * What a rule's check found, in the terms of the facts it read. The registry makes the finding:
 * the ID, subject and refs come from the rule table, and so do the severity, title and fix when the
 * hit leaves them out.
 */
export interface Hit {
  /** Only when the check grades the rule by circumstance; one of the rule's `severities`. */
  severity?: Severity;
  /** With the values read (`At most 1024 open files on prod.json`). */
  title?: string;
  /** The exact things read: a build setting and its value, a symbol, a file and value, a counter. */
  evidence: string[];
  /** Only when the fix depends on the facts (the version to build against, the value to set). */
  fix?: string;
  /** Size rules: the bytes the fix would remove from the file. */
  savingsBytes?: number;
}

/**
 * A rule's check: a pure function of the facts; null when the rule does not fire. A rule that
 * fires once per thing found (one finding per denied syscall, GR-SECCOMP-002) returns a list.
 */
export type Check<I> = (input: I) => Hit | readonly Hit[] | null;

/** A check file's checks, by rule ID: an ID the table lacks (a typo) does not compile. */
export type Checks<I> = Partial<Record<RuleId, Check<I>>>;

/** CheckInput for checks that judge an ELF binary against a target. */
export type OnTarget = CheckInput & { target: Target };

/** Runs `check` only with a target and an ELF binary: every host rule needs both. */
export function onTarget(check: (input: OnTarget) => Hit | null): Check<CheckInput> {
  return (input) => (input.target && input.binary.file.format === 'elf' ? check(input as OnTarget) : null);
}

/** A hit made a finding: the ID, subject and refs from the rule, and the rest unless the hit gives its own. */
export function findingOf(rule: Rule, hit: Hit, subject: string): Finding {
  return {
    id: rule.id,
    severity: hit.severity ?? rule.severity,
    title: hit.title ?? rule.title,
    subject,
    evidence: hit.evidence,
    fix: hit.fix ?? rule.fix,
    refs: [...rule.refs],
    ...(hit.savingsBytes !== undefined ? { savingsBytes: hit.savingsBytes } : {}),
  };
}
