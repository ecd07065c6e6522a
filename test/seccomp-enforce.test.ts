import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeccompProfile } from '../src/core/linux/seccomp-profile.js';
import { goready } from './helpers/cli.js';
import { CORPUS } from './helpers/corpus.js';
import { toolchainFixtures } from './helpers/toolchains.js';

/**
 * Enforcement by the kernel: the OCI profile goready writes is loaded with libseccomp (Debian's
 * python3-seccomp, as runc would load it) and the real program is exec'd under it. Its whole
 * workload must succeed; with one syscall it needs taken out, it must fail at the expected point.
 * Only what this amd64 kernel runs can be enforced here: amd64, and 386 in compat mode.
 */
const LOADER = join(import.meta.dirname, 'tools', 'seccomp', 'load-and-exec.py');
const work = mkdtempSync(join(tmpdir(), 'goready-enforce-'));

function profileOf(binary: string, runtime = 'none'): SeccompProfile {
  const r = goready(['seccomp', binary, '--format', 'oci', '--runtime', runtime]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SeccompProfile;
}

function without(p: SeccompProfile, name: string): SeccompProfile {
  const rules = (p.syscalls ?? []).map((r) => ({ ...r, names: (r.names ?? []).filter((n) => n !== name) }));
  expect(rules.flatMap((r) => r.names)).not.toContain(name);
  return { ...p, syscalls: rules };
}

let n = 0;
function runUnder(p: SeccompProfile, cmd: string[], cwd?: string): { status: number | null; stdout: string; stderr: string; skipped: string[] } {
  if (!existsSync('/usr/bin/python3')) throw new Error('/usr/bin/python3 is missing: apt-get install python3-seccomp');
  const file = join(work, `profile-${++n}.json`);
  const skipped = join(work, `skipped-${n}.json`);
  writeFileSync(file, JSON.stringify(p));
  const r = spawnSync('/usr/bin/python3', [LOADER, file, skipped, '--', ...cmd], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (/No module named 'seccomp'/.test(r.stderr)) throw new Error('python3-seccomp is missing: apt-get install python3-seccomp');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, skipped: existsSync(skipped) ? JSON.parse(readFileSync(skipped, 'utf8')) : [] };
}

describe('seccomp enforcement: sysprobe under its own generated profile, loaded into the kernel with libseccomp', () => {
  const amd64 = toolchainFixtures('sysprobe').filter((f) => f.goarch === 'amd64' && (f.variant === 'amd64' || f.go === '1.27'));
  for (const f of amd64) {
    it(`${f.path}: the whole workload succeeds`, () => {
      const r = runUnder(profileOf(f.file), [f.file]);
      expect(r.skipped).toEqual([]);
      expect(r.stdout).toContain('all ok');
      expect(r.status).toBe(0);
    });
  }

  for (const go of ['1.19', '1.27']) {
    const f = toolchainFixtures('sysprobe').find((x) => x.go === go && x.variant === 'amd64');
    it(`go${go}: without flock it fails in the files phase with EPERM, before anything else`, () => {
      const r = runUnder(without(profileOf(f?.file as string), 'flock'), [f?.file as string]);
      expect(r.stdout).toBe('phase files FAILED: operation not permitted\n');
      expect(r.status).toBe(1);
    });
    it(`go${go}: without ppoll (called through golang.org/x/sys/unix's ABI0 wrapper, trap on the stack) it fails in the poll phase`, () => {
      const r = runUnder(without(profileOf(f?.file as string), 'ppoll'), [f?.file as string]);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.slice(0, -1)).toEqual(['files', 'dirs', 'pipes', 'tcp', 'udp', 'unix'].map((p) => `phase ${p} ok`));
      expect(lines.at(-1)).toMatch(/^phase poll FAILED: .*operation not permitted/);
      expect(r.status).toBe(1);
    });
  }

  // 386 runs on this amd64 kernel (compat mode): its profile names SCMP_ARCH_X86 and 386 numbers.
  for (const go of ['1.19', '1.27']) {
    const f = toolchainFixtures('sysprobe').find((x) => x.go === go && x.variant === '386-stripped');
    it(`go${go} 386 (stripped): the whole workload succeeds; without socketcall (Go's 386 sockets all go through it) it fails at the first socket`, () => {
      const p = profileOf(f?.file as string);
      expect(p.architectures).toEqual(['SCMP_ARCH_X86']);
      const ok = runUnder(p, [f?.file as string]);
      expect(ok.skipped).toEqual([]);
      expect(ok.stdout).toContain('all ok');
      expect(ok.status).toBe(0);
      // With --runtime runc the amd64 runtime's own newfstatat (no 386 number) is named as well.
      const rp = profileOf(f?.file as string, 'runc');
      expect(rp.syscalls?.[1]?.names).toContain('newfstatat');
      const viaRunc = runUnder(rp, [f?.file as string]);
      expect(viaRunc.skipped).toEqual([]);
      expect(viaRunc.stdout).toContain('all ok');
      const r = runUnder(without(p, 'socketcall'), [f?.file as string]);
      expect(r.stdout.trimEnd().split('\n')).toEqual([
        'phase files ok',
        'phase dirs ok',
        'phase pipes ok',
        'phase tcp FAILED: listen tcp 127.0.0.1:0: socket: operation not permitted',
      ]);
      expect(r.status).toBe(1);
    });
  }

  it('the profile with --runtime runc runs it too (a superset, the runtime rule named in its comment)', () => {
    const f = toolchainFixtures('sysprobe').find((x) => x.go === '1.27' && x.variant === 'amd64');
    const p = profileOf(f?.file as string, 'runc');
    expect(p.syscalls?.[1]?.comment).toMatch(/^container runtime runc/);
    const r = runUnder(p, [f?.file as string]);
    expect(r.stdout).toContain('all ok');
  });
});

describe('seccomp enforcement: a real binary nobody here wrote (esbuild 0.28.2) under its own profile', () => {
  const esbuild = join(CORPUS, 'npm', 'esbuild__linux-x64@0.28.2', 'bin', 'esbuild');
  const project = join(work, 'project');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'src', 'a.js'), 'import { b } from "./b.js";\nconsole.log(b(21));\n');
  writeFileSync(join(project, 'src', 'b.js'), 'export function b(x) { return x * 2 }\n');

  it('bundles a small project', () => {
    const r = runUnder(profileOf(esbuild), [esbuild, 'src/a.js', '--bundle', '--minify', '--outfile=out.js'], project);
    expect(r.status).toBe(0);
    expect(readFileSync(join(project, 'out.js'), 'utf8')).toMatch(/console\.log\(/);
  });

  it('without openat it cannot read its input and fails', () => {
    const r = runUnder(without(profileOf(esbuild), 'openat'), [esbuild, 'src/a.js', '--bundle', '--outfile=out2.js'], project);
    expect(r.status).not.toBe(0);
    expect(existsSync(join(project, 'out2.js'))).toBe(false);
  });
});
