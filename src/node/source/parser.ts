import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

/**
 * A tree-sitter parser for Go: web-tree-sitter's WASM runtime and the grammar's WASM, both shipped
 * inside their npm packages (no native build). Loaded only by the commands that parse Go.
 */
export async function goParser(): Promise<Parser> {
  const { Parser: P, Language } = await import('web-tree-sitter');
  await P.init();
  // tree-sitter-go's main entry is its native binding; only its .wasm file is used.
  const grammar = readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'));
  const go = await Language.load(new Uint8Array(grammar));
  const parser = new P();
  parser.setLanguage(go);
  return parser;
}
