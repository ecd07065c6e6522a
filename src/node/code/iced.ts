import { createRequire } from 'node:module';
import type { IcedModule } from '../../core/code/amd64.js';

let cached: IcedModule | null = null;

/**
 * Loads iced-x86 (CommonJS; it compiles its 784 KB WASM synchronously, ~90 ms) the first time a
 * command needs x86 decoding, never at start-up.
 */
export function loadIced(): IcedModule {
  cached ??= createRequire(import.meta.url)('iced-x86') as IcedModule;
  return cached;
}
