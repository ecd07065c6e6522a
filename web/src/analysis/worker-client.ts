/** The page's side of the analysis worker: one request, one promise; progress through a callback. */
import type { AtomicsResult, Finding, FunctionFacts, HostSnapshot, SeccompReport } from '../../../src/index.js';
import type { Answer, BinaryAnalysis, Call, CpuChoice, Request, Response } from '../worker/protocol.js';

export interface Progress {
  stage: string;
  loaded: number;
  size: number;
}

export interface AtomicsAnswer {
  result: AtomicsResult;
  /** The JSON text, as the CLI prints it. */
  text: string;
  /** The CPUs a verdict can be asked for (arm64). */
  cpus: CpuChoice[];
  /** What Go guarantees of its atomics, in the CLI's words. */
  memoryModel: string;
}

export type SeccompAnswer = { report: SeccompReport; profile: string } | { unsupported: string };

type Pending = { resolve: (r: Response) => void; reject: (e: Error) => void };

export class AnalysisWorker {
  private readonly worker = new Worker(new URL('../worker/analyse.worker.ts', import.meta.url), { type: 'module', name: 'goready-analysis' });
  /** Calls waiting for their answer, by call number. */
  private readonly pending = new Map<number, Pending>();
  /** Who hears an analysis's progress, by job. */
  private readonly progress = new Map<number, (p: Progress) => void>();
  private nextJob = 1;
  private nextCall = 1;

  constructor() {
    this.worker.onmessage = (e: MessageEvent<Answer>) => {
      const m = e.data;
      if (m.type === 'progress') {
        this.progress.get(m.job)?.(m);
        return;
      }
      if (m.call === undefined) return;
      const p = this.pending.get(m.call);
      if (!p) return;
      this.pending.delete(m.call);
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the analysis worker failed: ${e.message}`));
      this.pending.clear();
      this.progress.clear();
    };
  }

  private call(req: Request, onProgress?: (p: Progress) => void): Promise<Response> {
    const call = this.nextCall++;
    if (onProgress) this.progress.set(req.job, onProgress);
    const answered = new Promise<Response>((resolve, reject) => {
      this.pending.set(call, { resolve, reject });
      this.worker.postMessage({ ...req, call } satisfies Call);
    });
    return onProgress ? answered.finally(() => this.progress.delete(req.job)) : answered;
  }

  async analyse(file: File, onProgress: (p: Progress) => void): Promise<{ job: number; binaries: BinaryAnalysis[] }> {
    const job = this.nextJob++;
    const r = await this.call({ type: 'analyse', job, file }, onProgress);
    return { job, binaries: r.type === 'analysed' ? r.binaries : [] };
  }

  async check(job: number, target: { name: string; snapshot: HostSnapshot } | null): Promise<Finding[][]> {
    const r = await this.call({ type: 'check', job, target });
    return r.type === 'checked' ? r.findings : [];
  }

  async sbom(job: number, slice: number, format: 'cyclonedx' | 'spdx'): Promise<string> {
    const r = await this.call({ type: 'sbom', job, slice, format });
    return r.type === 'sbom' ? r.text : '';
  }

  /** Findings as `goready check --format json|sarif` prints them. */
  async render(job: number, findings: Finding[], format: 'json' | 'sarif'): Promise<string> {
    const r = await this.call({ type: 'render', job, findings, format });
    return r.type === 'rendered' ? r.text : '';
  }

  /** Functions of one slice whose name contains `query`: the first `limit`, how many match, how many there are. */
  async functions(job: number, slice: number, query: string, limit: number): Promise<{ total: number; matched: number; list: FunctionFacts[] }> {
    const r = await this.call({ type: 'functions', job, slice, query, limit });
    return r.type === 'functions' ? r : { total: 0, matched: 0, list: [] };
  }

  /** The file as `goready inspect --functions --format json` prints it. */
  async inspectJson(job: number): Promise<string> {
    const r = await this.call({ type: 'inspect-json', job });
    return r.type === 'inspect-json' ? r.text : '';
  }

  /** One slice's census as `goready atomics --format json [--cpu CPU]` prints it (amd64 and 386 load the x86 decoder). */
  async atomics(job: number, slice: number, cpu: string | null): Promise<AtomicsAnswer> {
    const r = await this.call({ type: 'atomics', job, slice, cpu });
    if (r.type !== 'atomics') throw new Error('no census');
    return { result: r.result, text: r.text, cpus: r.cpus, memoryModel: r.memoryModel };
  }

  /** The syscalls as `goready seccomp --format json --runtime R`, and the profile as `--format oci`; or why there are none. */
  async seccomp(job: number, runtime: string): Promise<SeccompAnswer> {
    const r = await this.call({ type: 'seccomp', job, runtime });
    if (r.type !== 'seccomp') throw new Error('no syscall set');
    return 'unsupported' in r ? { unsupported: r.unsupported } : { report: r.report, profile: r.profile };
  }

  forget(job: number): void {
    this.worker.postMessage({ type: 'forget', job } satisfies Request);
  }
}
