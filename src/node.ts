/** The Node entry point (`goready/node`): files and directories, host snapshots, ssh, container images. */

export type { HttpTraceInfo } from './core/analyses/trace/http-target.js';
export { atomicsOfFile } from './node/code/atomics.js';
export { loadIced } from './node/code/iced.js';
export { errorText, failureText } from './node/errors.js';
export * from './node/files/inspect.js';
export { collect } from './node/host/collect.js';
export { describeRoot } from './node/host/root.js';
export { readSnapshot, validateSnapshot } from './node/host/snapshot-file.js';
export { sshSnapshot } from './node/host/ssh.js';
export { type ImageTarget, openImage } from './node/image/open.js';
export { loadProfile, seccompFile } from './node/seccomp/analyse.js';
export { lintFacts, sourceDirs } from './node/source/lint.js';
export { goParser } from './node/source/parser.js';
export { type HttpTraceOptions, type HttpTraceResult, traceHttp } from './node/trace/http.js';
export { type HttpReportOptions, type HttpReportSink, traceHttpReport } from './node/trace/http-report.js';
export { recordPreflight, recordSyscalls } from './node/trace/record-syscalls.js';
export { type TcpTraceOptions, type TcpTraceResult, traceTcp } from './node/trace/tcp.js';
