#!/usr/bin/env node
// Mutation fuzzer for every goready parser: real binaries from the corpus, mutated (truncation,
// bit flips, splices, huge counts and offsets written over header fields), each fed to the full
// inspect pipeline (object reader → build info → pclntab with --functions and files → linkage).
// Every input must end in a report or a clean error (FormatError/UnsupportedError) within a time
// bound and a heap bound; anything else — another exception, a hang, running out of memory — is a
// failure, printed with the seed that reproduces it.
//
//   node scripts/fuzz.mjs [--count N] [--seed S] [--timeout-ms T] [--heap-mb M] [--corpus DIR] [--seeds NAME,…]
//   node scripts/fuzz.mjs --count 1 --seed S --seeds NAME --write FILE   (the input a FAIL line names)
//
// Inputs are not materialised: an overlay source applies the mutations to the ranges the readers
// ask for, so a 100 MB seed costs no copies.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** xorshift32: deterministic, so a failing input is reproduced from its seed alone. */
function rng(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/**
 * Builds the mutation list for one input. Hot spots (headers, the build info blob, the pclntab
 * header, section tables) get most mutations because that is where parsers make decisions.
 */
function mutations(seed, size, hot) {
  const r = rng(seed);
  const pick = (n) => r() % Math.max(1, n);
  const ops = [];
  let newSize = size;
  const n = 1 + pick(6);
  for (let i = 0; i < n; i++) {
    const near = () => {
      if (hot.length && pick(4) !== 0) {
        const h = hot[pick(hot.length)];
        return Math.min(size - 1, Math.max(0, h + pick(256) - 64));
      }
      return pick(size);
    };
    switch (pick(7)) {
      case 0: // truncate
        newSize = Math.min(newSize, pick(4) === 0 ? pick(size) : near());
        break;
      case 1: // flip bits
        ops.push({ off: near(), bytes: [1 << pick(8)], xor: true });
        break;
      case 2: // random bytes
        ops.push({ off: near(), bytes: Array.from({ length: 1 + pick(8) }, () => pick(256)) });
        break;
      case 3: // huge count or offset (32-bit)
        ops.push({
          off: near() & ~3,
          bytes: [
            [0xff, 0xff, 0xff, 0xff],
            [0xff, 0xff, 0xff, 0x7f],
            [0, 0, 0, 0x80],
            [0, 0, 0, 0],
          ][pick(4)],
        });
        break;
      case 4: // huge 64-bit value
        ops.push({ off: near() & ~7, bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, pick(2) ? 0xff : 0x00] });
        break;
      case 5: // splice: copy a block from elsewhere in the file
        ops.push({ off: near(), from: pick(size), len: 1 + pick(4096) });
        break;
      default: // zero a block
        ops.push({ off: near(), bytes: new Array(1 + pick(64)).fill(0) });
    }
  }
  return { ops, size: Math.max(0, newSize) };
}

/** The seed file with the mutations applied to whatever range a reader asks for. */
class OverlaySource {
  constructor(base, m) {
    this.base = base;
    this.m = m;
    this.size = m.size;
  }
  read(offset, length) {
    const end = Math.min(this.size, offset + length);
    if (!(offset >= 0) || offset >= end) return Promise.resolve(new Uint8Array(0));
    const out = this.base.slice(offset, end);
    for (const op of this.m.ops) {
      if (op.from !== undefined) {
        for (let i = 0; i < op.len; i++) {
          const at = op.off + i;
          if (at >= offset && at < end) out[at - offset] = this.base[op.from + i] ?? 0;
        }
      } else {
        for (let i = 0; i < op.bytes.length; i++) {
          const at = op.off + i;
          if (at >= offset && at < end) out[at - offset] = op.xor ? out[at - offset] ^ op.bytes[i] : op.bytes[i];
        }
      }
    }
    return Promise.resolve(out);
  }
}

/** Fuzzes inside a worker so a hang can be cut off and the heap is capped. */
async function worker() {
  const lib = await import(resolve(here, '..', 'dist', 'index.js'));
  const { inspect, FormatError, UnsupportedError } = lib;
  const seeds = workerData.seeds.map((p) => new Uint8Array(readFileSync(p)));
  const hot = workerData.hot;

  parentPort.on('message', async ({ id, seedIndex, seed }) => {
    const base = seeds[seedIndex];
    const m = mutations(seed, base.length, hot[seedIndex]);
    let outcome = 'report';
    try {
      await inspect(new OverlaySource(base, m), { functions: true, files: true });
    } catch (e) {
      if (e instanceof FormatError || e instanceof UnsupportedError) outcome = 'error';
      else {
        parentPort.postMessage({ id, bad: `${e?.name}: ${e?.message}\n${String(e?.stack).split('\n').slice(1, 4).join('\n')}` });
        return;
      }
    }
    parentPort.postMessage({ id, outcome });
  });
  parentPort.postMessage({ ready: true });
}

/** Offsets worth aiming at: the first bytes, and where the unmutated readers found structures. */
async function hotSpots(file) {
  const lib = await import(resolve(here, '..', 'dist', 'index.js'));
  const { FileSource } = await import(resolve(here, '..', 'dist', 'node.js'));
  const src = new FileSource(file);
  const spots = [0, 16, 32, 48, 64];
  try {
    const objs = await lib.openObject(src);
    for (const { obj } of objs) {
      for (const s of obj.sections) if (s.fileSize > 0) spots.push(s.offset);
      const [r] = await lib.inspect(src, {});
      if (r?.pclntab) spots.push(r.pclntab.offset, r.pclntab.offset + 8, r.pclntab.offset + 64);
    }
  } catch {
    // an unreadable seed still gets random mutations
  } finally {
    src.close();
  }
  return spots;
}

async function main() {
  const count = Number(arg('count', '20000'));
  const seed0 = Number(arg('seed', String(Date.now() % 1e9)));
  const timeoutMs = Number(arg('timeout-ms', '10000'));
  const heapMb = Number(arg('heap-mb', '512'));
  const threads = Number(arg('threads', '2'));
  const corpusDir = resolve(arg('corpus', process.env.GOREADY_CORPUS ?? join(here, '..', '.corpus')));
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
  // Small seeds of every format, byte order, word size and Go version keep each input cheap.
  const wanted = arg('seeds', '').split(',').filter(Boolean);
  let seeds = manifest.filter((e) => (wanted.length ? wanted.includes(e.name) : true));
  if (!wanted.length) {
    const bySize = [...seeds].map((e) => ({ e, size: readFileSync(join(corpusDir, e.path)).length })).filter((x) => x.size < 12 << 20);
    seeds = bySize.map((x) => x.e);
  }
  const files = seeds.map((e) => join(corpusDir, e.path));
  const hot = [];
  for (const f of files) hot.push(await hotSpots(f));

  // --write FILE: materialise input 0 (seed --seed, first seed file) to reproduce a failure by hand.
  const out = arg('write', '');
  if (out) {
    const base = new Uint8Array(readFileSync(files[0]));
    const src = new OverlaySource(base, mutations(seed0 >>> 0, base.length, hot[0]));
    writeFileSync(out, await src.read(0, src.size));
    console.log(`fuzz: wrote ${out} (${src.size} bytes) from ${files[0]}`);
    return;
  }

  console.log(`fuzz: ${count} inputs from ${files.length} seeds, seed ${seed0}, ${threads} workers, timeout ${timeoutMs} ms, heap ${heapMb} MB`);
  const started = Date.now();
  const stats = { report: 0, error: 0 };
  const failures = [];
  let next = 0;
  let done = 0;

  await new Promise((finish) => {
    const spawn = () => {
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { seeds: files, hot }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
      let current = null;
      let timer = null;
      const give = () => {
        if (next >= count) {
          w.terminate();
          if (done >= count) finish();
          return;
        }
        const id = next++;
        current = { id, seedIndex: id % files.length, seed: (seed0 + id * 2654435761) >>> 0 };
        timer = setTimeout(() => {
          failures.push({ ...current, file: files[current.seedIndex], why: `no result within ${timeoutMs} ms (hang)` });
          done++;
          w.terminate();
          spawn();
        }, timeoutMs);
        w.postMessage(current);
      };
      w.on('message', (msg) => {
        if (msg.ready) return give();
        clearTimeout(timer);
        done++;
        if (msg.bad) failures.push({ ...current, file: files[current.seedIndex], why: msg.bad });
        else stats[msg.outcome]++;
        if (done % 5000 === 0) console.log(`fuzz: ${done}/${count}`);
        if (done >= count) finish();
        give();
      });
      w.on('error', (e) => {
        clearTimeout(timer);
        if (current) {
          failures.push({ ...current, file: files[current.seedIndex], why: `worker died: ${e.message}` });
          done++;
        }
        if (done >= count) finish();
        else spawn();
      });
    };
    for (let i = 0; i < threads; i++) spawn();
  });

  const secs = (Date.now() - started) / 1000;
  console.log(
    `fuzz: ${done} inputs in ${secs.toFixed(1)} s (${Math.round(done / secs)}/s): ${stats.report} reports, ${stats.error} clean errors, ${failures.length} failures`,
  );
  for (const f of failures.slice(0, 20)) console.log(`FAIL seed=${f.seed} input=${f.file}: ${f.why}`);
  process.exit(failures.length ? 1 : 0);
}

if (isMainThread) main();
else worker();
