import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify, normalize } from '../src/core/analyses/license/classify.js';
import { spdxIndex, spdxTexts } from '../src/node/license/spdx.js';

const index = spdxIndex();
const texts = spdxTexts();
const ids = (text: string) => classify(index, text).matches.map((m) => m.id);

/** Debian's DEP-5 licence short names → SPDX ids. */
const DEBIAN: Record<string, string> = {
  Expat: 'MIT',
  'BSD-2-clause': 'BSD-2-Clause',
  'BSD-3-clause': 'BSD-3-Clause',
  'Apache-2.0': 'Apache-2.0',
  ISC: 'ISC',
  'MPL-2.0': 'MPL-2.0',
};

/** The licence texts Debian ships in copyright files: "License: NAME" followed by the indented text. */
function debianStanzas(): { pkg: string; name: string; text: string }[] {
  const out: { pkg: string; name: string; text: string }[] = [];
  for (const pkg of readdirSync('/usr/share/doc').filter((p) => p.startsWith('golang-'))) {
    let doc: string;
    try {
      doc = readFileSync(`/usr/share/doc/${pkg}/copyright`, 'utf8');
    } catch {
      continue;
    }
    for (const para of doc.split(/\n\s*\n/)) {
      const m = /^License: (\S+)\n((?: .*\n?)+)/m.exec(para);
      if (!m || !DEBIAN[(m[1] as string).replace(/~.*$/, '')]) continue;
      const text = (m[2] as string)
        .split('\n')
        .map((l) => l.replace(/^ \.?$/, '').replace(/^ /, ''))
        .join('\n');
      // "On Debian systems the full text is in /usr/share/common-licenses/…" is a pointer, not a text.
      if (/common-licenses/.test(text) || normalize(text).length < 60) continue;
      // The Apache per-file notice ("Licensed under the Apache License… you may not use this file
      // except in compliance") points at the licence; it is not the licence text.
      if (/you may not use this file except in compliance/i.test(text) && normalize(text).length < 250) continue;
      out.push({ pkg, name: (m[1] as string).replace(/~.*$/, ''), text });
    }
  }
  return out;
}

describe('licence classification', () => {
  it('every SPDX licence text classifies as itself (or an id with the same text)', () => {
    const norm = new Map(Object.entries(texts).map(([id, t]) => [id, normalize(t).join(' ')]));
    const wrong: string[] = [];
    let n = 0;
    const t0 = performance.now();
    for (const [id, t] of Object.entries(texts)) {
      if (!t.trim()) continue;
      n++;
      const c = classify(index, t);
      const all = c.matches.flatMap((m) => [m.id, ...(m.alternatives ?? [])]);
      const same = c.matches.length === 1 && norm.get(c.matches[0]?.id as string) === norm.get(id);
      // A deprecated id (GPL-2.0+, Nunit…) is reported as the current id with the same text.
      const replaced =
        index.deprecated.has(id) && c.matches.length === 1 && !index.deprecated.has(c.matches[0]?.id as string) && (c.matches[0]?.confidence ?? 0) >= 0.9;
      if (!all.includes(id) && !same && !replaced) wrong.push(`${id} → ${all.join(',')}`);
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(`SPDX list: ${n} texts, ${n - wrong.length} right, ${(n / secs).toFixed(0)} texts/s`);
    expect(wrong).toEqual([]);
  });

  it("Debian's common-licenses texts", () => {
    const want: Record<string, string> = {
      'Apache-2.0': 'Apache-2.0',
      'GPL-2': 'GPL-2.0-only',
      'GPL-3': 'GPL-3.0-only',
      'LGPL-2.1': 'LGPL-2.1-only',
      // (Debian's LGPL-3 holds only the additional permissions, not the GPL-3 text SPDX's LGPL-3.0 includes.)
      'MPL-2.0': 'MPL-2.0',
      'MPL-1.1': 'MPL-1.1',
      'CC0-1.0': 'CC0-1.0',
      BSD: 'BSD-3-Clause',
    };
    for (const [file, id] of Object.entries(want)) {
      const c = classify(index, readFileSync(`/usr/share/common-licenses/${file}`, 'utf8'));
      const all = c.matches.flatMap((m) => [m.id, ...(m.alternatives ?? [])]);
      expect(all, file).toContain(id);
    }
  });

  it('licence texts in Debian golang-* copyright files, labelled by Debian', () => {
    const stanzas = debianStanzas();
    expect(stanzas.length).toBeGreaterThan(3);
    for (const s of stanzas) expect(ids(s.text), `${s.pkg} ${s.name}`).toEqual([DEBIAN[s.name]]);
  });

  it("the Go toolchain's vendored modules: golang.org/x/* BSD-3-Clause, pprof Apache-2.0 (Debian's copyright file says so)", () => {
    const root = '/usr/lib/go-1.19/src';
    for (const m of [
      'cmd/vendor/golang.org/x/mod',
      'cmd/vendor/golang.org/x/sys',
      'vendor/golang.org/x/net',
      'cmd/vendor/github.com/ianlancetaylor/demangle',
    ]) {
      expect(ids(readFileSync(`${root}/${m}/LICENSE`, 'utf8')), m).toEqual(['BSD-3-Clause']);
    }
    expect(ids(readFileSync(`${root}/cmd/vendor/github.com/google/pprof/LICENSE`, 'utf8'))).toEqual(['Apache-2.0']);
    // Google's PATENTS grant is not a licence text.
    expect(ids(readFileSync(`${root}/cmd/vendor/golang.org/x/mod/PATENTS`, 'utf8'))[0]).toMatch(/^LicenseRef-/);
  });

  it('dual licensing: every licence in the file is reported', () => {
    const dual = `This project is dual-licensed under the MIT and Apache 2.0 licenses.\n\n${texts.MIT}\n\n${texts['Apache-2.0']}`;
    expect(ids(dual).sort()).toEqual(['Apache-2.0', 'MIT']);
  });

  it('near misses that change meaning are rejected: Lesser, Affero, another version number', () => {
    const gpl2 = texts['GPL-2.0-only'] as string;
    expect(ids(gpl2.replaceAll('GNU General Public License', 'GNU Lesser General Public License'))).not.toContain('GPL-2.0-only');
    expect(ids(gpl2.replace(/Version 2, June 1991/, 'Version 3, June 1991'))).not.toContain('GPL-2.0-only');
    const gpl3 = texts['GPL-3.0-only'] as string;
    expect(ids(gpl3.replaceAll('GNU General Public License', 'GNU Affero General Public License'))).not.toContain('GPL-3.0-only');
  });

  it('the larger licence wins when one contains the other (MIT vs MIT-0, BSD-3 vs BSD-2)', () => {
    expect(ids(texts.MIT as string)).toEqual(['MIT']);
    expect(ids(texts['MIT-0'] as string)).toEqual(['MIT-0']);
    expect(ids(texts['BSD-3-Clause'] as string)).toEqual(['BSD-3-Clause']);
    expect(ids(texts['BSD-2-Clause'] as string)).toEqual(['BSD-2-Clause']);
  });

  it('unknown text gets a stable LicenseRef from its normalised words', () => {
    const a = ids('All rights reserved. You may look at this code but not use it in any way whatsoever, ever.');
    const b = ids('All  rights reserved.\nYou may look at this code but not use it in any way whatsoever, ever.');
    expect(a[0]).toMatch(/^LicenseRef-[0-9a-f]{16}$/);
    expect(a).toEqual(b);
  });
});

describe('goready licenses', () => {
  const run = async (target: string, env: Record<string, string>, ...args: string[]) => {
    const { spawnSync } = await import('node:child_process');
    const { CLI } = await import('./helpers/cli.js');
    const r = spawnSync(process.execPath, [CLI, 'licenses', target, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const WANT: Record<string, string> = {
    'example.com/depsapp': 'MIT',
    'example.com/color/v2': 'MPL-2.0',
    'example.com/generic': 'BSD-3-Clause',
    'example.com/localutil': 'MIT',
    'example.com/oldlog': 'Apache-2.0',
    'example.com/util': 'ISC',
    'example.com/yaml.v3': 'Apache-2.0 AND MIT',
  };

  it("a binary's modules, from the module cache (extracted trees), a replace to another module, and --source for local ones", async () => {
    const { entry, CORPUS } = await import('./helpers/corpus.js');
    const { join } = await import('node:path');
    const r = await run(
      entry('linux-amd64-deps').file,
      { GOMODCACHE: join(CORPUS, '.cache', 'gopath', 'pkg', 'mod') },
      '--format',
      'json',
      '--source',
      join(CORPUS, '.cache', 'src', 'deps', 'app'),
    );
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(Object.fromEntries(rep.modules.map((m: { path: string; expression: string }) => [m.path, m.expression]))).toEqual(WANT);
    expect(rep.modules.find((m: { path: string }) => m.path === 'example.com/generic').found.source).toBe('modcache');
  });

  it('cached module zips work when the extracted tree is gone, and module paths are case-escaped', async () => {
    const { entry, CORPUS } = await import('./helpers/corpus.js');
    const { cpSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const cache = mkdtempSync(join(tmpdir(), 'goready-modcache-'));
    cpSync(join(CORPUS, '.cache', 'gopath', 'pkg', 'mod', 'cache'), join(cache, 'cache'), { recursive: true });
    const r = await run(entry('linux-amd64-deps').file, { GOMODCACHE: cache }, '--format', 'json', '--allow-unknown');
    const rep = JSON.parse(r.stdout);
    const generic = rep.modules.find((m: { path: string }) => m.path === 'example.com/generic');
    expect(generic.found.source).toBe('modcache-zip');
    expect(generic.expression).toBe('BSD-3-Clause');
    const { escapePath } = await import('../src/node/license/modules.js');
    expect(escapePath('github.com/BurntSushi/toml')).toBe('github.com/!burnt!sushi/toml');
  });

  it("a source tree with vendor/modules.txt: the Go toolchain's own cmd tree", async () => {
    const r = await run('/usr/lib/go-1.19/src/cmd', { GOMODCACHE: '/nonexistent' }, '--format', 'json', '--allow-unknown');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    const by = Object.fromEntries(rep.modules.map((m: { path: string; expression: string }) => [m.path, m.expression]));
    expect(by['github.com/google/pprof']).toBe('Apache-2.0');
    expect(by['golang.org/x/mod']).toBe('BSD-3-Clause');
    expect(rep.modules.filter((m: { found: { source: string } | null }) => m.found?.source === 'vendor').length).toBeGreaterThanOrEqual(9);
  });

  it('policy: --deny and --allow expressions and a config file; violations exit 1, unknowns fail unless allowed', async () => {
    const { entry, CORPUS } = await import('./helpers/corpus.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const env = { GOMODCACHE: join(CORPUS, '.cache', 'gopath', 'pkg', 'mod') };
    const bin = entry('linux-amd64-deps').file;
    const src = join(CORPUS, '.cache', 'src', 'deps', 'app');
    const denied = await run(bin, env, '--source', src, '--deny', 'MPL-2.0', '--format', 'json');
    expect(denied.code).toBe(1);
    expect(
      JSON.parse(denied.stdout)
        .modules.filter((m: { violation: string | null }) => m.violation)
        .map((m: { path: string }) => m.path),
    ).toEqual(['example.com/color/v2']);
    expect((await run(bin, env, '--source', src, '--allow', 'MIT OR Apache-2.0 OR BSD-3-Clause OR ISC OR MPL-2.0')).code).toBe(0);
    expect((await run(bin, env, '--source', src, '--allow', 'MIT OR Apache-2.0')).code).toBe(1);
    // Without --source the main module and the local replacement have no licence on this machine.
    expect((await run(bin, env)).code).toBe(1);
    expect((await run(bin, env, '--allow-unknown')).code).toBe(0);
    const cfg = join(mkdtempSync(join(tmpdir(), 'goready-policy-')), 'policy.json');
    writeFileSync(cfg, JSON.stringify({ deny: 'ISC', allowUnknown: true }));
    expect((await run(bin, env, '--config', cfg)).code).toBe(1);
    writeFileSync(cfg, JSON.stringify({ dney: 'ISC' }));
    const bad = await run(bin, env, '--config', cfg);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown key dney/);
  });
});
