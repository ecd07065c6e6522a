#!/usr/bin/env node
// Mutation fuzzer for every goready parser: real binaries from the corpus, mutated, each fed to
// the full inspect pipeline (object reader → build info → pclntab with --functions and files →
// linkage). Every input must end in a report or a clean error (FormatError/UnsupportedError)
// within a time bound and a heap bound; anything else — another exception, a hang, running out of
// memory — is a failure, printed with the seed that reproduces it.
//
// Two kinds of mutation (--mode; default mixed, half each):
//   bytes   truncation, bit flips, splices, huge counts and offsets written near hot spots;
//   fields  structure-aware (scripts/fuzz/fields.mjs): the counts, offsets, sizes, links and chain
//           pointers of ELF/Mach-O/PE headers, verneed, .dynamic, build info and pclntab located in
//           the seed and given values chosen for their kind, plus the shapes of issue 15
//           (self-referencing verneed chains with counts of 65535, 65535 segments, a functab of one
//           _func, pc-value streams that never advance, varint lengths past the file, self-similar
//           runs of records).
// Formats (ELF, PE, Mach-O) run one after another with --count inputs each; each gets a line with
// its inputs per second, outcomes, slowest input and the process's peak RSS while it ran.
//
//   node scripts/fuzz.mjs [--count N] [--seed S] [--mode bytes|fields|mixed] [--formats elf,pe,macho]
//                         [--timeout-ms T] [--slow-ms 10000] [--heap-mb M] [--corpus DIR] [--seeds NAME,…] [--max-seed-mb 12]
//   node scripts/fuzz.mjs --count 1 --seed S --seeds NAME --write FILE   (the input a FAIL line names)
//
// Inputs are not materialised: an overlay source applies the mutations to the ranges the readers
// ask for, so a 100 MB seed costs no copies.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { arg, rng } from './fuzz/cli.mjs';
import { binaryFields, fieldMutations } from './fuzz/fields.mjs';

const here = dirname(fileURLToPath(import.meta.url));

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

/** One input: byte-level or structure-aware by --mode (mixed: the seed decides). */
function inputFor(seed, base, hot, fields, mode) {
  const structured = mode === 'fields' || (mode === 'mixed' && seed % 2 === 1);
  if (structured && fields.length) return { ...fieldMutations(rng(seed), fields, base), mode: 'fields' };
  return { ...mutations(seed, base.length, hot), mode: 'bytes' };
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
      if (op.repeat || op.pattern) {
        // A record (or byte pattern) repeated over [off, off+len): the self-similar shapes.
        const lo = Math.max(offset, op.off);
        const hi = Math.min(end, op.off + op.len);
        for (let at = lo; at < hi; at++) {
          const k = at - op.off;
          out[at - offset] = op.pattern ? op.pattern[k % op.pattern.length] : (this.base[op.repeat.from + (k % op.repeat.period)] ?? 0);
        }
      } else if (op.from !== undefined) {
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
  const fields = seeds.map((b, i) => binaryFields(b, { pclntab: workerData.pclntab[i] }));

  parentPort.on('message', async ({ id, seedIndex, seed }) => {
    const base = seeds[seedIndex];
    const m = inputFor(seed, base, hot[seedIndex], fields[seedIndex], workerData.mode);
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
    parentPort.postMessage({ id, outcome, mode: m.mode });
  });
  parentPort.postMessage({ ready: true });
}

/** Offsets worth aiming at (the first bytes, and where the unmutated readers found structures) and the pclntab's offset. */
async function hotSpots(file) {
  const lib = await import(resolve(here, '..', 'dist', 'index.js'));
  const { FileSource } = await import(resolve(here, '..', 'dist', 'node.js'));
  const src = new FileSource(file);
  const spots = [0, 16, 32, 48, 64];
  let pclntab = null;
  try {
    const objs = await lib.openObject(src);
    for (const { obj } of objs) {
      for (const s of obj.sections) if (s.fileSize > 0) spots.push(s.offset);
      const [r] = await lib.inspect(src, {});
      if (r?.pclntab) {
        spots.push(r.pclntab.offset, r.pclntab.offset + 8, r.pclntab.offset + 64);
        pclntab ??= r.pclntab.offset;
      }
    }
  } catch {
    // an unreadable seed still gets random mutations
  } finally {
    src.close();
  }
  return { spots, pclntab };
}

const FORMAT_OF = { windows: 'pe', darwin: 'macho', ios: 'macho' };
/** The object format of a corpus entry, by its GOOS. */
const formatOf = (e) => FORMAT_OF[e.goos] ?? 'elf';

/** Peak RSS of this process (workers included) while `fn` runs, sampled every 50 ms. */
async function withPeakRss(fn) {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const result = await fn();
    return { result, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(t);
  }
}

async function main() {
  const count = Number(arg('count', '20000'));
  const seed0 = Number(arg('seed', String(Date.now() % 1e9)));
  const timeoutMs = Number(arg('timeout-ms', '10000'));
  // Inputs slower than this are counted (a hang is one past --timeout-ms).
  const slowMs = Number(arg('slow-ms', '10000'));
  const heapMb = Number(arg('heap-mb', '512'));
  const threads = Number(arg('threads', '2'));
  const mode = arg('mode', 'mixed');
  if (!['bytes', 'fields', 'mixed'].includes(mode)) throw new Error(`--mode ${mode}: bytes, fields or mixed`);
  const corpusDir = resolve(arg('corpus', process.env.GOREADY_CORPUS ?? join(here, '..', '.corpus')));
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
  // Small seeds of every format, byte order, word size and Go version keep each input cheap.
  const wanted = arg('seeds', '').split(',').filter(Boolean);
  let seeds = manifest.filter((e) => (wanted.length ? wanted.includes(e.name) : true));
  if (!wanted.length) {
    const bySize = [...seeds]
      .map((e) => ({ e, size: readFileSync(join(corpusDir, e.path)).length }))
      .filter((x) => x.size < Number(arg('max-seed-mb', '12')) * 2 ** 20);
    seeds = bySize.map((x) => x.e);
  }
  const formats = arg('formats', 'elf,pe,macho').split(',').filter(Boolean);

  // --write FILE: materialise input 0 (seed --seed, first seed file) to reproduce a failure by hand.
  const out = arg('write', '');
  if (out) {
    const file = join(corpusDir, seeds[0].path);
    const { spots, pclntab } = await hotSpots(file);
    const base = new Uint8Array(readFileSync(file));
    const m = inputFor(seed0 >>> 0, base, spots, binaryFields(base, { pclntab }), mode);
    const src = new OverlaySource(base, m);
    writeFileSync(out, await src.read(0, src.size));
    console.log(`fuzz: wrote ${out} (${src.size} bytes, ${m.mode} mutation) from ${file}`);
    return;
  }

  console.log(
    `fuzz: ${count} inputs a format (${formats.join(', ')}), mode ${mode}, seed ${seed0}, ${threads} workers, timeout ${timeoutMs} ms, heap ${heapMb} MB`,
  );
  let failed = 0;
  let total = 0;
  for (const format of formats) {
    const entries = seeds.filter((e) => formatOf(e) === format);
    if (!entries.length) continue;
    const files = entries.map((e) => join(corpusDir, e.path));
    const hot = [];
    const pclntab = [];
    for (const f of files) {
      const h = await hotSpots(f);
      hot.push(h.spots);
      pclntab.push(h.pclntab);
    }
    const { result: r, peak } = await withPeakRss(() => runFormat({ files, hot, pclntab, count, seed0, timeoutMs, slowMs, heapMb, threads, mode }));
    const secs = r.ms / 1000;
    const slow = r.slowest;
    console.log(
      `fuzz: ${format}: ${r.done} inputs from ${files.length} seeds (${r.byMode.bytes} bytes, ${r.byMode.fields} fields) in ${secs.toFixed(1)} s (${Math.round(r.done / secs)}/s): ` +
        `${r.stats.report} reports, ${r.stats.error} clean errors, ${r.failures.length} failures; ${r.slow.length} over ${slowMs} ms${r.slow.length ? ` (seeds ${r.slow.slice(0, 5).join(' ')})` : ''}; slowest ${slow ? `${slow.ms} ms (seed=${slow.seed} input=${slow.file})` : '-'}; peak RSS ${Math.round(peak / 2 ** 20)} MB (${Math.round(r.baseline / 2 ** 20)} MB before the first input)`,
    );
    for (const f of r.failures.slice(0, 20)) console.log(`FAIL seed=${f.seed} input=${f.file}: ${f.why}`);
    failed += r.failures.length;
    total += r.done;
  }
  console.log(`fuzz: ${total} inputs, ${failed} failures`);
  process.exit(failed ? 1 : 0);
}

/** Runs `count` inputs over the seeds of one format in a pool of workers, each input timed. */
function runFormat({ files, hot, pclntab, count, seed0, timeoutMs, slowMs, heapMb, threads, mode }) {
  const started = Date.now();
  const stats = { report: 0, error: 0 };
  const byMode = { bytes: 0, fields: 0 };
  const failures = [];
  let slowest = null;
  const slow = [];
  // RSS once every worker has loaded (its seeds): what the inputs add is above this.
  let ready = 0;
  let baseline = 0;
  let next = 0;
  let done = 0;
  return new Promise((finish) => {
    const end = () => finish({ done, slow, baseline, stats, byMode, failures, slowest, ms: Date.now() - started });
    const spawn = () => {
      const w = new Worker(fileURLToPath(import.meta.url), {
        workerData: { seeds: files, hot, pclntab, mode },
        resourceLimits: { maxOldGenerationSizeMb: heapMb },
      });
      let current = null;
      let timer = null;
      let t0 = 0;
      const give = () => {
        if (next >= count) {
          w.terminate();
          if (done >= count) end();
          return;
        }
        const id = next++;
        current = { id, seedIndex: id % files.length, seed: (seed0 + id * 2654435761) >>> 0 };
        timer = setTimeout(() => {
          failures.push({ ...current, file: files[current.seedIndex], why: `no result within ${timeoutMs} ms (hang)` });
          done++;
          current = null;
          w.terminate();
          if (done >= count) end();
          else spawn();
        }, timeoutMs);
        t0 = Date.now();
        w.postMessage(current);
      };
      w.on('message', (msg) => {
        if (msg.ready) {
          if (++ready === threads) baseline = process.memoryUsage.rss();
          return give();
        }
        clearTimeout(timer);
        const ms = Date.now() - t0;
        done++;
        if (ms > slowMs) slow.push(current.seed);
        if (!slowest || ms > slowest.ms) slowest = { ms, seed: current.seed, file: files[current.seedIndex] };
        if (msg.bad) failures.push({ ...current, file: files[current.seedIndex], why: msg.bad });
        else {
          stats[msg.outcome]++;
          byMode[msg.mode]++;
        }
        if (done % 5000 === 0) console.log(`fuzz: ${done}/${count}, ${failures.length} failures, ${Math.round(done / ((Date.now() - started) / 1000))}/s`);
        if (done >= count) end();
        give();
      });
      w.on('error', (e) => {
        clearTimeout(timer);
        if (current) {
          failures.push({ ...current, file: files[current.seedIndex], why: `worker died: ${e.message}` });
          done++;
          current = null;
        }
        if (done >= count) end();
        else spawn();
      });
    };
    for (let i = 0; i < threads; i++) spawn();
  });
}

if (isMainThread) main();
else worker();
