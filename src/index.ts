/** The browser-safe library: no Node APIs below this entry point. */

export {
  type AtomicsDeps,
  type AtomicsReport,
  type AtomicsResult,
  atomicsByPackage,
  atomicsReport,
  atomicsResult,
  type PackageAtomics,
} from './core/analyses/atomics.js';
export { type AtomicsJudge, atomicsVerdict, cpuJudge } from './core/analyses/atomics-verdict.js';
export { diffHosts, type FactChange, type FindingChange, type HostDiff } from './core/analyses/host-diff.js';
export { type SbomModel, sbomModel } from './core/analyses/sbom.js';
export { analyseSeccomp, type SeccompFacts, type SeccompOptions, seccompFacts } from './core/analyses/seccomp/analyse.js';
export { ociProfile } from './core/analyses/seccomp/profile.js';
export { buildSeccompReport } from './core/analyses/seccomp/report.js';
export type { PackageSize, SizeAdvice, SizeReport } from './core/analyses/size/model.js';
export { size } from './core/analyses/size/size.js';
export { type SizeTree, sizeTree } from './core/analyses/size/tree.js';
export { type AtomicLintOptions, atomicChecks, atomicFindings, LINT_RULES } from './core/checks/atomic.js';
export { type LseTarget, lseFindings } from './core/checks/cpu.js';
export { atLeast, bySeverity, type Finding, SEVERITIES, type Severity } from './core/checks/finding.js';
export { runChecks, sizeFindings } from './core/checks/registry.js';
export { closestRuleIds, RULES, type Rule, type RuleId, ruleOf } from './core/checks/rules.js';
export type { SourceFinding } from './core/checks/source-finding.js';
export { type IcedModule, X86Decoder } from './core/code/amd64.js';
export { type FunctionAtomics, summarizeAtomics } from './core/code/atomics.js';
export { extractionSupported, SUPPORTED_TEXT } from './core/code/syscalls.js';
export { FormatError, UnsupportedError } from './core/errors.js';
export type { FileFacts, FunctionFacts, GoFacts, InspectReport, LinkageFacts, PclntabFacts } from './core/facts/binary.js';
export type { HostSnapshot } from './core/facts/host.js';
export { type InspectOptions, inspect, isMalformed } from './core/facts/inspect.js';
export type { Recording, SeccompReport, SeccompSyscall } from './core/facts/seccomp.js';
export type { SizeFacts } from './core/facts/size.js';
export { assembleTarget, type CheckInput, type CodeFacts, codeFacts, type Target, type TargetParts } from './core/facts/target.js';
export { type BuildInfoData, formatModinfo, type Module, parseModinfo } from './core/go/modinfo.js';
export { packageOf } from './core/go/pkgname.js';
export { BlobSource, type ByteSource, BytesSource, SubSource } from './core/io/source.js';
export { CPUS, type CpuModel, cpuModel } from './core/linux/cpus.js';
export { DOCKER_DEFAULT } from './core/linux/docker-default.js';
export { evaluateProfile, type SeccompProfile } from './core/linux/seccomp-profile.js';
export { openObject } from './core/object/open.js';
export type { Linkage, ObjectFile, Section, Segment, Sym, VersionNeed } from './core/object/types.js';
export { MEMORY_MODEL, renderAtomicsText } from './core/render/atomics.js';
export { renderFindings, renderFindingsMarkdown, renderFindingsText, renderSarif } from './core/render/findings.js';
export { renderInspectText } from './core/render/inspect-text.js';
export { renderLintJson, renderLintSarif, renderLintText } from './core/render/lint.js';
export { renderRulesMarkdown, renderRulesText } from './core/render/rules.js';
export { toCycloneDX, toSPDX } from './core/render/sbom.js';
export { analyseSources, type SourceDir, type SourceFacts } from './core/source/analyse.js';
