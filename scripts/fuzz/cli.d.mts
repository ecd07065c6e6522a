// Types of cli.mjs, for the TypeScript tests.
export function arg(name: string, def: string): string;
export function rng(seed: number): () => number;
export function knownFlags(script: string, names: string[]): void;
