/** The page's side of the analysis worker: one request, one promise; progress through a callback. */
import type { Finding, HostSnapshot } from '../../../src/index.js';
import type { BinaryAnalysis, Request, Response } from '../worker/protocol.js';

export interface Progress {
  stage: string;
  loaded: number;
  size: number;
}

type Pending = { resolve: (r: Response) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void };

export class AnalysisWorker {
  private readonly worker = new Worker(new URL('../worker/analyse.worker.ts', import.meta.url), { type: 'module', name: 'goready-analysis' });
  private readonly pending = new Map<string, Pending>();
  private nextJob = 1;

  constructor() {
    this.worker.onmessage = (e: MessageEvent<Response>) => {
      const m = e.data;
      if (m.type === 'progress') {
        this.pending.get(`${m.job}:analysed`)?.onProgress?.(m);
        return;
      }
      const key = m.type === 'error' ? [...this.pending.keys()].find((k) => k.startsWith(`${m.job}:`)) : `${m.job}:${m.type}`;
      const p = key ? this.pending.get(key) : undefined;
      if (!p || !key) return;
      this.pending.delete(key);
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the analysis worker failed: ${e.message}`));
      this.pending.clear();
    };
  }

  private call(req: Request, answer: Response['type'], onProgress?: (p: Progress) => void): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.pending.set(`${req.job}:${answer}`, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      this.worker.postMessage(req);
    });
  }

  async analyse(file: File, onProgress: (p: Progress) => void): Promise<{ job: number; binaries: BinaryAnalysis[] }> {
    const job = this.nextJob++;
    const r = await this.call({ type: 'analyse', job, file }, 'analysed', onProgress);
    return { job, binaries: r.type === 'analysed' ? r.binaries : [] };
  }

  async check(job: number, target: { name: string; snapshot: HostSnapshot } | null): Promise<Finding[][]> {
    const r = await this.call({ type: 'check', job, target }, 'checked');
    return r.type === 'checked' ? r.findings : [];
  }

  async sbom(job: number, slice: number, format: 'cyclonedx' | 'spdx'): Promise<string> {
    const r = await this.call({ type: 'sbom', job, slice, format }, 'sbom');
    return r.type === 'sbom' ? r.text : '';
  }

  /** Findings as `goready check --format json|sarif` prints them. */
  async render(job: number, findings: Finding[], format: 'json' | 'sarif'): Promise<string> {
    const r = await this.call({ type: 'render', job, findings, format }, 'rendered');
    return r.type === 'rendered' ? r.text : '';
  }

  forget(job: number): void {
    this.worker.postMessage({ type: 'forget', job } satisfies Request);
  }
}
