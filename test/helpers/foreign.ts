import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from './corpus.js';

/**
 * Go binaries nobody here built (issue 9), fetched by scripts/fetch-foreign.sh from npm and Debian
 * at pinned versions into <corpus>/foreign. The first call runs the script (it exits at once when
 * the files are there); a failure fails the suite: tests never skip silently.
 */
export const FOREIGN = join(CORPUS, 'foreign');

export const INPUTS = {
  /** Go 1.13.8, build info with the version only (no module lines). */
  esbuild013: 'npm/esbuild-linux-64@0.1.0/esbuild',
  /** Mach-O arm64 linked by ld64 (cgo, chained fixups), built by Bazel with Go 1.23. */
  ibazelDarwinArm64: 'npm/ibazel@0.28.0/darwin_arm64/ibazel',
  /** ELF built by Bazel: build info with a version and nothing else. */
  ibazelLinux: 'npm/ibazel@0.28.0/linux_amd64/ibazel',
  /** Debian bookworm, Go 1.19 (go. prefixes for generated symbols), GOPATH build linking go.uber.org. */
  nodeExporter119: 'debian/node-exporter-1.5.0/prometheus-node-exporter',
  /** Debian trixie, Go 1.24 (go: prefixes), GOPATH build linking go.uber.org. */
  nodeExporter124: 'debian/node-exporter-1.9.0/prometheus-node-exporter',
  /** A root holding Debian bookworm's libdevmapper1.02.1 as dpkg installs it. */
  libdevmapperRoot: 'debian/libdevmapper/root',
} as const;

let fetched = false;

/** The path of one input, fetching them all on first use. */
export function foreign(name: keyof typeof INPUTS): string {
  if (!fetched) {
    const r = spawnSync('bash', [join(import.meta.dirname, '..', '..', 'scripts', 'fetch-foreign.sh')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/fetch-foreign.sh failed: ${r.stderr}`);
    fetched = true;
  }
  const p = join(FOREIGN, INPUTS[name]);
  if (!existsSync(p)) throw new Error(`${p} missing after scripts/fetch-foreign.sh`);
  return p;
}

/** What scripts/fetch-foreign.sh fetched: name → {source, version, path}. */
export function foreignManifest(): Record<string, { source: string; version: string; path: string }> {
  return JSON.parse(readFileSync(join(FOREIGN, 'manifest.json'), 'utf8'));
}
