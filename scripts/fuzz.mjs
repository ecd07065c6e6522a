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
// Formats (ELF, PE, Mach-O) run one after another with --count inputs each, over --threads worker
// processes (scripts/fuzz/pool.mjs: a hang is killed at --timeout-ms, an input taking a worker past
// --rss-mb is a failure); each format gets a line with its inputs per second, outcomes, slowest
// input and the workers' peak RSS (the analysing processes', not the harness's). Failing inputs are
// written to --save DIR.
//
//   node scripts/fuzz.mjs [--count N] [--seed S] [--mode bytes|fields|mixed] [--formats elf,pe,macho] [--threads 2]
//                         [--timeout-ms T] [--slow-ms 10000] [--heap-mb M] [--rss-mb 500] [--corpus DIR]
//                         [--seeds NAME,…] [--max-seed-mb 12] [--save DIR] [--minutes M,…]
//   node scripts/fuzz.mjs --count 1 --seed S --seeds NAME --write FILE   (the input a FAIL line names)
//
// Inputs are not materialised: an overlay source applies the mutations to the ranges the readers
// ask for, so a 100 MB seed costs no copies.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, knownFlags, RUN_FLAGS, rng, runFlags } from './fuzz/cli.mjs';
import { binaryFields, fieldMutations } from './fuzz/fields.mjs';
import { isWorker, runPool, serve, stopwatch, workerData } from './fuzz/pool.mjs';

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

/** The seed files a worker holds at once: tasks come in runs of one seed (taskOrder), so two suffice. */
const SEEDS_HELD = 2;

/** A seed file with what its mutations aim at: its bytes, hot spots and fields. */
async function loadSeed(lib, file) {
  const base = new Uint8Array(readFileSync(file));
  const { spots, pclntab } = await hotSpots(lib, file);
  return { base, hot: spots, fields: binaryFields(base, { pclntab }) };
}

/** The input a task names, materialised (to save a failing one, or for --write). */
async function materialise(lib, file, seed, mode) {
  const { base, hot, fields } = await loadSeed(lib, file);
  const m = inputFor(seed, base, hot, fields, mode);
  const src = new OverlaySource(base, m);
  return { bytes: await src.read(0, src.size), mode: m.mode };
}

/** A pool worker: loads seeds as their tasks arrive (at most SEEDS_HELD at a time) and inspects each input. */
function worker() {
  const { files, mode } = workerData();
  return serve(
    async () => ({ lib: await import(resolve(here, '..', 'dist', 'index.js')), held: new Map() }),
    async (state, { seedIndex, seed }) => {
      const { lib, held } = state;
      let s = held.get(seedIndex);
      if (!s) {
        if (held.size >= SEEDS_HELD) held.delete(held.keys().next().value);
        s = await loadSeed(lib, files[seedIndex]);
        held.set(seedIndex, s);
      }
      const m = inputFor(seed, s.base, s.hot, s.fields, mode);
      const time = stopwatch();
      try {
        await lib.inspect(new OverlaySource(s.base, m), { functions: true, files: true });
        return { outcome: 'report', mode: m.mode, ...time() };
      } catch (e) {
        if (e instanceof lib.FormatError || e instanceof lib.UnsupportedError) return { outcome: 'error', mode: m.mode, ...time() };
        return { bad: `${e?.name}: ${e?.message}\n${String(e?.stack).split('\n').slice(1, 4).join('\n')}` };
      }
    },
  );
}

/** Offsets worth aiming at (the first bytes, and where the unmutated readers found structures) and the pclntab's offset. */
async function hotSpots(lib, file) {
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

/**
 * Task ids in runs of RUN inputs of one seed, cycling over the seeds: a worker holds one or two
 * seeds, not all of them, and loads each once in a short run (a seed costs about what 10 inputs
 * do); a long run stopped early has still reached every seed every 500 inputs a seed. Input `id` is always
 * seed `id % seeds` with the random seed of `id`, whatever the order.
 */
function* taskOrder(count, seeds, seed0, run = Math.min(500, Math.max(50, Math.ceil(count / seeds)))) {
  for (let base = 0; base < count; base += run * seeds)
    for (let s = 0; s < seeds; s++)
      for (let j = 0; j < run; j++) {
        const id = base + j * seeds + s;
        if (id < count) yield { id, seedIndex: id % seeds, seed: (seed0 + id * 2654435761) >>> 0 };
      }
}

const FORMAT_OF = { windows: 'pe', darwin: 'macho', ios: 'macho' };
/** The object format of a corpus entry, by its GOOS. */
const formatOf = (e) => FORMAT_OF[e.goos] ?? 'elf';

async function main() {
  knownFlags('scripts/fuzz.mjs', [...RUN_FLAGS, 'mode', 'corpus', 'seeds', 'max-seed-mb', 'formats', 'write']);
  const { count, seed0, timeoutMs, slowMs, heapMb, rssMb, threads, deadline, saveDir } = runFlags('20000');
  const mode = arg('mode', 'mixed');
  if (!['bytes', 'fields', 'mixed'].includes(mode)) throw new Error(`--mode ${mode}: bytes, fields or mixed`);
  const corpusDir = resolve(arg('corpus', process.env.GOREADY_CORPUS ?? join(here, '..', '.corpus')));
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
  // Small seeds of every format, byte order, word size and Go version keep each input cheap.
  const wanted = arg('seeds', '').split(',').filter(Boolean);
  let seeds = manifest.filter((e) => (wanted.length ? wanted.includes(e.name) : true));
  if (!wanted.length) seeds = seeds.filter((e) => statSync(join(corpusDir, e.path)).size < Number(arg('max-seed-mb', '12')) * 2 ** 20);
  const formats = arg('formats', 'elf,pe,macho').split(',').filter(Boolean);

  // --write FILE: materialise input 0 (seed --seed, first seed file) to reproduce a failure by hand.
  const out = arg('write', '');
  if (out) {
    const file = join(corpusDir, seeds[0].path);
    const { bytes, mode: kind } = await materialise(await import(resolve(here, '..', 'dist', 'index.js')), file, seed0 >>> 0, mode);
    writeFileSync(out, bytes);
    console.log(`fuzz: wrote ${out} (${bytes.length} bytes, ${kind} mutation) from ${file}`);
    return;
  }

  console.log(
    `fuzz: ${count} inputs a format (${formats.join(', ')}), mode ${mode}, seed ${seed0}, ${threads} workers, timeout ${timeoutMs} ms of CPU, heap ${heapMb} MB`,
  );
  let failed = 0;
  let total = 0;
  for (const format of formats) {
    const entries = seeds.filter((e) => formatOf(e) === format);
    if (!entries.length) continue;
    const files = entries.map((e) => join(corpusDir, e.path));
    const stats = { report: 0, error: 0 };
    const byMode = { bytes: 0, fields: 0 };
    const saving = [];
    const r = await runPool({
      script: fileURLToPath(import.meta.url),
      data: { files, mode },
      heapMb,
      rssMb,
      deadline: deadline(formats.indexOf(format)),
      threads,
      timeoutMs,
      slowMs,
      tasks: taskOrder(count, files.length, seed0),
      onResult: (_, msg) => {
        stats[msg.outcome]++;
        byMode[msg.mode]++;
      },
      onFailure: (task) => saving.push(task),
      progress: (done, failures, ms) => {
        if (done % 5000 === 0) console.log(`fuzz: ${format}: ${done}/${count}, ${failures} failures, ${Math.round(done / (ms / 1000))}/s`);
      },
    });
    const secs = r.ms / 1000;
    const slow = r.slowest;
    const name = (t) => `seed=${t.seed} input=${files[t.seedIndex]}`;
    console.log(
      `fuzz: ${format}: ${r.done} inputs from ${files.length} seeds (${byMode.bytes} bytes, ${byMode.fields} fields) in ${secs.toFixed(1)} s (${Math.round(r.done / secs)}/s; ${(r.cpuTotal / 1000).toFixed(1)} s of CPU in goready): ` +
        `${stats.report} reports, ${stats.error} clean errors, ${r.failures.length} failures; ${r.slow.length} over ${slowMs} ms of CPU${r.slow.length ? ` (${r.slow.slice(0, 5).map(name).join(', ')})` : ''}; ` +
        `slowest ${slow ? `${slow.cpu} ms CPU, ${slow.ms} ms wall (${name(slow.task)})` : '-'}${r.slowestWall && r.slowestWall.task !== slow?.task ? `, slowest by wall ${r.slowestWall.ms} ms (${r.slowestWall.cpu} ms CPU)` : ''}; ` +
        `peak RSS of a worker ${Math.round(r.peak / 2 ** 20)} MB (${Math.round(r.startRss / 2 ** 20)} MB before its first input)`,
    );
    if (saving.length) {
      const lib = await import(resolve(here, '..', 'dist', 'index.js'));
      mkdirSync(saveDir, { recursive: true });
      for (const t of saving.filter((t) => t.id >= 0).slice(0, 20)) {
        const f = join(saveDir, `${format}-${t.seed}-${basename(files[t.seedIndex])}`);
        writeFileSync(f, (await materialise(lib, files[t.seedIndex], t.seed, mode)).bytes);
        t.saved = f;
      }
    }
    for (const f of r.failures.slice(0, 20)) console.log(`FAIL ${f.id >= 0 ? `${name(f)}${f.saved ? ` saved=${f.saved}` : ''}` : ''}: ${f.why}`);
    failed += r.failures.length;
    total += r.done;
  }
  console.log(`fuzz: ${total} inputs, ${failed} failures`);
  process.exit(failed ? 1 : 0);
}

if (isWorker()) worker();
else main();
