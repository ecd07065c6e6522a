import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from './corpus.js';

/** One binary built by scripts/build-toolchains.sh: a program of fixtures/toolchains/ built by one Debian Go toolchain. */
export interface ToolchainFixture {
  path: string;
  program: string;
  variant: string;
  /** The toolchain's directory version: 1.19, 1.21 … 1.27 (its go binary is /usr/lib/go-<go>/bin/go). */
  go: string;
  /** `go env GOVERSION` of that toolchain, e.g. go1.27.3. */
  goVersion: string;
  goos: string;
  goarch: string;
  stripped: boolean;
  pie: boolean;
  cgo: boolean;
  env: string[];
  flags: string;
  file: string;
  /** The toolchain's own go command: the truth for this binary. */
  goTool: string;
}

/** Every toolchain fixture; throws (failing the suite) when they were not built: tests never skip silently. */
export function toolchainFixtures(program?: string): ToolchainFixture[] {
  const m = join(CORPUS, 'toolchains', 'manifest.json');
  if (!existsSync(m)) throw new Error(`toolchain fixtures missing: ${m} (run: npm run corpus)`);
  const rows = JSON.parse(readFileSync(m, 'utf8')) as Omit<ToolchainFixture, 'file' | 'goTool'>[];
  return rows
    .filter((r) => program === undefined || r.program === program)
    .map((r) => ({ ...r, file: join(CORPUS, 'toolchains', r.path), goTool: `/usr/lib/go-${r.go}/bin/go` }));
}
