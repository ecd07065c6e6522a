import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv as Ajv7 } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { deriveMainVersion, h1ToSha256 } from '../src/core/analyses/sbom.js';
import { sbom } from '../src/node/sbom.js';
import { goready } from './helpers/cli.js';
import { CORPUS, corpus, entry, GO } from './helpers/corpus.js';
import { foreign } from './helpers/foreign.js';
import { buildImages, type TestImage } from './helpers/images.js';

/** The official schemas: CycloneDX 1.6 as shipped in @cyclonedx/cyclonedx-library, SPDX 2.3 from spdx/spdx-spec. */
const cdxDir = join(import.meta.dirname, '..', 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema');
const load = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const ajv = new Ajv7({ allErrors: true, strict: false, validateFormats: true });
addFormats.default(ajv);
// The bom schema refers to its siblings by their file names; register them under those.
const withId = (f: string, id: string) => ({ ...load(join(cdxDir, f)), $id: id });
ajv.addSchema(withId('spdx.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json'));
ajv.addSchema(withId('jsf-0.82.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json'));
const validateCdx = ajv.compile(load(join(cdxDir, 'bom-1.6.SNAPSHOT.schema.json')));
const validateSpdx = ajv.compile(load(join(import.meta.dirname, 'data', 'schemas', 'spdx-schema-2.3.json')));

const lookup = { modcache: join(CORPUS, '.cache', 'gopath', 'pkg', 'mod'), source: join(CORPUS, '.cache', 'src', 'deps', 'app') };

describe('goready sbom: schema-valid CycloneDX 1.6 and SPDX 2.3 for every Go binary with build info', () => {
  // esbuild 0.27.0 and 0.28.2 ship no build info at all (their no-build-info error is tested below).
  for (const e of corpus().filter((x) => x.isGo && x.source !== 'misc' && !x.name.includes('@0.28.2') && !x.name.includes('@0.27.0'))) {
    it(e.name, async () => {
      const cdx = JSON.parse(await sbom(e.file, { format: 'cyclonedx', lookup }));
      expect(validateCdx(cdx), ajv.errorsText(validateCdx.errors)).toBe(true);
      const spdx = JSON.parse(await sbom(e.file, { format: 'spdx', lookup }));
      expect(validateSpdx(spdx), ajv.errorsText(validateSpdx.errors)).toBe(true);
    });
  }
});

describe('goready sbom content', () => {
  it('modules with purls (case kept), SHA-256 from h1, replacements, licences, toolchain, build settings, derived version', async () => {
    const cdx = JSON.parse(await sbom(entry('linux-amd64-deps').file, { format: 'cyclonedx', lookup }));
    const main = cdx.metadata.component;
    expect(main.name).toBe('example.com/depsapp');
    // (devel) main module: the version comes from -ldflags -X main.version=1.2.3, marked as derived.
    expect(main.version).toBe('v1.2.3');
    expect(main.properties).toContainEqual({ name: 'goready:version:derived', value: 'ldflags' });
    expect(main.properties).toContainEqual({ name: 'goready:build:-tags', value: 'netgo,osusergo' });
    const by = Object.fromEntries(cdx.components.map((c: { name: string }) => [c.name, c]));
    const yaml = by['example.com/yaml.v3'];
    expect(yaml.purl).toBe('pkg:golang/example.com/yaml.v3@v1.5.0');
    expect(yaml.licenses).toEqual([{ expression: 'Apache-2.0 AND MIT', acknowledgement: 'concluded' }]);
    const sum = (yaml.properties as { name: string; value: string }[]).find((p) => p.name === 'goready:go:h1')?.value as string;
    expect(yaml.hashes).toEqual([{ alg: 'SHA-256', content: Buffer.from(sum.slice(3), 'base64').toString('hex') }]);
    const old = by['example.com/oldlog'];
    expect(old.properties).toContainEqual({ name: 'goready:go:replace:path', value: 'example.com/newlog' });
    expect(old.licenses).toEqual([{ license: { id: 'Apache-2.0', acknowledgement: 'concluded' } }]);
    expect(by.stdlib.version).toBe('v1.19.8');
    expect(cdx.dependencies.find((d: { ref: string }) => d.ref === main['bom-ref']).dependsOn).toHaveLength(cdx.components.length);
  });

  it('SPDX: packages, purls, checksums, concluded licences, DESCRIBES and DEPENDS_ON', async () => {
    const doc = JSON.parse(await sbom(entry('linux-amd64-deps').file, { format: 'spdx', lookup }));
    const color = doc.packages.find((p: { name: string }) => p.name === 'example.com/color/v2');
    expect(color.licenseConcluded).toBe('MPL-2.0');
    expect(color.externalRefs[0].referenceLocator).toBe('pkg:golang/example.com/color/v2@v2.1.0');
    expect(color.checksums[0].algorithm).toBe('SHA256');
    expect(doc.relationships.filter((r: { relationshipType: string }) => r.relationshipType === 'DEPENDS_ON')).toHaveLength(doc.packages.length - 1);
  });

  it('the standard library is a package in both formats, with the same purl and version (go version -m)', async () => {
    const f = entry('linux-amd64-deps').file;
    const goVersion = execFileSync(GO, ['version', f], { encoding: 'utf8' }).trim().split(' ').at(-1) as string;
    const want = `pkg:golang/stdlib@${goVersion.replace(/^go/, 'v')}`;
    const cdx = JSON.parse(await sbom(f, { format: 'cyclonedx', lookup }));
    const doc = JSON.parse(await sbom(f, { format: 'spdx', lookup }));
    const c = cdx.components.find((x: { name: string }) => x.name === 'stdlib');
    const p = doc.packages.find((x: { name: string }) => x.name === 'stdlib');
    expect(c.purl).toBe(want);
    expect(p.externalRefs[0].referenceLocator).toBe(want);
    expect(p.versionInfo).toBe(c.version);
    expect(p.licenseDeclared).toBe('BSD-3-Clause');
    expect(doc.relationships).toContainEqual({ spdxElementId: doc.documentDescribes[0], relationshipType: 'DEPENDS_ON', relatedSpdxElement: p.SPDXID });
  });

  it('a (devel) main module with no version to derive gets a purl without a version', async () => {
    const f = entry('linux-amd64').file;
    expect(execFileSync(GO, ['version', '-m', f], { encoding: 'utf8' })).toMatch(/\tmod\t\S+\t\(devel\)/);
    const cdx = JSON.parse(await sbom(f, { format: 'cyclonedx', lookup }));
    expect(cdx.metadata.component.purl).toMatch(/^pkg:golang\/[^@]+$/);
    const doc = JSON.parse(await sbom(f, { format: 'spdx', lookup }));
    expect(JSON.stringify(doc)).not.toContain('@(devel)');
    expect(JSON.stringify(doc)).not.toContain('%28devel%29');
  });

  it('build info without modules (Bazel ibazel, Debian GOPATH node-exporter): named, valid, dependencies said to be unknown', async () => {
    for (const [f, name, purl] of [
      [foreign('ibazelLinux'), 'ibazel', undefined],
      [foreign('nodeExporter119'), 'github.com/prometheus/node_exporter', 'pkg:golang/github.com/prometheus/node_exporter'],
    ] as const) {
      const cdx = JSON.parse(await sbom(f, { format: 'cyclonedx' }));
      expect(validateCdx(cdx), ajv.errorsText(validateCdx.errors)).toBe(true);
      expect(cdx.metadata.component.name).toBe(name);
      expect(cdx.metadata.component.purl).toBe(purl);
      expect(cdx.metadata.component.properties).toContainEqual({ name: 'goready:go:modules', value: 'unknown: the build info records no module list' });
      const spdx = JSON.parse(await sbom(f, { format: 'spdx' }));
      expect(validateSpdx(spdx), ajv.errorsText(validateSpdx.errors)).toBe(true);
      expect(spdx.name).toBe(name);
      expect(spdx.packages[0].comment).toMatch(/^dependencies unknown/);
      expect(JSON.stringify(spdx)).not.toContain('"pkg:golang/"');
    }
  });

  it('cgo: linked C libraries; boringcrypto: the crypto mode is stated', async () => {
    const cgo = JSON.parse(await sbom(entry('linux-amd64-cgo').file, { format: 'cyclonedx', lookup }));
    expect(cgo.components.some((c: { name: string }) => c.name === 'libc.so.6')).toBe(true);
    const boring = JSON.parse(await sbom(entry('linux-amd64-boring').file, { format: 'cyclonedx', lookup }));
    expect(boring.metadata.component.properties).toContainEqual({ name: 'goready:crypto:boringcrypto', value: 'true' });
    expect(boring.components.find((c: { name: string }) => c.name === 'stdlib').properties).toContainEqual({
      name: 'goready:go:experiment',
      value: 'boringcrypto',
    });
  });

  it('a binary without build info has nothing to describe: a clear error', async () => {
    await expect(sbom(entry('@esbuild/linux-x64@0.28.2/esbuild').file, { format: 'cyclonedx' })).rejects.toThrow(/no build info/);
  });

  it('version derivation and h1 conversion', () => {
    expect(
      deriveMainVersion('example.com/x', [
        { key: 'vcs.revision', value: '0123456789abcdef0123' },
        { key: 'vcs.time', value: '2024-03-05T07:08:09Z' },
        { key: 'vcs.modified', value: 'true' },
      ]),
    ).toEqual({ version: 'v0.0.0-20240305070809-0123456789ab+dirty', from: 'vcs' });
    expect(deriveMainVersion('example.com/x', [{ key: '-ldflags', value: '-s -X example.com/x/internal/build.Version=2.0.1' }])).toEqual({
      version: 'v2.0.1',
      from: 'ldflags',
    });
    expect(deriveMainVersion('example.com/x', [{ key: '-ldflags', value: '-X other.org/y.Version=9' }])).toBeNull();
    expect(h1ToSha256('h1:T5/4wzBzQ+LmCaD7J54S97v4g/HZSNJgbCd7czPnO+M=')).toBe(
      Buffer.from('T5/4wzBzQ+LmCaD7J54S97v4g/HZSNJgbCd7czPnO+M=', 'base64').toString('hex'),
    );
  });
});

describe('linked C libraries on a host: Debian package and licence', () => {
  it('the cgo fixture on this host: libc.so.6 from libc6 (as dpkg -S says), LGPL-2.1-or-later; in licenses and in both SBOMs', async () => {
    const { execFileSync } = await import('node:child_process');
    const { licenses } = await import('../src/node/license/licenses.js');
    const rep = await licenses(entry('linux-amd64-cgo').file, { allowUnknown: true }, {}, '/');
    const libc = rep.linked?.find((l) => l.name === 'libc.so.6');
    // dpkg records the path as the package installed it: /lib/… before the /usr merge moved the
    // records (bookworm), /usr/lib/… after (trixie); try the path both ways.
    const path = libc?.path as string;
    const alt = path.startsWith('/usr/') ? path.slice(4) : `/usr${path}`;
    const owner = [path, alt]
      .map((p) => {
        try {
          return execFileSync('dpkg', ['-S', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(':')[0];
        } catch {
          return null;
        }
      })
      .find(Boolean);
    expect(owner, `dpkg -S knows neither ${path} nor ${alt}`).toBeTruthy();
    expect(libc?.package?.split(':')[0]).toBe(owner);
    expect(libc?.license).toBe('LGPL-2.1-or-later');
    const cdx = JSON.parse(await sbom(entry('linux-amd64-cgo').file, { format: 'cyclonedx', hostRoot: '/' }));
    expect(validateCdx(cdx), ajv.errorsText(validateCdx.errors)).toBe(true);
    const c = cdx.components.find((x: { name: string }) => x.name === 'libc.so.6');
    expect(c.properties).toContainEqual({ name: 'goready:linked:debian-package', value: libc?.package });
    const spdx = JSON.parse(await sbom(entry('linux-amd64-cgo').file, { format: 'spdx', hostRoot: '/' }));
    expect(validateSpdx(spdx), ajv.errorsText(validateSpdx.errors)).toBe(true);
    expect(spdx.packages.find((p: { name: string }) => p.name === 'libc.so.6').licenseConcluded).toBe('LGPL-2.1-or-later');
  });
  it('inside container images: the package that ships each library and its licence, from the image, through the CLI', () => {
    const images = buildImages();
    for (const name of ['bookworm', 'bullseye'] as const) {
      const im = images[name] as TestImage;
      const r = goready(['licenses', entry('linux-amd64-cgo').file, '--image', im.file, '--format', 'json', '--allow-unknown']);
      expect(r.stderr, name).toBe('');
      const libc6 = im.libc6 as string;
      // The package name and architecture the .deb in the image declares, as dpkg would record them.
      const pkg = `${execFileSync('dpkg-deb', ['-f', libc6, 'Package'], { encoding: 'utf8' }).trim()}:${execFileSync('dpkg-deb', ['-f', libc6, 'Architecture'], { encoding: 'utf8' }).trim()}`;
      expect(JSON.parse(r.stdout).linked, name).toEqual([
        { name: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6', package: pkg, license: 'LGPL-2.1-or-later' },
      ]);
      const cdx = JSON.parse(goready(['sbom', entry('linux-amd64-cgo').file, '--image', im.file]).stdout);
      expect(validateCdx(cdx), ajv.errorsText(validateCdx.errors)).toBe(true);
      expect(cdx.components.find((x: { name: string }) => x.name === 'libc.so.6').properties).toContainEqual({
        name: 'goready:linked:debian-package',
        value: pkg,
      });
    }
    // musl has no dpkg records: the library is reported unresolved, not guessed.
    const musl = JSON.parse(
      goready(['licenses', entry('linux-amd64-cgo').file, '--image', (images.musl as TestImage).file, '--format', 'json', '--allow-unknown']).stdout,
    );
    expect(musl.linked).toEqual([{ name: 'libc.so.6', path: null, package: null, license: null }]);
    const both = goready(['licenses', entry('linux-amd64-cgo').file, '--image', (images.musl as TestImage).file, '--host', 'local']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--host and --image: give one of them/);
  }, 300_000);
});
