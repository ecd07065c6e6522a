/** Build-time values and modules the Vite config provides. */
declare const __GOREADY_VERSION__: string;

declare module 'virtual:snapshot-validator' {
  interface ValidationError {
    instancePath: string;
    keyword: string;
    message?: string;
    params: Record<string, unknown>;
  }
  const validate: ((data: unknown) => boolean) & { errors?: ValidationError[] | null };
  export default validate;
}

declare module 'virtual:iced-x86' {
  /** The URL of iced-x86's .wasm, a file of the site. */
  export const wasmUrl: string;
  /** The import object the .wasm is instantiated with. */
  export const icedImports: WebAssembly.Imports;
  /** Starts the glue on the instance and gives the module (as `require('iced-x86')` gives it in Node). */
  export function icedStart(instance: WebAssembly.Instance): import('../../src/core/code/amd64.js').IcedModule;
}
