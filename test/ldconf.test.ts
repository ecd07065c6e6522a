import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goarch } from '../src/core/linux/arch.js';
import { MAX_CONF_FILES, MAX_INCLUDE_DEPTH } from '../src/core/linux/ldconf.js';
import { libraryDirs } from '../src/core/linux/loader.js';
import { describeRoot } from '../src/node/host/root.js';
import { SCRIPT_PATH } from '../src/node/host/script.js';
import { validateSnapshot } from '../src/node/host/snapshot-file.js';
import { openImage } from '../src/node/image/open.js';

/**
 * ld.so.conf includes that never end under ldconfig's own reading (a glob that matches the file
 * holding it, symlinked directories that lead back, a chain deeper than any system's, more files
 * than any system has) end here with the directories found: each file is read once, includes nest
 * at most MAX_INCLUDE_DEPTH deep, at most MAX_CONF_FILES files are read. Every case is a small tree
 * made here, read by describeRoot, by collector.sh under dash and busybox (GOREADY_ROOT), and as a
 * container image.
 */
const tmp = mkdtempSync(join(tmpdir(), 'goready-ldconf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Tree = Record<string, string | { symlink: string }>;

interface Case {
  name: string;
  tree: Tree;
  /** The directories ld.so.conf adds, in order. */
  dirs: string[];
}

const cases = (): Case[] => {
  const selfGlob: Tree = { 'etc/ld.so.conf': 'include /etc/ld.so.conf.d/*.conf\n' };
  for (const x of ['a', 'b', 'c', 'd']) selfGlob[`etc/ld.so.conf.d/${x}.conf`] = `include /etc/ld.so.conf.d/*.conf\n/opt/${x}\n`;

  const chain: Tree = { 'etc/ld.so.conf': 'include /etc/ld.so.conf.d/f00.conf\n' };
  const pad = (n: number) => String(n).padStart(2, '0');
  for (let i = 0; i < 20; i++) chain[`etc/ld.so.conf.d/f${pad(i)}.conf`] = `include /etc/ld.so.conf.d/f${pad(i + 1)}.conf\n/opt/f${pad(i)}\n`;

  const many: Tree = { 'etc/ld.so.conf': 'include /etc/ld.so.conf.d/*.conf\n' };
  const files = MAX_CONF_FILES + 200;
  for (let i = 1; i <= files; i++) many[`etc/ld.so.conf.d/f${String(i).padStart(4, '0')}.conf`] = `# file ${i}\n`;
  // ld.so.conf is the first file read: the glob's files from the first to the MAX_CONF_FILES-1th are read.
  const lastRead = `etc/ld.so.conf.d/f${String(MAX_CONF_FILES - 1).padStart(4, '0')}.conf`;
  const firstUnread = `etc/ld.so.conf.d/f${String(MAX_CONF_FILES).padStart(4, '0')}.conf`;
  many[lastRead] = '/opt/last-read\n';
  many[firstUnread] = '/opt/first-unread\n';

  return [
    // Every file includes the glob that matches it and its siblings: read depth first, once each.
    { name: 'a glob that includes itself', tree: selfGlob, dirs: ['/opt/d', '/opt/c', '/opt/b', '/opt/a'] },
    {
      name: 'includes through symlinked directories that lead back',
      tree: {
        'etc/ld.so.conf': 'include ld.so.conf.d/*.conf\n',
        'etc/ld.so.conf.d/loop': { symlink: '.' },
        'etc/ld.so.conf.d/up': { symlink: '..' },
        'etc/ld.so.conf.d/x.conf': 'include loop/*.conf\ninclude loop/loop/loop/*.conf\n/opt/x\n',
        'etc/ld.so.conf.d/y.conf': 'include up/ld.so.conf up/ld.so.conf.d/loop/*\n/opt/y/\n',
        'etc/ld.so.conf.d/sub/deeper/z.conf': '/opt/never\n', // a directory matched by a glob is not a file to read
      },
      dirs: ['/opt/y', '/opt/x'],
    },
    {
      name: `a chain of includes deeper than ${MAX_INCLUDE_DEPTH}`,
      tree: chain,
      dirs: Array.from({ length: MAX_INCLUDE_DEPTH }, (_, i) => `/opt/f${pad(MAX_INCLUDE_DEPTH - 1 - i)}`),
    },
    { name: `more than ${MAX_CONF_FILES} files`, tree: many, dirs: ['/opt/last-read'] },
    {
      // Longer than PATH_MAX allows: the pattern's directory resolves to nothing, in bounded work.
      name: 'an include pattern of 20,000 path components',
      tree: { 'etc/ld.so.conf': `include /${'a/'.repeat(20_000)}*.conf\n/opt/after\n`, 'a/x.conf': '/opt/never\n' },
      dirs: ['/opt/after'],
    },
  ];
};

function makeTree(root: string, tree: Tree): void {
  for (const [path, what] of Object.entries(tree)) {
    const at = join(root, path);
    mkdirSync(dirname(at), { recursive: true });
    if (typeof what === 'string') writeFileSync(at, what);
    else symlinkSync(what.symlink, at);
  }
}

/** busybox, and a directory with a link for every applet: PATH for a busybox-only shell. */
function busybox(): { exe: string; bin: string } {
  const bin = join(tmp, 'busybox-bin');
  const exe = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  expect(exe, 'busybox is installed (scripts/setup.sh)').not.toBe('');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    const applets = spawnSync(exe, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const a of applets) symlinkSync(exe, join(bin, a));
  }
  return { exe, bin };
}

function scriptSearchPaths(shell: string[], root: string, env: NodeJS.ProcessEnv): string[] {
  const r = spawnSync(shell[0] as string, [...shell.slice(1), SCRIPT_PATH], {
    encoding: 'utf8',
    env: { ...env, GOREADY_ROOT: root, LC_ALL: 'C' },
    maxBuffer: 1 << 28,
  });
  expect(r.stderr, `${shell.join(' ')}: stderr`).toBe('');
  expect(r.status, `${shell.join(' ')}: exit`).toBe(0);
  return validateSnapshot(JSON.parse(r.stdout)).libraries?.searchPaths ?? [];
}

/** A docker save tarball with one uncompressed layer holding the tree. */
function makeImage(dir: string, tree: Tree): string {
  const layer = join(dir, 'layer');
  const out = join(dir, 'out');
  makeTree(layer, tree);
  mkdirSync(out);
  const tar = (args: string[]) => expect(spawnSync('tar', args, { encoding: 'utf8' }).status).toBe(0);
  tar(['-C', layer, '-cf', join(out, 'layer.tar'), '.']);
  writeFileSync(join(out, 'config.json'), JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  writeFileSync(join(out, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['ldconf:test'], Layers: ['layer.tar'] }]));
  const file = join(dir, 'image.tar');
  tar(['-C', out, '-cf', file, 'manifest.json', 'config.json', 'layer.tar']);
  return file;
}

describe('ld.so.conf includes that recurse end with the directories found', () => {
  const arch = goarch(os.machine(), os.endianness() === 'BE' ? 'big' : 'little');
  for (const [i, c] of cases().entries()) {
    it(`${c.name}: a root directory, read by describeRoot and by collector.sh under dash and busybox`, async () => {
      const root = join(tmp, `root-${i}`);
      makeTree(root, c.tree);
      const want = [...new Set([...c.dirs, ...libraryDirs(arch)])];
      expect((await describeRoot(root, arch)).libraries?.searchPaths).toEqual(want);
      expect(scriptSearchPaths(['dash'], root, process.env)).toEqual(want);
      const bb = busybox();
      expect(scriptSearchPaths([bb.exe, 'sh'], root, { PATH: bb.bin })).toEqual(want);
    }, 120_000);

    it(`${c.name}: a container image`, async () => {
      const dir = join(tmp, `image-${i}`);
      mkdirSync(dir);
      const t = await openImage(makeImage(dir, c.tree));
      try {
        expect(t.snapshot.libraries?.searchPaths).toEqual([...new Set([...c.dirs, ...libraryDirs('amd64')])]);
      } finally {
        await t.close();
      }
    }, 120_000);
  }
});
