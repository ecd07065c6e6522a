/** The browser-safe library: no Node APIs below this entry point. */

export { type CheckInput, type CodeFacts, codeFacts, type Target } from './checks/facts.js';
export { runChecks } from './checks/registry.js';
export { FormatError, UnsupportedError } from './errors.js';
export { atLeast, type Finding, SEVERITIES, type Severity } from './findings/model.js';
export { type BuildInfoData, formatModinfo, type Module, parseModinfo } from './go/modinfo.js';
export { packageOf } from './go/pkgname.js';
export { diffHosts, type HostDiff } from './host/diff.js';
export type { HostSnapshot } from './host/snapshot.js';
export { type InspectOptions, inspect, isMalformed } from './inspect.js';
export { BlobSource, type ByteSource, BytesSource, SubSource } from './io/source.js';
export type { FileFacts, FunctionFacts, GoFacts, InspectReport, LinkageFacts, PclntabFacts } from './model.js';
export { openObject } from './object/open.js';
export type { Linkage, ObjectFile, Section, Segment, Sym, VersionNeed } from './object/types.js';
export { renderFindingsMarkdown, renderFindingsText, renderSarif } from './report/findings.js';
export { renderInspectText } from './report/inspect-text.js';
