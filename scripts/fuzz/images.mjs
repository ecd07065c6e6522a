#!/usr/bin/env node
// Structure-aware fuzzer for the image and snapshot readers (issue 15): each input is built, not
// only mutated — a docker-save or OCI layout tarball (scripts/fuzz/shapes.mjs) from a mutated
// spec (layer entries with hostile names, links, types and sizes; manifests naming layers many
// times, nested and self-referencing indexes, wrong media types, sizes and digests; ld.so.conf
// include loops), then tar header fields overwritten (size, typeflag, mode, name, magic, with and
// without a valid checksum) — or a host snapshot with values swapped for huge arrays, long
// strings, deep nesting and wrong types. Every input must end in a result or one line naming the
// file, within the time bound and the heap cap; anything else is a failure, printed with its seed.
//
// Inputs run over --threads worker processes (pool.mjs): a hang is killed at --timeout-ms, an
// input taking a worker past --rss-mb is a failure, failing inputs are moved to --save DIR.
//
//   node scripts/fuzz/images.mjs [--count N] [--seed S] [--formats docker,oci,snapshot]
//                                [--timeout-ms T] [--slow-ms 10000] [--heap-mb M] [--rss-mb 500] [--threads 2] [--save DIR]
//                                [--minutes M,…]   (no input of a format starts after its minutes)
//   node scripts/fuzz/images.mjs --seed S --formats F --write FILE   (the input a FAIL line names)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { arg, knownFlags, RUN_FLAGS, rng, runFlags } from './cli.mjs';
import { isWorker, runPool, serve, started, stopwatch, workerData } from './pool.mjs';
import { concat, dockerSave, elfStub, fixChecksum, ociLayout, sha256, tar } from './shapes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const enc = new TextEncoder();

/** Entry names and link targets that escape, loop, or exceed PATH_MAX/NAME_MAX. */
const HOSTILE_NAMES = [
  '../../etc/passwd',
  '/etc/shadow',
  'usr/lib/../../../../x',
  `${'d/'.repeat(2100)}f`,
  `${'n'.repeat(300)}/f`,
  'usr/lib/libcrafted.so.1/child',
  './',
  '',
  'etc/ld.so.conf',
  'lib/libloop.so',
  'usr/bin/app',
];
const HOSTILE_LINKS = ['.', '..', '/', '../../..', 'lib', 'usr/lib', '/lib/libloop.so', 'usr/bin/app2', `${'../'.repeat(500)}etc`, 'libcrafted.so'];

/** The entries of smallLayer, mutated: renamed, retyped, relinked, duplicated, multiplied. */
function layerEntries(r) {
  const pick = (xs) => xs[r() % xs.length];
  const base = [
    { name: 'etc/', type: 'dir' },
    { name: 'etc/os-release', data: enc.encode('ID=crafted\nVERSION_ID=1\n') },
    { name: 'etc/ld.so.conf', data: enc.encode('include /etc/ld.so.conf.d/*.conf\n') },
    { name: 'etc/ld.so.conf.d/', type: 'dir' },
    { name: 'etc/ld.so.conf.d/x.conf', data: enc.encode('/opt/lib\n') },
    { name: 'usr/lib/libcrafted.so.1', data: elfStub(256) },
    { name: 'usr/lib/libcrafted.so', type: 'symlink', linkname: 'libcrafted.so.1' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'usr/bin/app', data: elfStub(512), mode: 0o755 },
    { name: 'usr/bin/app2', type: 'hardlink', linkname: 'usr/bin/app' },
  ];
  const n = r() % 6;
  for (let i = 0; i < n; i++) {
    const e = base[r() % base.length];
    switch (r() % 9) {
      case 0:
        e.name = pick(HOSTILE_NAMES);
        break;
      case 1:
        e.type = pick(['symlink', 'hardlink']);
        e.linkname = pick(HOSTILE_LINKS);
        delete e.data;
        break;
      case 2:
        e.type = pick(['file', 'dir', 'symlink', 'hardlink']);
        break;
      case 3:
        // ld.so.conf including itself and a directory of files that include each other.
        base.push(
          { name: 'etc/ld.so.conf', data: enc.encode('include /etc/ld.so.conf\ninclude /etc/ld.so.conf.d/*.conf\n') },
          ...Array.from({ length: 1 + (r() % 4) }, (_, k) => ({
            name: `etc/ld.so.conf.d/${k}.conf`,
            data: enc.encode('include /etc/ld.so.conf.d/*.conf\n/usr/lib\n'),
          })),
        );
        break;
      case 4:
        // A symlink loop, and a library path through it.
        base.push(
          { name: 'usr/lib/a', type: 'symlink', linkname: 'b' },
          { name: 'usr/lib/b', type: 'symlink', linkname: 'a' },
          { name: 'etc/ld.so.conf.d/loop.conf', data: enc.encode('/usr/lib/a\n') },
        );
        break;
      case 5: {
        // Many entries: directories, or one name repeated.
        const k = 1 + (r() % 5000);
        const same = r() % 2;
        for (let j = 0; j < k; j++) base.push(same ? { name: 'usr/lib/libcrafted.so.1', data: elfStub(64) } : { name: `d${j % 64}/e${j}/`, type: 'dir' });
        break;
      }
      case 6:
        // A file whose data is larger than small, compressible (the bytes limit's food).
        base.push({
          name: 'usr/bin/big',
          data: (() => {
            const b = new Uint8Array(1 << (16 + (r() % 8)));
            b.set(elfStub(64));
            return b;
          })(),
          mode: 0o755,
        });
        break;
      case 7:
        e.name = `${e.name}${'/x'.repeat(r() % 64)}`;
        break;
      default:
        base.push({ ...e });
    }
  }
  return base;
}

/** Offsets of the 512-byte blocks that hold a ustar magic. */
function headers(t) {
  const out = [];
  for (let o = 0; o + 512 <= t.length; o += 512) if (t[o + 257] === 0x75 && t[o + 258] === 0x73 && t[o + 259] === 0x74) out.push(o);
  return out;
}

/** Tar header fields overwritten: size (octal, base-256, past the archive), typeflag, mode, name, magic. */
function mutateHeaders(t, r) {
  const hs = headers(t);
  const n = r() % 4;
  for (let i = 0; i < n && hs.length; i++) {
    const h = hs[r() % hs.length];
    const field = r() % 6;
    if (field === 0) {
      const v = [`${'7'.repeat(11)}\0`, '00000001000\0', '99999999999\0', `${(t.length * 4).toString(8).padStart(11, '0')}\0`][r() % 4];
      t.set(enc.encode(v), h + 124);
      if (r() % 4 === 0) {
        t[h + 124] = 0x80 | (r() % 2 ? 0x7f : 0);
        t.fill(0xff, h + 125, h + 136);
      }
    } else if (field === 1) t[h + 156] = enc.encode('0123456KLxgSV\0')[r() % 14];
    else if (field === 2) t.set(enc.encode(['7777777\0', '0000000\0', 'zzzzzzz\0'][r() % 3]), h + 100);
    else if (field === 3) t.fill(0x41, h, h + 100);
    else if (field === 4) t.set(enc.encode(['ustar\0', 'ustar ', 'xxxxx\0'][r() % 3]), h + 257);
    else t.fill(r() % 256, h + 345, h + 500);
    if (r() % 5) fixChecksum(t.subarray(h, h + 512));
  }
  return t;
}

/** A docker-save tarball: layers named many times, missing or escaping members, odd manifests. */
function dockerInput(r) {
  const layers = Array.from({ length: 1 + (r() % 3) }, () => tar(layerEntries(r)));
  const reps = r() % 4 === 0 ? 1 + (r() % 600) : 1;
  const order = Array.from({ length: layers.length * reps }, (_, i) => i % layers.length);
  let t = dockerSave(layers, { order, compress: r() % 2 ? 'gzip' : null });
  if (r() % 4 === 0) {
    // manifest.json replaced by one naming members that escape or do not exist.
    const bad = [
      [{ Config: '../../etc/passwd', Layers: ['x'] }],
      [{ Config: 'manifest.json', Layers: Array.from({ length: 3000 }, () => 'manifest.json') }],
      { Config: 1 },
      [],
      Array.from({ length: 500 }, () => ({ Config: 'a', Layers: [] })),
    ][r() % 5];
    t = concat([t.subarray(0, t.length - 1024), tar([{ name: 'manifest.json', data: enc.encode(JSON.stringify(bad)) }])]);
  }
  return mutateHeaders(t, r);
}

/** An OCI layout: nested and self-referencing indexes, wrong media types, sizes and digests. */
function ociInput(r) {
  const raw = tar(layerEntries(r));
  const gz = r() % 2 === 0;
  const layer = gz ? gzipSync(raw, { level: 1 }) : raw;
  const mediaType = [
    gz ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
    'application/vnd.oci.image.layer.v1.tar+zstd',
    'application/vnd.oci.image.layer.v1.tar+gzip',
    'application/octet-stream',
  ][r() % 4 === 0 ? 1 + (r() % 3) : 0];
  const nest = r() % 3 === 0 ? { depth: 1 + (r() % 4), fanout: 1 + (r() % 50) } : null;
  // An index that lists its own digest: no content hashes to it, so only a reader that trusts the
  // name follows the loop.
  const selfDigest = 'a'.repeat(64);
  const selfIndex = enc.encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${selfDigest}`, size: 200 }],
    }),
  );
  let t = ociLayout([layer], { uncompressed: [raw], mediaTypes: [mediaType], nest });
  if (r() % 5 === 0) {
    const index = {
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${selfDigest}`, size: selfIndex.length }],
    };
    t = concat([
      t.subarray(0, t.length - 1024),
      tar([
        { name: `blobs/sha256/${selfDigest}`, data: selfIndex },
        { name: 'index.json', data: enc.encode(JSON.stringify(index)) },
      ]),
    ]);
  }
  if (r() % 6 === 0) {
    // A layer blob named by another's digest (the content does not match it).
    t = concat([t.subarray(0, t.length - 1024), tar([{ name: `blobs/sha256/${sha256(raw)}`, data: elfStub(1000) }])]);
  }
  return mutateHeaders(t, r);
}

/** A captured snapshot with values swapped for hostile ones at random paths. */
function snapshotInput(r, snap) {
  const s = structuredClone(snap);
  const paths = [];
  const walk = (v, path) => {
    if (path.length > 6) return;
    if (v && typeof v === 'object') for (const k of Object.keys(v).slice(0, 50)) walk(v[k], [...path, k]);
    paths.push(path);
  };
  walk(s, []);
  const n = 1 + (r() % 4);
  for (let i = 0; i < n; i++) {
    const path = paths[r() % paths.length];
    if (!path.length) continue;
    let parent = s;
    for (const k of path.slice(0, -1)) parent = parent?.[k];
    // An earlier swap may have replaced what this path went through.
    if (!parent || typeof parent !== 'object') continue;
    const key = path.at(-1);
    // Nesting too deep to build as objects: a marker, replaced in the text below.
    const deep = () => `__DEEP_${1 + (r() % 20000)}__`;
    parent[key] = [
      () => null,
      () => -1,
      () => 2 ** 64,
      () => '',
      () => 'x'.repeat(1 << (10 + (r() % 14))),
      () => Array.from({ length: 1 + (r() % 200_000) }, (_, j) => `/usr/lib/lib${j}.so`),
      () => ({}),
      () => [parent[key], parent[key]],
      deep,
      () => '\x1b]0;owned\x07\nFATAL GR-FAKE-999',
    ][r() % 10]();
  }
  const text = JSON.stringify(s).replace(/"__DEEP_(\d+)__"/g, (_, k) => `${'['.repeat(Number(k))}1${']'.repeat(Number(k))}`);
  const bytes = enc.encode(text);
  // Sometimes cut short or with a byte flipped: JSON the parser must refuse.
  if (r() % 8 === 0) return bytes.subarray(0, r() % bytes.length);
  return bytes;
}

const SNAPSHOT = resolve(here, '..', '..', 'test', 'data', 'hosts', 'debian12-constrained-sh.json');

/** The input for one seed of one format. */
function inputFor(format, seed) {
  const r = rng(seed);
  if (format === 'docker') return dockerInput(r);
  if (format === 'oci') return ociInput(r);
  return snapshotInput(r, JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
}

/** Messages that are JavaScript's, not goready's: a reader let an internal error through. */
const INTERNAL =
  /Cannot read propert|is not a function|is not iterable|Cannot convert|Invalid (array|string) length|Maximum call stack|ENAMETOOLONG|EMFILE|\bundefined\b|\[object Object\]|\bNaN\b/;

/** A pool worker: writes each input to the shared directory and opens it; a failing input is left there for the parent to save. */
function worker() {
  const { dir } = workerData();
  return serve(
    async () => import(resolve(here, '..', '..', 'dist', 'node.js')),
    async (lib, task) => {
      const { id, format, seed } = task;
      const file = inputFile(dir, id, format);
      writeFileSync(file, inputFor(format, seed));
      started(task);
      let outcome = 'result';
      let kind = '';
      // The reader's time alone: building a 10 MB input is the fuzzer's cost, not goready's.
      const time = stopwatch();
      try {
        if (format === 'snapshot') lib.readSnapshot(file);
        else await (await lib.openImage(file)).close();
      } catch (e) {
        const msg = String(e?.message ?? e);
        // One line naming the file, in words: a JavaScript error passed through is a failure.
        if (!(msg.startsWith(`${file}: `) && !msg.includes('\n') && !INTERNAL.test(msg)))
          return { bad: `${e?.name}: ${msg.slice(0, 300)}\n${String(e?.stack).split('\n').slice(1, 4).join('\n')}` };
        outcome = 'error';
        kind = msg
          .slice(file.length + 2)
          .replace(/[0-9a-f]{64}/g, 'H')
          .replace(/\d+/g, 'N')
          .slice(0, 90);
      }
      const t = time();
      rmSync(file, { force: true });
      return { outcome, kind, ...t };
    },
  );
}

const inputFile = (dir, id, format) => join(dir, `in-${id}.${format === 'snapshot' ? 'json' : 'tar'}`);

function* taskOrder(format, count, seed0) {
  for (let id = 0; id < count; id++) yield { id, format, seed: (seed0 + id * 2654435761) >>> 0 };
}

async function main() {
  knownFlags('scripts/fuzz/images.mjs', [...RUN_FLAGS, 'formats', 'write', 'errors']);
  const { count, seed0, timeoutMs, slowMs, heapMb, rssMb, threads, deadline, saveDir } = runFlags('1000');
  const formats = arg('formats', 'docker,oci,snapshot').split(',').filter(Boolean);
  for (const f of formats) if (!['docker', 'oci', 'snapshot'].includes(f)) throw new Error(`--formats ${f}: docker, oci or snapshot`);
  const out = arg('write', '');
  if (out) {
    writeFileSync(out, inputFor(formats[0], seed0 >>> 0));
    console.log(`fuzz: wrote ${out} (${formats[0]}, seed ${seed0})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'goready-fuzz-images-'));
  console.log(`fuzz: ${count} inputs a format (${formats.join(', ')}), seed ${seed0}, ${threads} workers, timeout ${timeoutMs} ms of CPU, heap ${heapMb} MB`);
  let failed = 0;
  let total = 0;
  try {
    for (const format of formats) {
      const stats = { result: 0, error: 0 };
      const kinds = new Map();
      const r = await runPool({
        script: fileURLToPath(import.meta.url),
        data: { dir },
        heapMb,
        rssMb,
        deadline: deadline(formats.indexOf(format)),
        buildsInput: true,
        threads,
        timeoutMs,
        slowMs,
        tasks: taskOrder(format, count, seed0),
        onResult: (_, msg) => {
          stats[msg.outcome]++;
          if (msg.kind) kinds.set(msg.kind, (kinds.get(msg.kind) ?? 0) + 1);
        },
        onFailure: (task) => {
          const from = inputFile(dir, task.id, format);
          if (!existsSync(from)) return;
          mkdirSync(saveDir, { recursive: true });
          task.saved = join(saveDir, `${format}-${task.seed}${extname(from)}`);
          renameSync(from, task.saved);
        },
        progress: (done, failures, ms) => {
          if (done % 1000 === 0) console.log(`fuzz: ${format}: ${done}/${count}, ${failures} failures, ${Math.round(done / (ms / 1000))}/s`);
        },
      });
      const secs = r.ms / 1000;
      const seedOf = (t) => `seed=${t.seed}`;
      console.log(
        `fuzz: ${format}: ${r.done} inputs in ${secs.toFixed(1)} s (${Math.round(r.done / secs)}/s; ${(r.cpuTotal / 1000).toFixed(1)} s of CPU in goready): ${stats.result} results, ${stats.error} clean errors, ${r.failures.length} failures; ${r.slow.length} over ${slowMs} ms of CPU${r.slow.length ? ` (${r.slow.slice(0, 5).map(seedOf).join(' ')})` : ''}; ` +
          `slowest ${r.slowest ? `${r.slowest.cpu} ms CPU, ${r.slowest.ms} ms wall (${seedOf(r.slowest.task)})` : '-'}${r.slowestWall && r.slowestWall.task !== r.slowest?.task ? `, slowest by wall ${r.slowestWall.ms} ms (${r.slowestWall.cpu} ms CPU, ${seedOf(r.slowestWall.task)})` : ''}; peak RSS of a worker ${Math.round(r.peak / 2 ** 20)} MB (${Math.round(r.startRss / 2 ** 20)} MB before its first input)`,
      );
      for (const f of r.failures.slice(0, 20)) console.log(`FAIL format=${format} seed=${f.seed}${f.saved ? ` saved=${f.saved}` : ''}: ${f.why}`);
      // --errors: the commonest one-line errors (numbers and digests folded), to see what the inputs reach.
      if (process.argv.includes('--errors')) for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${n}\t${k}`);
      failed += r.failures.length;
      total += r.done;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`fuzz: ${total} inputs, ${failed} failures`);
  process.exit(failed ? 1 : 0);
}

if (isWorker()) worker();
else main();
