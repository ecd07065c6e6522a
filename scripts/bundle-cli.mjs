// Bundles the CLI into dist/cli/main.js (run by `npm run build`, after tsc has written dist/).
//
// Start-up is dominated by module loading: ~60 ES modules resolved, read and compiled one by one
// for `goready --version`. One file for what every command needs, plus lazy chunks for what a
// command imports in its action (image, SBOM, licence, host and code modules), is read and
// compiled at once. npm packages stay external: they are resolved from node_modules as before, so
// createRequire, require.resolve and packaged data files keep working.
//
// A bundled module no longer sits where tsc put it, so `import.meta.url` and `import.meta.dirname`
// are rewritten to the location of the module's own twin in dist/ (tsc's output stays in place):
// paths computed from them (package.json, schema/, files copied next to a module) resolve as in
// the unbundled library.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const out = join(dist, 'cli');
// Chunks sit at the same depth as main.js, so one rewrite of import.meta serves both.
const chunks = join(dist, 'cli-chunks');

/** Where tsc put this source file (or directory), relative to the bundle directory, as a URL path. */
function twin(path) {
  const js = join(dist, relative(src, path)).replace(/\.ts$/, '.js');
  return relative(out, js).split(sep).join('/');
}

const rebaseImportMeta = {
  name: 'rebase-import-meta',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      if (text.includes('import.meta')) {
        // One pass, so the replacement's own import.meta.url is left alone.
        const url = `new URL(${JSON.stringify(twin(args.path))}, import.meta.url).href`;
        const dir = `__goreadyPath(new URL(${JSON.stringify(twin(dirname(args.path)) || '.')}, import.meta.url))`;
        text = text.replace(/import\.meta\.(dirname|url)\b/g, (_, k) => (k === 'url' ? url : dir));
        if (text.includes('__goreadyPath')) text = `import { fileURLToPath as __goreadyPath } from 'node:url';\n${text}`;
      }
      return { contents: text, loader: 'ts' };
    });
  },
};

/**
 * npm packages stay external (resolved from node_modules at run time, so data files they read
 * relative to themselves are found) except those every command loads at start-up: commander
 * (seven CommonJS files) and fastest-levenshtein.
 */
function external() {
  const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys(dependencies).filter((d) => !STARTUP_PACKAGES.includes(d));
}
const STARTUP_PACKAGES = ['commander', 'fastest-levenshtein'];

rmSync(chunks, { recursive: true, force: true });
mkdirSync(chunks, { recursive: true });
const result = await build({
  entryPoints: { 'cli/main': join(src, 'cli', 'main.ts') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: external(),
  outdir: dist,
  chunkNames: 'cli-chunks/[name]-[hash]',
  sourcemap: true,
  // Fewer bytes to scan at start-up (commander's comments were half of it); names kept for traces.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  // The CommonJS packages bundled in (commander) require Node built-ins.
  banner: { js: "import { createRequire as __goreadyRequire } from 'node:module';\nconst require = __goreadyRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
  plugins: [rebaseImportMeta],
});
// Which sources each output holds and what it imports: test/cli.test.ts checks what start-up loads.
writeFileSync(join(chunks, 'meta.json'), JSON.stringify(result.metafile));
const n = readdirSync(chunks).filter((f) => f.endsWith('.js')).length;
console.log(`bundle-cli: dist/cli/main.js and ${n} lazy chunks`);
