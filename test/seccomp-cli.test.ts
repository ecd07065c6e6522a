import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { analyseSeccomp } from '../src/core/analyses/seccomp/analyse.js';
import { X86Decoder } from '../src/core/code/amd64.js';
import type { SeccompReport } from '../src/core/facts/seccomp.js';
import { BytesSource } from '../src/core/io/source.js';
import type { SeccompProfile } from '../src/core/linux/seccomp-profile.js';
import { loadIced } from '../src/node/code/iced.js';
import { goready } from './helpers/cli.js';
import { CORPUS, entry } from './helpers/corpus.js';
import { randomDamage } from './helpers/damage.js';
import { toolchainFixtures } from './helpers/toolchains.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schema', 'seccomp-report.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
const work = mkdtempSync(join(tmpdir(), 'goready-seccomp-cli-'));
const fixture = (go: string, variant: string) => {
  const f = toolchainFixtures('sysprobe').find((x) => x.go === go && x.variant === variant);
  if (!f) throw new Error(`sysprobe ${go} ${variant} missing (npm run corpus)`);
  return f.file;
};

describe('goready seccomp: output formats', () => {
  const cases = [
    fixture('1.27', 'amd64-stripped'),
    fixture('1.19', 'arm64'),
    entry('linux-amd64-cgo').file,
    join(CORPUS, 'npm', 'esbuild-linux-64@0.8.2', 'bin', 'esbuild'),
  ];
  for (const file of cases) {
    it(`${file.split('/').slice(-2).join('/')}: JSON matches schema/seccomp-report.schema.json`, () => {
      const r = goready(['seccomp', file, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const raw: unknown = JSON.parse(r.stdout);
      if (!validate(raw)) throw new Error(ajv.errorsText(validate.errors));
      const report = raw as SeccompReport;
      expect(report.path).toBe(file);
      expect(report.syscalls.length).toBeGreaterThan(40);
      for (const s of report.syscalls) if (!s.origin.includes('code')) expect(s.reason).toBeTruthy();
    });
  }

  it('text: a summary line, one line per syscall with its number and sites, then unresolved sites', () => {
    const r = goready(['seccomp', fixture('1.27', 'amd64'), '--runtime', 'none']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\S+: \d+ syscalls \(go1\.27\.\d+, linux\/amd64\): \d+ from sites in the code, \d+ more that Go needs; 1 unresolved site$/);
    expect(lines.find((l) => /^ {2}flock +73 {2}1 site \(wrapper\): syscall\.Flock$/.test(l))).toBeDefined();
    expect(r.stdout).toMatch(/unresolved:\n {2}runtime\.runPerThreadSyscall at 0x[0-9a-f]+: replays/);
  });

  it('oci: deny with EPERM by default, the arch with Docker’s compat arches, one allow rule, the runtime’s named apart', () => {
    const json = JSON.parse(goready(['seccomp', fixture('1.27', 'arm64'), '--format', 'json', '--runtime', 'crun']).stdout);
    const p = JSON.parse(goready(['seccomp', fixture('1.27', 'arm64'), '--format', 'oci', '--runtime', 'crun']).stdout) as SeccompProfile;
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.defaultErrnoRet).toBe(1);
    expect(p.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(p.syscalls?.map((r) => r.action)).toEqual(['SCMP_ACT_ALLOW', 'SCMP_ACT_ALLOW']);
    expect(p.syscalls?.[1]?.comment).toMatch(/^container runtime crun/);
    expect(p.syscalls?.[1]?.names).toEqual(expect.arrayContaining(['close_range', 'execveat']));
    expect([...(p.syscalls ?? []).flatMap((r) => r.names ?? [])].sort()).toEqual(json.syscalls.map((s: { name: string }) => s.name).sort());
    expect(p.syscalls?.[0]?.names).toContain('rt_sigreturn');
    const amd = JSON.parse(goready(['seccomp', fixture('1.27', 'amd64'), '--format', 'oci']).stdout) as SeccompProfile;
    expect(amd.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });

  it('a cgo binary says what static analysis cannot see and what to do', () => {
    const r = JSON.parse(goready(['seccomp', entry('linux-amd64-cgo').file, '--format', 'json']).stdout);
    expect(r.cgo).toBe(true);
    expect(r.notes.join('\n')).toMatch(/cgo binary: .*cannot be seen statically.*goready seccomp record/);
    const origin = (n: string) => r.syscalls.find((s: { name: string }) => s.name === n)?.origin;
    expect(origin('set_robust_list')).toEqual(['loader', 'libc']);
    expect(origin('clone3')).toEqual(['libc']);
  });
});

describe('goready seccomp --profile and check --seccomp-profile', () => {
  const bin = fixture('1.27', 'amd64');
  const own = JSON.parse(goready(['seccomp', bin, '--format', 'oci', '--runtime', 'none']).stdout) as SeccompProfile;

  it('its own profile: no finding, exit 0', () => {
    const file = join(work, 'own.json');
    writeFileSync(file, JSON.stringify(own));
    const r = goready(['seccomp', bin, '--runtime', 'none', '--profile', file]);
    expect(r.stdout).toBe('no findings\n');
    expect(r.code).toBe(0);
  });

  it('one syscall taken out: GR-SECCOMP-002 with its site and the consequence, exit 1', () => {
    const file = join(work, 'no-flock.json');
    writeFileSync(file, JSON.stringify({ ...own, syscalls: own.syscalls?.map((r) => ({ ...r, names: r.names?.filter((n) => n !== 'flock') })) }));
    const r = goready(['seccomp', bin, '--runtime', 'none', '--profile', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const [f, ...rest] = JSON.parse(r.stdout);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'GR-SECCOMP-002', severity: 'high', title: `${file} denies flock, which the binary can call` });
    expect(f.evidence).toEqual([
      `${file}: flock → SCMP_ACT_ERRNO (errno 1, EPERM)`,
      expect.stringMatching(/^site: syscall\.Flock at 0x[0-9a-f]+ \(wrapper via syscall\.Syscall\)$/),
    ]);
    expect(f.fix).toMatch(/^flock fails with errno 1 in syscall\.Flock: the Go call that needs it returns an error/);
  });

  it('docker-default: what it denies (mount and unshare, made only for SysProcAttr; clone3, with the fallback) and GR-SECCOMP-003 with the figures', () => {
    const r = goready(['seccomp', bin, '--profile', 'docker-default', '--format', 'json']);
    const findings = JSON.parse(r.stdout) as { id: string; severity: string; title: string; evidence: string[]; fix: string }[];
    const denied = findings.filter((f) => f.id === 'GR-SECCOMP-002');
    // chroot (CAP_SYS_CHROOT is a default capability) and ptrace (kernel ≥ 4.8) are allowed.
    expect(denied.map((f) => /denies (\w+),/.exec(f.title)?.[1]).sort()).toEqual(['clone3', 'mount', 'unshare']);
    expect(denied.every((f) => f.severity === 'low')).toBe(true);
    expect(denied.find((f) => f.title.includes('clone3'))?.evidence[0]).toBe('docker-default: clone3 → SCMP_ACT_ERRNO (errno 38, ENOSYS)');
    const extra = findings.find((f) => f.id === 'GR-SECCOMP-003');
    expect(extra?.severity).toBe('info');
    expect(extra?.evidence.at(-1)).toMatch(/^the binary, Go and runc need \d+ on amd64; Docker's default profile allows \d+$/);
    expect(r.code).toBe(0);
  });

  it('a profile that does not list the architecture denies everything', () => {
    const file = join(work, 'arm-only.json');
    writeFileSync(file, JSON.stringify({ ...own, architectures: ['SCMP_ARCH_AARCH64'] }));
    const findings = JSON.parse(goready(['seccomp', bin, '--runtime', 'none', '--profile', file, '--format', 'json']).stdout);
    expect(findings.filter((f: { id: string }) => f.id === 'GR-SECCOMP-002').length).toBe(own.syscalls?.[0]?.names?.length);
  });

  it('check --seccomp-profile adds the same findings to the binary’s others', () => {
    const file = join(work, 'no-flock2.json');
    writeFileSync(file, JSON.stringify({ ...own, syscalls: own.syscalls?.map((r) => ({ ...r, names: r.names?.filter((n) => n !== 'flock') })) }));
    const r = goready(['check', bin, '--seccomp-profile', file, '--format', 'json']);
    const ids = JSON.parse(r.stdout).map((f: { id: string; title: string }) => `${f.id} ${f.title}`);
    expect(ids).toContain(`GR-SECCOMP-002 ${file} denies flock, which the binary can call`);
  });
});

describe('goready seccomp: what it cannot analyse, in one line, exit 2', () => {
  const cases: [string, string][] = [
    [entry('linux-mips').file, 'syscall extraction for mips is not supported yet (amd64, arm64 and 386 are)'],
    [join(CORPUS, 'npm', 'esbuild__linux-arm@0.25.12', 'bin', 'esbuild'), 'syscall extraction for arm is not supported yet (amd64, arm64 and 386 are)'],
    [entry('windows-amd64').file, "seccomp is Linux's: this is a PE binary, not a Linux ELF one"],
    [entry('darwin-arm64').file, "seccomp is Linux's: this is a Mach-O binary, not a Linux ELF one"],
    [join(CORPUS, 'npm', 'esbuild__freebsd-x64@0.25.12', 'bin', 'esbuild'), "seccomp is Linux's: this is a freebsd binary"],
    [join(CORPUS, 'misc', 'c-hello'), 'not a Go binary (no Go function table or build info)'],
    ['/nonexistent/app', 'no such file or directory'],
  ];
  for (const [file, why] of cases) {
    it(why, () => {
      const r = goready(['seccomp', file]);
      expect(r.stderr).toBe(`goready: ${file}: ${why}\n`);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    });
  }
  it('a truncated binary: the damage, not a partial answer', () => {
    const file = join(work, 'truncated');
    writeFileSync(file, readFileSync(fixture('1.27', 'amd64')).subarray(0, 100_000));
    const r = goready(['seccomp', file]);
    expect(r.stderr).toMatch(new RegExp(`^goready: ${file}: truncated: .*\\n$`));
    expect(r.code).toBe(2);
  });
  it('bad usage and bad profiles', () => {
    expect(goready(['seccomp', fixture('1.27', 'amd64'), '--format', 'sarif']).stderr).toBe('goready: seccomp: --format sarif: expected text, json, oci\n');
    expect(goready(['seccomp', fixture('1.27', 'amd64'), '--profile', '/nonexistent.json']).stderr).toBe(
      'goready: /nonexistent.json: no such file or directory\n',
    );
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{"syscalls": []}');
    const r = goready(['seccomp', fixture('1.27', 'amd64'), '--profile', bad]);
    expect(r.stderr).toBe(`goready: ${bad}: not a seccomp profile: no defaultAction\n`);
    expect(r.code).toBe(2);
  });
});

describe('goready seccomp on hostile input: damaged code, tables and headers end in a report or an error', () => {
  const x86 = (bits: 32 | 64) => new X86Decoder(loadIced(), bits);
  for (const variant of ['amd64-stripped', 'arm64-stripped']) {
    it(`150 damaged copies of go1.27/hello-${variant}`, async () => {
      const f = toolchainFixtures('hello').find((x) => x.go === '1.27' && x.variant === variant);
      const bytes = readFileSync(f?.file as string);
      // Damage where extraction reads: the ELF header, the pclntab's header and functab, and code.
      const text = bytes.indexOf(Buffer.from([0xfb, 0xff, 0xff, 0xff]));
      const regions: [number, number][] = [
        [0, 64],
        [0x1000, 0x20000],
        [Math.max(0, text), 4096],
      ];
      let reports = 0;
      let errors = 0;
      for (const copy of randomDamage(bytes, regions, 150, variant.length)) {
        try {
          await analyseSeccomp(new BytesSource(copy), { path: 'x', runtime: 'none', x86 });
          reports++;
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message.split('\n').length).toBe(1);
          errors++;
        }
      }
      expect(reports + errors).toBe(150);
      expect(reports).toBeGreaterThan(0);
    });
  }
});
