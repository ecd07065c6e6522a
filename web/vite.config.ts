/**
 * The page: `npm run build:web` writes a static site to dist/web that works from any static host
 * and is what `goready serve` serves. No CDN, no inline script: every script is a file of the site.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { defineConfig, type Plugin } from 'vite';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** A plugin serving module `id` with the code `load` builds (called when the bundle imports it). */
function virtualModule(name: string, id: string, load: () => string): Plugin {
  return {
    name,
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load: (resolved) => (resolved === `\0${id}` ? load() : null),
  };
}

/**
 * `virtual:snapshot-validator`: the host snapshot schema compiled to plain code at build time
 * (ajv's standalone output), because compiling in the page needs eval, which the CSP forbids.
 */
function snapshotValidator(): Plugin {
  return virtualModule('goready-snapshot-validator', 'virtual:snapshot-validator', () => {
    const schema = JSON.parse(readFileSync(join(root, 'schema', 'host-snapshot.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true, code: { source: true, esm: true } });
    // The same RFC 3339 rule as the Node reader (src/node/host/snapshot-file.ts).
    ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
    // ajv's standalone module is CommonJS: its function is the default export's `default`.
    const generate = (standaloneCode as unknown as { default: (a: Ajv2020, v: unknown) => string }).default;
    return generate(ajv, ajv.compile(schema));
  });
}

/**
 * `virtual:iced-x86`: iced-x86's wasm-bindgen glue for the browser. The npm build targets Node (it
 * takes TextDecoder from `util` and reads and instantiates its .wasm with `fs` when required); here
 * the same glue is an ES module that exports its import object, a function that starts it on an
 * instance, and the URL of the .wasm (a file of the site, emitted by Vite).
 * web/src/worker/iced.ts fetches and instantiates it, in the worker, when a feature needs it.
 */
function icedForBrowser(): Plugin {
  const glue = join(root, 'node_modules', 'iced-x86', 'iced_x86.js');
  const head = 'const { TextDecoder, TextEncoder } = require(`util`);';
  const tail = "const path = require('path').join(__dirname, 'iced_x86_bg.wasm');";
  return virtualModule('goready-iced-x86', 'virtual:iced-x86', () => {
    const code = readFileSync(glue, 'utf8');
    const at = code.lastIndexOf(tail);
    // A new iced-x86 whose glue has another shape fails the build here, not in a user's page.
    if (!code.includes(head) || at < 0) throw new Error(`${glue}: not the wasm-bindgen Node glue this plugin adapts (iced-x86 changed?)`);
    return [
      "export { default as wasmUrl } from 'iced-x86/iced_x86_bg.wasm?url';",
      'const module = { exports: {} };',
      code.slice(0, at).replace(head, ''),
      'export const icedImports = imports;',
      'export function icedStart(instance) {',
      '  wasm = instance.exports;',
      '  module.exports.__wasm = wasm;',
      '  return module.exports;',
      '}',
    ].join('\n');
  });
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  plugins: [snapshotValidator()],
  define: { __GOREADY_VERSION__: JSON.stringify(pkg.version) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The worker is bundled on its own, with its own plugins.
  worker: { format: 'es', plugins: () => [icedForBrowser()] },
  build: {
    outDir: join(root, 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs and no injected preload helper: every byte the page runs is a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      output: {
        // The schema chunk would be named after its virtual id (`_virtual_…`); static hosts that run
        // Jekyll (GitHub Pages) drop files whose names start with an underscore.
        chunkFileNames: (chunk) => `assets/${chunk.name.replace(/^[^A-Za-z0-9]+/, '').replace(/[^\w.-]/g, '-')}-[hash].js`,
      },
    },
  },
});
