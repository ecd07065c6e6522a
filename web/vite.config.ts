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

/**
 * `virtual:snapshot-validator`: the host snapshot schema compiled to plain code at build time
 * (ajv's standalone output), because compiling in the page needs eval, which the CSP forbids.
 */
function snapshotValidator(): Plugin {
  const id = 'virtual:snapshot-validator';
  return {
    name: 'goready-snapshot-validator',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(resolved) {
      if (resolved !== `\0${id}`) return null;
      const schema = JSON.parse(readFileSync(join(root, 'schema', 'host-snapshot.schema.json'), 'utf8'));
      const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true, code: { source: true, esm: true } });
      // The same RFC 3339 rule as the Node reader (src/node/host/snapshot-file.ts).
      ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
      // ajv's standalone module is CommonJS: its function is the default export's `default`.
      const generate = (standaloneCode as unknown as { default: (a: Ajv2020, v: unknown) => string }).default;
      return generate(ajv, ajv.compile(schema));
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  plugins: [snapshotValidator()],
  define: { __GOREADY_VERSION__: JSON.stringify(pkg.version) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'es' },
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
