/**
 * The analysis worker: the same core as the CLI (inspect with the function table, size, checks,
 * SBOM, atomics census, seccomp syscall set and profile) on the dropped file, read through a Blob.
 * The page stays responsive while it runs, and the bytes never leave the browser.
 */
import {
  type AtomicsReport,
  assembleTarget,
  atomicsReport,
  atomicsResult,
  atomicsVerdict,
  type ByteSource,
  buildSeccompReport,
  CPUS,
  codeFacts,
  cpuJudge,
  cpuModel,
  extractionSupported,
  type FunctionFacts,
  type InspectReport,
  inspect,
  MEMORY_MODEL,
  ociProfile,
  openObject,
  renderFindings,
  runChecks,
  type SeccompFacts,
  type SizeReport,
  SUPPORTED_TEXT,
  sbomModel,
  seccompFacts,
  size,
  sizeTree,
  summarizeAtomics,
  toCycloneDX,
  toSPDX,
  UnsupportedError,
  X86Decoder,
} from '../../../src/index.js';
import { ChunkedBlobSource } from './chunked-source.js';
import type { Answer, BinaryAnalysis, Call, Request, Response } from './protocol.js';

interface Scope {
  postMessage(m: Answer): void;
  onmessage: ((e: MessageEvent<Call>) => void) | null;
}
const scope = self as unknown as Scope;

/** What each job analysed, kept for checks against another target and for SBOMs. */
const jobs = new Map<number, BinaryAnalysis[]>();
/** Each job's reports with their function lists (which stay here: the page asks for the part it shows). */
const fullReports = new Map<number, InspectReport[]>();
/** Each job's file, for the analyses made when the page asks (x86 census, seccomp). */
const files = new Map<number, File>();
/** amd64 and 386 censuses, made once each when first asked. */
const x86Census = new Map<string, Promise<AtomicsReport>>();

/**
 * iced-x86 (WebAssembly, ~780 KB) fetched and compiled the first time an amd64 or 386 analysis
 * needs it, never with the page: most analyses do not.
 */
async function x86Decoders(): Promise<(bits: 32 | 64) => X86Decoder> {
  const iced = await (await import('./iced.js')).loadIced();
  return (bits) => new X86Decoder(iced, bits);
}

/** Progress at most every 50 ms: enough to move a bar, few enough not to flood the page. */
function progress(job: number, src: ChunkedBlobSource, stage: () => string): () => void {
  let last = 0;
  return () => {
    const now = performance.now();
    if (now - last < 50 && src.loaded < src.size) return;
    last = now;
    scope.postMessage({ type: 'progress', job, stage: stage(), loaded: src.loaded, size: src.size });
  };
}

/**
 * The atomics census of each object, where it needs no x86 decoder (arm64 and arm; amd64 and 386
 * need iced-x86's WebAssembly, which the page does not load): null for the others.
 */
async function atomicsCensus(src: ByteSource, reports: InspectReport[]): Promise<(AtomicsReport | null)[]> {
  if (!reports.some((r) => (r.file.arch === 'arm64' || r.file.arch === 'arm') && r.pclntab)) return [];
  const objs = await openObject(src);
  const out: (AtomicsReport | null)[] = [];
  for (const [i, { obj }] of objs.entries()) {
    const r = reports[i];
    out.push(r && (r.file.arch === 'arm64' || r.file.arch === 'arm') && r.pclntab ? await atomicsReport(obj, r) : null);
  }
  return out;
}

async function analyse(job: number, file: File): Promise<{ binaries: BinaryAnalysis[]; full: InspectReport[] }> {
  let stage = 'inspect';
  const tick: { fn: () => void } = { fn: () => {} };
  const src = new ChunkedBlobSource(file, () => tick.fn());
  tick.fn = progress(job, src, () => stage);
  tick.fn();
  const reports = await inspect(src, { path: file.name, functions: true });
  stage = 'size';
  tick.fn();
  let sizeReport: SizeReport | null = null;
  let sizeError: string | null = null;
  try {
    sizeReport = await size(src, { path: file.name, functions: true });
  } catch (e) {
    sizeError = (e as Error).message;
  }
  const tree = sizeReport ? sizeTree(sizeReport) : null;
  if (sizeReport) delete sizeReport.functions;
  stage = 'atomics';
  tick.fn();
  const census = await atomicsCensus(src, reports);
  stage = 'done';
  scope.postMessage({ type: 'progress', job, stage, loaded: src.loaded, size: src.size });
  // A copy keeps the function list (and the key order inspect gives it) for the functions view and download.
  const full = reports.map((r) => ({ ...r }));
  const binaries = reports.map((r, i) => {
    // As the CLI's checks get them (src/node/binary-facts.ts): the arm64 census joins the facts from the names.
    const a = census[i] ?? null;
    const code = r.functions?.length
      ? { ...codeFacts(r.functions.map((f) => f.name)), atomics: a?.arch === 'arm64' ? summarizeAtomics(a.functions) : null }
      : null;
    delete r.functions;
    return {
      report: r,
      code,
      size: i === 0 ? sizeReport : null,
      tree: i === 0 ? tree : null,
      sizeError: i === 0 ? sizeError : 'size covers the first slice of a universal binary',
      atomics: a,
      // The CLI's words (analyseSeccomp), without reading the code.
      seccompUnsupported: extractionSupported(r.file.arch) ? null : `syscall extraction for ${r.file.arch} is not supported yet (${SUPPORTED_TEXT})`,
    };
  });
  return { binaries, full };
}

/**
 * The promise kept in CACHE under KEY, made by MAKE the first time. A failure is not kept: the
 * decoder's fetch may work on the next click (the page was offline).
 */
function kept<K, V>(cache: Map<K, Promise<V>>, key: K, make: () => Promise<V>): Promise<V> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** One slice's census: arm64 and arm from the analysis, amd64 and 386 counted now with the x86 decoder. */
async function census(job: number, slice: number): Promise<AtomicsReport> {
  const b = jobs.get(job)?.[slice];
  const file = files.get(job);
  if (!b || !file) throw new Error('no such analysis');
  if (b.atomics) return b.atomics;
  const arch = b.report.file.arch;
  if (arch !== 'amd64' && arch !== '386') throw new Error(`atomics: ${arch} is not analysed (arm64, amd64, 386, arm are)`);
  if (!b.report.pclntab) throw new Error('atomics: no Go function table (pclntab) found');
  const report = fullReports.get(job)?.[slice] ?? b.report;
  return kept(x86Census, `${job}:${slice}`, async () => {
    const x86 = await x86Decoders();
    const objs = await openObject(new ChunkedBlobSource(file));
    const obj = objs[slice]?.obj;
    if (!obj) throw new Error('no such slice');
    return atomicsReport(obj, report, { x86 });
  });
}

/** What each job's code says about syscalls, read once: a change of runtime only rebuilds the report. */
const seccompRead = new Map<number, Promise<SeccompFacts>>();

/** `goready seccomp` on the whole file (seccomp is Linux's: one ELF object), with the decoder only for x86. */
async function seccomp(job: number, runtime: string): Promise<Response> {
  const file = files.get(job);
  if (!file) throw new Error('no such analysis');
  const read = kept(seccompRead, job, async () => {
    const x86 = ['amd64', '386'].includes(jobs.get(job)?.[0]?.report.file.arch ?? '') ? await x86Decoders() : undefined;
    return seccompFacts(new ChunkedBlobSource(file), { path: file.name, ...(x86 ? { x86 } : {}) });
  });
  try {
    const report = buildSeccompReport({ ...(await read), runtime });
    return { type: 'seccomp', job, report, profile: `${JSON.stringify(ociProfile(report), null, 2)}\n` };
  } catch (e) {
    if (e instanceof UnsupportedError) return { type: 'seccomp', job, unsupported: e.message };
    throw e;
  }
}

function findFunctions(list: FunctionFacts[], query: string, limit: number): { matched: number; list: FunctionFacts[] } {
  const q = query.trim().toLowerCase();
  if (!q) return { matched: list.length, list: list.slice(0, limit) };
  const hits = list.filter((f) => f.name.toLowerCase().includes(q));
  return { matched: hits.length, list: hits.slice(0, limit) };
}

async function handle(m: Request): Promise<Response | null> {
  switch (m.type) {
    case 'analyse': {
      const { binaries, full } = await analyse(m.job, m.file);
      jobs.set(m.job, binaries);
      fullReports.set(m.job, full);
      files.set(m.job, m.file);
      return { type: 'analysed', job: m.job, binaries };
    }
    case 'check': {
      const binaries = jobs.get(m.job) ?? [];
      // As check builds it for one --host snapshot, named after its file.
      const target = m.target ? assembleTarget({ host: { name: m.target.name, snapshot: m.target.snapshot }, before: null, image: null, env: {} }) : null;
      // Without a target, the binary-only checks (build mode, crypto), as runChecks does for a report.
      return {
        type: 'checked',
        job: m.job,
        findings: binaries.map((b) => (target ? runChecks({ binary: b.report, code: b.code, target }) : runChecks(b.report))),
      };
    }
    case 'sbom': {
      const b = jobs.get(m.job)?.[m.slice];
      if (!b) throw new Error('no such analysis');
      const model = sbomModel(b.report);
      return { type: 'sbom', job: m.job, text: m.format === 'spdx' ? toSPDX(model, __GOREADY_VERSION__) : toCycloneDX(model, __GOREADY_VERSION__) };
    }
    case 'render':
      // Here rather than in the page: the renderers and the rule table stay out of the page's bundle.
      return { type: 'rendered', job: m.job, text: renderFindings(m.findings, m.format, { version: __GOREADY_VERSION__ }) };
    case 'functions': {
      const list = fullReports.get(m.job)?.[m.slice]?.functions ?? [];
      return { type: 'functions', job: m.job, total: list.length, ...findFunctions(list, m.query, m.limit) };
    }
    case 'inspect-json': {
      const full = fullReports.get(m.job) ?? [];
      return { type: 'inspect-json', job: m.job, text: full.length ? `[\n${full.map((r) => JSON.stringify(r)).join(',\n')}\n]\n` : '[]\n' };
    }
    case 'atomics': {
      const r = await census(m.job, m.slice);
      const model = m.cpu ? cpuModel(m.cpu) : null;
      if (m.cpu && !model) throw new Error(`unknown CPU ${m.cpu}`);
      const result = atomicsResult(r, model ? atomicsVerdict(r, cpuJudge(model)) : null);
      const cpus = r.arch === 'arm64' ? CPUS.map((c) => ({ name: c.name, core: c.core, isa: c.isa, lse: c.lse })) : [];
      return { type: 'atomics', job: m.job, result, text: `${JSON.stringify([result], null, 2)}\n`, cpus, memoryModel: MEMORY_MODEL };
    }
    case 'seccomp':
      return seccomp(m.job, m.runtime);
    case 'forget':
      jobs.delete(m.job);
      fullReports.delete(m.job);
      files.delete(m.job);
      seccompRead.delete(m.job);
      for (const k of x86Census.keys()) if (k.startsWith(`${m.job}:`)) x86Census.delete(k);
      return null;
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  handle(m).then(
    (r) => {
      if (r) scope.postMessage({ ...r, call: m.call });
    },
    (err: unknown) => scope.postMessage({ type: 'error', job: m.job, message: err instanceof Error ? err.message : String(err), call: m.call }),
  );
};
