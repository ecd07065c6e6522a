import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';
import { buildImages, type TestImage } from './helpers/images.js';

/**
 * End to end: real Go binaries against container images assembled from real Debian packages
 * (scripts/build-images.sh): bookworm (glibc 2.36, docker save), bullseye (glibc 2.31, OCI with
 * zstd layers), musl (Debian's musl package).
 */
let images: Record<string, TestImage>;
beforeAll(() => {
  images = buildImages();
}, 300_000);

type F = { id: string; severity: string; title: string; subject: string; evidence: string[]; fix: string };
const check = (args: string[]) => {
  const r = goready(['check', ...args, '--format', 'json']);
  if (r.code !== 0) throw new Error(`goready check ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as F[];
};
const img = (name: string) => (images[name] as TestImage).file;

// The SARIF 2.1.0 schema is JSON Schema draft-04 (ajv's draft-04 build, a CommonJS module).
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Draft4 = createRequire(import.meta.url)('ajv-draft-04') as new (opts: object) => { compile(schema: object): Validator; errorsText(e?: unknown): string };
const ajv = new Draft4({ allErrors: true, strict: false });
addFormats.default(ajv as never);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, 'data', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));

describe('goready check --image', () => {
  it('SARIF names a binary inside the image by a path under a base ID, not IMAGE:/path (a URI scheme); markdown has a binary column', () => {
    const r = goready(['check', '--image', img('bullseye'), '--format', 'sarif']);
    expect(r.code, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout);
    expect(validateSarif(sarif), ajv.errorsText(validateSarif.errors)).toBe(true);
    const loc = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(loc).toEqual({ uri: 'usr/local/bin/hello-cgo', uriBaseId: 'IMAGEROOT' });
    expect(sarif.runs[0].originalUriBaseIds.IMAGEROOT.description.text).toContain(img('bullseye'));
    // new URL() would read the old form's "…bullseye.tar" as a scheme; the relative form has none.
    expect(() => new URL(loc.uri)).toThrow();
    const md = goready(['check', '--image', img('bullseye'), '--format', 'markdown']).stdout;
    expect(md.split('\n')[0]).toBe('| severity | id | binary | finding | evidence | fix |');
    expect(md).toContain(`| fatal | \`GR-LIBC-001\` | \`${img('bullseye')}:/usr/local/bin/hello-cgo\` |`);
  });
  it('the cgo fixture (GLIBC_2.34) against bullseye fails with the exact missing versions and symbols', () => {
    const [f, ...rest] = check([entry('linux-amd64-cgo').file, '--image', img('bullseye')]);
    expect(rest).toEqual([]);
    expect(f?.id).toBe('GR-LIBC-001');
    expect(f?.severity).toBe('fatal');
    expect(f?.title).toMatch(/lacks symbol versions GLIBC_2\.32, GLIBC_2\.34$/);
    // The symbols are those readelf lists for each version need of the binary.
    expect(f?.evidence).toContain('libc.so.6 (/lib/x86_64-linux-gnu/libc.so.6) does not define GLIBC_2.32, needed by pthread_sigmask');
    expect(f?.evidence.find((e) => e.includes('GLIBC_2.34'))).toMatch(/needed by .*__libc_start_main.*pthread_create/);
    expect(f?.evidence).toContain('image bullseye.tar: glibc 2.31');
    expect(f?.fix).toContain('golang:<version>-bullseye');
    // A CGO_ENABLED=0 binary in bullseye passes.
    // In bookworm (2.36) it links, and calls clone3: info, as the engine that runs the image is unknown.
    const unknownEngine = (f: F[]) => f.map((x) => `${x.id} ${x.severity}`);
    expect(unknownEngine(check([entry('linux-amd64-cgo').file, '--image', img('bookworm')]))).toEqual(['GR-SECCOMP-001 info']);
    expect(check([entry('linux-amd64').file, '--image', img('bullseye')])).toEqual([]);
    expect(check([entry('linux-amd64-cgo-pie').file, '--image', img('bullseye')]).map((x) => x.id)).toEqual(['GR-LIBC-001']);
  });
  it('a glibc binary in the musl image fails on the interpreter; a static one passes', () => {
    const f = check([entry('linux-amd64-cgo').file, '--image', img('musl')]);
    expect(f.map((x) => x.id)).toEqual(['GR-LIBC-002']);
    expect(f[0]?.evidence[0]).toBe('interpreter /lib64/ld-linux-x86-64.so.2');
    expect(check([entry('linux-amd64').file, '--image', img('musl')])).toEqual([]);
  });
  it('with no binary, every Go binary in the image is checked, named by its path in the image', () => {
    const f = check(['--image', img('bullseye')]);
    expect(images.bullseye?.goBinaries).toEqual(['/usr/local/bin/hello-cgo', '/usr/local/bin/hello-stripped']);
    expect(f.map((x) => `${x.id} ${x.subject}`)).toEqual([`GR-LIBC-001 ${img('bullseye')}:/usr/local/bin/hello-cgo`]);
    expect(check(['--image', img('bookworm')]).map((x) => `${x.id} ${x.severity} ${x.subject}`)).toEqual(
      images.bookworm?.goBinaries.filter((b) => b.includes('cgo')).map((b) => `GR-SECCOMP-001 info ${img('bookworm')}:${b}`),
    );
  });
  it('image filesystem over a host snapshot: run-time facts from the host, libc from the image', () => {
    const constrained = new URL('./data/hosts/debian12-constrained-sh.json', import.meta.url).pathname;
    const f = check([entry('linux-amd64-cgo').file, '--image', img('bullseye'), '--host', constrained]);
    expect(f.map((x) => x.id)).toEqual(['GR-LIBC-001', 'GR-CGROUP-001', 'GR-CGROUP-002', 'GR-LIMIT-003']);
    expect(f[0]?.title).toContain('debian12-constrained-sh.json + image bullseye.tar');
    JSON.parse(readFileSync(constrained, 'utf8'));
  });
  it('text output groups several binaries by binary and ends with a summary', () => {
    const r = goready(['check', entry('linux-amd64-cgo').file, entry('linux-amd64-race').file, '--image', img('bullseye')]);
    const heads = r.stdout.split('\n').filter((l) => !l.startsWith('  '));
    expect(heads).toEqual([
      `== ${entry('linux-amd64-cgo').file}`,
      'FATAL GR-LIBC-001 image bullseye.tar lacks symbol versions GLIBC_2.32, GLIBC_2.34',
      '',
      `== ${entry('linux-amd64-race').file}`,
      'FATAL GR-LIBC-001 image bullseye.tar lacks symbol versions GLIBC_2.34, GLIBC_2.32',
      'HIGH GR-BUILD-001 Built with the race detector',
      '',
      '3 findings in 2 binaries: 2 fatal, 1 high',
      '',
    ]);
  });
  it('a bad image: one line, exit 2', () => {
    const r = goready(['check', entry('linux-amd64').file, '--image', entry('linux-amd64').file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^goready: .*linux-amd64: not a tar archive/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
