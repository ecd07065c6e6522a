import { bySeverity, type Finding, SEVERITIES, type Severity } from '../checks/finding.js';
import { RULES, type Rule } from '../checks/rules.js';
import { md, mdCode, raw, text } from './escape.js';
import { SARIF_LEVEL, sarifLog } from './sarif.js';

const COLOR: Record<Severity, string> = { fatal: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };

/**
 * Grouped by severity, most severe first, and by subject when there are several (an image's
 * binaries), with a summary line; colours only when asked (a TTY).
 */
export function renderFindingsText(findings: Finding[], opts: { color?: boolean } = {}): string {
  if (!findings.length) return 'no findings\n';
  const subjects = [...new Set(findings.map((f) => f.subject))];
  if (subjects.length > 1) {
    const parts = subjects.map(
      (s) =>
        `${text`== ${s}`}\n${renderFindingsText(
          findings.filter((f) => f.subject === s),
          opts,
        )}`,
    );
    const counts = SEVERITIES.map((sev) => [sev, findings.filter((f) => f.severity === sev).length] as const).filter(([, n]) => n > 0);
    return `${parts.join('\n')}\n${findings.length} findings in ${subjects.length} binaries: ${counts.map(([sev, n]) => `${n} ${sev}`).join(', ')}\n`;
  }
  const lines: string[] = [];
  for (const f of [...findings].sort(bySeverity)) {
    const sev = opts.color ? `${COLOR[f.severity]}${f.severity.toUpperCase()}\x1b[0m` : f.severity.toUpperCase();
    lines.push(text`${raw(sev)} ${f.id} ${f.title}`, text`  subject: ${f.subject}`);
    for (const e of f.evidence) lines.push(text`  evidence: ${e}`);
    lines.push(text`  fix: ${f.fix}`);
    for (const r of f.refs) lines.push(text`  see: ${r}`);
  }
  return `${lines.join('\n')}\n`;
}

/** For PR comments. */
export function renderFindingsMarkdown(findings: Finding[]): string {
  if (!findings.length) return 'No findings.\n';
  // The binary column says which file a row is about (check --image checks every Go binary in it).
  const rows = [...findings]
    .sort(bySeverity)
    .map((f) => md`| ${f.severity} | ${raw(mdCode(f.id))} | ${raw(mdCode(f.subject))} | ${f.title} | ${f.evidence.join('; ')} | ${f.fix} |`);
  return `${['| severity | id | binary | finding | evidence | fix |', '|---|---|---|---|---|---|', ...rows].join('\n')}\n`;
}

/**
 * SARIF 2.1.0: every rule goready has (so a code-scanning UI can show the ones that did not fire),
 * one result per finding pointing at its rule by ID and index, the binary as the artifact.
 */
export function renderSarif(findings: Finding[], version: string, rules: readonly Rule[] = RULES, image?: string): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  // A binary inside an image (subject IMAGE:/usr/bin/x) is a path under the image's root, named by
  // a base ID: "bullseye.tar:/usr/bin/etcd" as a URI would have the scheme "bullseye.tar". Other
  // subjects are file paths: relative references, "./" before one whose first segment has a colon.
  const inImage = (subject: string) => (image && subject.startsWith(`${image}:/`) ? subject.slice(image.length + 2) : null);
  const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  const artifact = (subject: string) => {
    const member = inImage(subject);
    if (member !== null) return { uri: encodePath(member), uriBaseId: IMAGE_ROOT };
    const uri = encodePath(subject);
    return { uri: /^[^/]*:/.test(uri) ? `./${uri}` : uri };
  };
  const usesImage = findings.some((f) => inImage(f.subject) !== null);
  return sarifLog(
    rules,
    version,
    [...findings].sort(bySeverity).map((f) => ({
      ruleId: f.id,
      ...(index.has(f.id) ? { ruleIndex: index.get(f.id) } : {}),
      level: SARIF_LEVEL[f.severity],
      message: { text: `${f.title}. Evidence: ${f.evidence.join('; ')}. Fix: ${f.fix}` },
      locations: [{ physicalLocation: { artifactLocation: artifact(f.subject) } }],
      properties: { severity: f.severity, evidence: f.evidence },
    })),
    usesImage ? { originalUriBaseIds: { [IMAGE_ROOT]: { description: { text: `the root filesystem of the container image ${image}` } } } } : {},
  );
}

/** The SARIF base ID of paths inside the image given with --image. */
const IMAGE_ROOT = 'IMAGEROOT';

export type FindingsFormat = 'text' | 'json' | 'markdown' | 'sarif';

/** Findings in one of `goready check`'s formats; SARIF names goready's version, text colours only when asked. */
export function renderFindings(findings: Finding[], format: FindingsFormat, opts: { color?: boolean; version: string; image?: string }): string {
  if (format === 'json') return `${JSON.stringify(findings, null, 2)}\n`;
  if (format === 'markdown') return renderFindingsMarkdown(findings);
  if (format === 'sarif') return renderSarif(findings, opts.version, RULES, opts.image);
  return renderFindingsText(findings, { color: opts.color });
}
