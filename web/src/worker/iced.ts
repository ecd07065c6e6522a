/**
 * iced-x86 in the worker: its WebAssembly (~780 KB) fetched and compiled on the first call, never
 * with the page. Compiling needs 'wasm-unsafe-eval' in the worker's script-src (goready serve sends
 * it with the worker's script only); JavaScript eval stays refused.
 */
import { icedImports, icedStart, wasmUrl } from 'virtual:iced-x86';
import type { IcedModule } from '../../../src/index.js';

let loading: Promise<IcedModule> | null = null;

async function load(): Promise<IcedModule> {
  const res = await fetch(wasmUrl);
  if (!res.ok) throw new Error(`the x86 decoder (${wasmUrl}) did not load: HTTP ${res.status}`);
  // From bytes rather than instantiateStreaming: a static host may serve .wasm with another type.
  const { instance } = await WebAssembly.instantiate(await res.arrayBuffer(), icedImports);
  return icedStart(instance);
}

export function loadIced(): Promise<IcedModule> {
  loading ??= load();
  // A failed load (offline) is tried again on the next call.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
