// Types of cli.mjs, for the TypeScript tests.
export function arg(name: string, def: string): string;
export function rng(seed: number): () => number;
export function knownFlags(script: string, names: string[]): void;
export const RUN_FLAGS: string[];
export function runFlags(defaultCount: string): {
  count: number;
  seed0: number;
  timeoutMs: number;
  slowMs: number;
  heapMb: number;
  rssMb: number;
  threads: number;
  deadline(i: number): number;
  saveDir: string;
};
