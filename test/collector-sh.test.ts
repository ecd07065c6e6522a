import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CGROUP_HINTS, RUNTIME_DIRS, RUNTIME_PROGRAMS, RUNTIME_ROLES, SYSCTLS, SYSTEMD_PROPERTIES } from '../src/core/facts/host.js';
import { goarch } from '../src/core/linux/arch.js';
import { MAX_CONF_FILES, MAX_INCLUDE_DEPTH } from '../src/core/linux/ldconf.js';
import { DEFAULT_LIB_DIRS, libraryDirs, VERSIONED_LIBRARY } from '../src/core/linux/loader.js';
import { HOST_SCRIPT, SCRIPT_PATH } from '../src/node/host/script.js';

/**
 * collector.sh as a file: linted by shellcheck, and its lists and tables equal to the TypeScript
 * constants the Node collector uses (a list changed on one side only fails here).
 */
function sh(script: string): string {
  const r = spawnSync('dash', ['-c', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

/** The value of a top-level assignment NAME="..." or NAME=... in the script. */
function assignment(name: string): string {
  const m = new RegExp(`^${name}=(?:"([^"\\n]*)"|(\\S*))$`, 'm').exec(HOST_SCRIPT);
  expect(m, `${name}= in collector.sh`).not.toBeNull();
  return (m?.[1] ?? m?.[2]) as string;
}

/** The lines of the script from the first line matching FROM to the first after it matching TO. */
function block(from: RegExp, to: RegExp): string {
  const lines = HOST_SCRIPT.split('\n');
  const a = lines.findIndex((l) => from.test(l));
  const b = lines.findIndex((l, i) => i > a && to.test(l));
  expect(a, `${from} in collector.sh`).toBeGreaterThanOrEqual(0);
  expect(b, `${to} after ${from} in collector.sh`).toBeGreaterThan(a);
  return lines.slice(a, b + 1).join('\n');
}

describe('collector.sh', () => {
  it('is the file goready host --script prints, and shellcheck finds nothing in it', () => {
    expect(HOST_SCRIPT).toBe(readFileSync(SCRIPT_PATH, 'utf8'));
    expect(HOST_SCRIPT.startsWith('#!/bin/sh\n')).toBe(true);
    const r = spawnSync('shellcheck', ['--shell=sh', '--format=gcc', SCRIPT_PATH], { encoding: 'utf8' });
    expect(r.error, 'shellcheck is installed (scripts/setup.sh installs Debian shellcheck)').toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('its lists are the TypeScript constants', () => {
    expect(assignment('GR_SYSCTLS').split(' ')).toEqual([...SYSCTLS]);
    expect(assignment('GR_SYSTEMD_PROPERTIES').split(' ')).toEqual([...SYSTEMD_PROPERTIES]);
    expect(assignment('GR_CGROUP_HINTS').split(' ')).toEqual([...CGROUP_HINTS]);
    expect(assignment('GR_RUNTIME_PROGRAMS').split(' ')).toEqual(RUNTIME_PROGRAMS.map((p) => `${p}:${RUNTIME_ROLES[p]}`));
    expect(assignment('GR_RUNTIME_DIRS').split(' ')).toEqual([...RUNTIME_DIRS]);
    expect(assignment('GR_DEFAULT_LIB_DIRS').split(' ')).toEqual([...DEFAULT_LIB_DIRS]);
    expect(Number(assignment('GR_MAX_INCLUDE_DEPTH'))).toBe(MAX_INCLUDE_DEPTH);
    expect(Number(assignment('GR_MAX_CONF_FILES'))).toBe(MAX_CONF_FILES);
  });

  it('its machine → GOARCH and multiarch tables give what goarch() and libraryDirs() give', () => {
    const tables = block(/^case \$GR_MACHINE in$/, /^gr_dirs="\$gr_dirs \$GR_DEFAULT_LIB_DIRS"$/);
    const machines = ['x86_64', 'amd64', 'i386', 'i686', 'aarch64', 'arm64', 'aarch64_be', 'armv7l', 'armv6l', 'armv5tel', 'ppc64le', 'ppc64'];
    machines.push('s390x', 'riscv64', 'loongarch64', 'mips64', 'mips', 'sparc64', 'x86');
    for (const endian of ['little', 'big'] as const) {
      const script = machines
        .map((m) => `GR_MACHINE=${m}; GR_ENDIAN=${endian}; GR_DEFAULT_LIB_DIRS="${DEFAULT_LIB_DIRS.join(' ')}"\n${tables}\necho "$GR_ARCH|$gr_dirs"`)
        .join('\n');
      const got = sh(script).trim().split('\n');
      const want = machines.map((m) => {
        const arch = goarch(m, endian);
        return `${arch}| ${libraryDirs(arch).join(' ')}`;
      });
      expect(got, endian).toEqual(want);
    }
  });

  it('its versioned-library names are VERSIONED_LIBRARY', () => {
    const pattern = block(/^ +libc\.so\|libc\.so\.\*\|/, /ld64\.so\.\*\)$/)
      .replace(/\\\n/g, '')
      .replace(/\s+/g, '')
      .replace(/\)$/, '');
    const names = ['libc.so.6', 'libc.so', 'libc.so.6.1', 'libcrypt.so.1', 'libm.so.6', 'libmvec.so.1', 'libpthread.so.0', 'libdl.so.2', 'libdl-2.31.so'];
    names.push('librt.so.1', 'libresolv.so.2', 'libutil.so.1', 'libanl.so.1', 'libnsl.so.1', 'libnss_files.so.2', 'libgcc_s.so.1', 'libstdc++.so.6');
    names.push(
      'libstdc++.so.6.0.30',
      'ld-linux-x86-64.so.2',
      'ld-linux.so.2',
      'ld-linux-aarch64.so.1',
      'ld64.so.2',
      'ld64.so.1',
      'ld-2.31.so',
      'ld-musl-x86_64.so.1',
      'libz.so.1',
    );
    const got = sh(names.map((n) => `case '${n}' in ${pattern}) echo yes ;; *) echo no ;; esac`).join('\n'))
      .trim()
      .split('\n');
    expect(got).toEqual(names.map((n) => (VERSIONED_LIBRARY.test(n) ? 'yes' : 'no')));
    expect(got.filter((g) => g === 'yes').length).toBeGreaterThan(10);
  });
});
