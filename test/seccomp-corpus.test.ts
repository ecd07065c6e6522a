import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ociProfile } from '../src/core/analyses/seccomp/profile.js';
import { DOCKER_DEFAULT } from '../src/core/linux/docker-default.js';
import { evaluateProfile } from '../src/core/linux/seccomp-profile.js';
import { syscallTable } from '../src/core/linux/syscalls.js';
import { seccompFile } from '../src/node/seccomp/analyse.js';
import { CORPUS } from './helpers/corpus.js';
import { straceNames } from './helpers/syscall-truth.js';

/**
 * Profiles for real Go programs nobody here wrote: esbuild, lefthook and buf from npm, and
 * Debian's restic, rclone, runc and podman (pinned by scripts/build-debian-bins.sh). Each gets a
 * profile and a line of figures; the ones that run here are checked against strace -f.
 */
interface Case {
  name: string;
  file: string;
  /** A command that runs here without network or state. */
  args: string[];
}

const debian = join(CORPUS, 'debian', 'manifest.json');
if (!existsSync(debian)) throw new Error(`Debian binaries missing: ${debian} (run: npm run corpus)`);
const cases: Case[] = [
  { name: 'esbuild 0.28.2 (amd64)', file: join(CORPUS, 'npm', 'esbuild__linux-x64@0.28.2', 'bin', 'esbuild'), args: ['--version'] },
  { name: 'esbuild 0.28.2 (arm64)', file: join(CORPUS, 'npm', 'esbuild__linux-arm64@0.28.2', 'bin', 'esbuild'), args: [] },
  { name: 'lefthook 2.0.16', file: join(CORPUS, 'npm', 'lefthook-linux-x64@2.0.16', 'bin', 'lefthook'), args: ['version'] },
  { name: 'buf 1.57.2', file: join(CORPUS, 'npm', 'bufbuild__buf-linux-x64@1.57.2', 'bin', 'buf'), args: ['--version'] },
  ...(JSON.parse(readFileSync(debian, 'utf8')) as { name: string; version: string; path: string }[]).map((d) => ({
    name: `${d.name} ${d.version} (Debian)`,
    file: join(CORPUS, d.path),
    args: d.name === 'runc' || d.name === 'podman' ? ['--version'] : ['version'],
  })),
];

describe('seccomp profiles for real Go programs', () => {
  const figures: string[] = [];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await seccompFile(c.file, { runtime: 'runc' });
      const profile = ociProfile(r);
      const allowed = new Set((profile.syscalls ?? []).flatMap((x) => x.names ?? []));
      expect(allowed.size).toBe(r.syscalls.length);
      const table = syscallTable(r.arch);
      const docker = evaluateProfile(DOCKER_DEFAULT, r.arch);
      const dockerCount = table?.names().filter((n) => docker(n).action !== 'deny').length ?? 0;
      const code = r.syscalls.filter((s) => s.origin.includes('code')).length;
      // Every unresolved site says why; none is dropped.
      for (const u of r.unresolved) expect(u.why).toBeTruthy();
      expect(r.syscalls.length).toBeLessThan(dockerCount);
      let observed = '';
      if (r.arch === 'amd64' && c.args.length) {
        const run = straceNames(c.file, c.args);
        const missing = [...run.names].filter((n) => !allowed.has(n)).sort();
        // A pure-Go program: nothing may be missing. A cgo one: only what its C code, or a program it runs, calls.
        if (!r.cgo) expect(missing).toEqual([]);
        else expect(r.notes.join(' ')).toMatch(/cgo binary/);
        observed = `; \`${c.args.join(' ')}\` under strace: ${run.names.size} observed, ${missing.length ? `not in the profile (C code, or programs it runs): ${missing.join(' ')}` : 'all in the profile'}`;
      }
      figures.push(
        `${c.name}: ${r.goVersion}, ${r.arch}${r.cgo ? ', cgo' : ''}: ${r.syscalls.length} syscalls in the profile (${code} from sites, ${r.unresolved.length} unresolved sites) vs ${dockerCount} allowed by Docker's default; ${r.stats.functions} functions, ${r.stats.analysedFunctions} analysed${observed}`,
      );
    });
  }
  it('figures', () => {
    expect(figures.length).toBe(cases.length);
    console.log(figures.join('\n'));
  });
});
