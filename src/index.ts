/** The browser-safe library: no Node APIs below this entry point. */
export { FormatError, UnsupportedError } from './errors.js';
export { type BuildInfoData, formatModinfo, type Module, parseModinfo } from './go/modinfo.js';
export { packageOf } from './go/pkgname.js';
export { type InspectOptions, inspect, isMalformed } from './inspect.js';
export { BlobSource, type ByteSource, BytesSource, SubSource } from './io/source.js';
export type { FileFacts, FunctionFacts, GoFacts, InspectReport, LinkageFacts, PclntabFacts } from './model.js';
export { openObject } from './object/open.js';
export type { Linkage, ObjectFile, Section, Segment, Sym, VersionNeed } from './object/types.js';
export { renderInspectText } from './report/inspect-text.js';
