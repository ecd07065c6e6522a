import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MULTIARCH, triplets } from '../src/core/linux/arch.js';
import { libraryDirs, resolveLibrary, resolveSoname } from '../src/core/linux/loader.js';
import { linkedLibraries } from '../src/node/license/clibs.js';

/**
 * The loader model shared by the collectors, the checks and the C-library licence lookup: one
 * multiarch table, one search order (the binary's RUNPATH, else RPATH; the ld.so.conf directories;
 * the multiarch and default directories), every path resolved inside the root.
 */
const tmp = mkdtempSync(join(tmpdir(), 'goready-loader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(root: string, path: string, text = 'lib'): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('the loader model', () => {
  it('has a multiarch directory for every 64-bit GOARCH Debian builds, and the defaults last', () => {
    for (const arch of ['amd64', 'arm64', 'ppc64le', 'ppc64', 's390x', 'riscv64', 'mips64le', 'mips64', 'loong64', '386', 'arm']) {
      expect(triplets(arch).length, arch).toBeGreaterThan(0);
      expect(libraryDirs(arch).slice(0, 2)).toEqual([`/lib/${triplets(arch)[0]}`, `/usr/lib/${triplets(arch)[0]}`]);
    }
    expect(libraryDirs('loong64')).toEqual(['/lib/loongarch64-linux-gnu', '/usr/lib/loongarch64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib']);
    expect(libraryDirs(null)).toEqual(['/lib64', '/usr/lib64', '/lib', '/usr/lib']);
    expect(triplets('wasm')).toEqual([]);
    expect(triplets('toString')).toEqual([]); // a table, not an object's prototype
    expect(Object.keys(MULTIARCH)).toContain('mips64');
  });

  it('resolves a soname in the loader order: own search path (absolute entries), then the search directories', () => {
    const search = ['/etc-dir', '/lib/x86_64-linux-gnu', '/usr/lib'];
    const present = new Set(['/opt/app/lib/libfoo.so.1', '/etc-dir/libfoo.so.1', '/usr/lib/libfoo.so.1', '/usr/lib/libbar.so.2']);
    const at = (p: string) => (present.has(p) ? p : null);
    expect(resolveSoname('libfoo.so.1', ['/opt/app/lib/'], search, at)).toBe('/opt/app/lib/libfoo.so.1');
    expect(resolveSoname('libfoo.so.1', ['$ORIGIN/../lib', 'lib'], search, at)).toBe('/etc-dir/libfoo.so.1');
    expect(resolveSoname('libbar.so.2', [], search, at)).toBe('/usr/lib/libbar.so.2');
    expect(resolveSoname('/usr/lib/libbar.so.2', [], [], at)).toBe('/usr/lib/libbar.so.2');
    expect(resolveSoname('libnone.so', ['/opt/app/lib'], search, at)).toBeNull();
    // The same over a snapshot's library list (what GR-LINK-002 and GR-LIBC-001 use).
    const libs = { searchPaths: search, files: [...present].map((path) => ({ path, versionDefs: null })) };
    expect(resolveLibrary('libfoo.so.1', [], libs)?.path).toBe('/etc-dir/libfoo.so.1');
    // Changing one fact: the binary's RUNPATH now names the app's directory.
    expect(resolveLibrary('libfoo.so.1', ['/opt/app/lib'], libs)?.path).toBe('/opt/app/lib/libfoo.so.1');
  });

  it('finds linked C libraries of every architecture in a root, through ld.so.conf, never outside the root', () => {
    const root = join(tmp, 'root');
    file(root, 'lib/loongarch64-linux-gnu/libc.so.6');
    file(root, 'usr/lib/powerpc64-linux-gnu/libc.so.6');
    file(root, 'usr/lib/mips64-linux-gnuabi64/libc.so.6');
    file(root, 'opt/vendor/lib/libvendor.so.3');
    file(root, 'usr/lib/libvendor.so.3'); // shadowed: ld.so.conf's directory comes first
    file(root, 'etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n');
    file(root, 'etc/ld.so.conf.d/vendor.conf', '/opt/vendor/lib\n');
    // An absolute symlink means ROOT/...: the host's own libc is not found through it.
    mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
    symlinkSync('/lib/x86_64-linux-gnu/libc.so.6', join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'));

    const found = (arch: string, needed: string[]) => linkedLibraries({ needed, runpath: [], rpath: [] }, arch, root).map((l) => l.path);
    expect(found('loong64', ['libc.so.6', 'libvendor.so.3'])).toEqual(['/lib/loongarch64-linux-gnu/libc.so.6', '/opt/vendor/lib/libvendor.so.3']);
    expect(found('ppc64', ['libc.so.6'])).toEqual(['/usr/lib/powerpc64-linux-gnu/libc.so.6']);
    expect(found('mips64', ['libc.so.6'])).toEqual(['/usr/lib/mips64-linux-gnuabi64/libc.so.6']);
    expect(found('amd64', ['libc.so.6', 'libmissing.so.1'])).toEqual([null, null]);
    // The binary's own path: RUNPATH when it has one (RPATH is then ignored), else RPATH.
    const own = (runpath: string[], rpath: string[]) => linkedLibraries({ needed: ['libvendor.so.3'], runpath, rpath }, 'loong64', root)[0]?.path;
    expect(own([], ['/usr/lib'])).toBe('/usr/lib/libvendor.so.3');
    expect(own(['/opt/vendor/lib'], ['/usr/lib'])).toBe('/opt/vendor/lib/libvendor.so.3');
  });
});
