// The cost of goready trace http to the server it traces, measured against the same server
// untraced in the same run (rounds interleaved, medians), with Debian's wrk as the load:
//
//   sudo node bench/trace.mjs        (needs: npm run build, npm run corpus, wrk, root, tracefs)
//
// Prints requests/s traced ÷ untraced (goal ≥ 0.95), uprobe hits per request (the kernel's own
// uprobe_profile counters), goready's own CPU per request, the share of requests the trace reported, the cost of one uprobe hit
// (httpserver -calls: a probed function called in a loop, probed at the site goready picks and at
// the entry), and the traced handler time against the handler's own clock.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..');
const CORPUS = process.env.GOREADY_CORPUS ?? join(ROOT, '.corpus');
const SERVER = join(CORPUS, 'toolchains', 'go1.27', 'httpserver-amd64');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WRK = ['-t2', '-c8', `-d${SECONDS}s`];
// BENCH_KERNEL=1 adds a third mode per round: goready attached but stopped (SIGSTOP) while wrk runs,
// so only the kernel's side (probes and tracepoints recording, nobody reading) costs the server.
const KERNEL_ONLY = process.env.BENCH_KERNEL === '1';
// BENCH_PEER_CLI=path/to/other/dist/cli/main.js adds a mode traced by another build of goready (e.g.
// main's), in the same rounds: its ratio and CPU per request beside this build's.
const PEER_CLI = process.env.BENCH_PEER_CLI;

function need(ok, msg) {
  if (!ok) {
    console.error(`bench trace: ${msg}`);
    process.exit(2);
  }
}
need(process.getuid?.() === 0, 'needs root (uprobes)');
need(existsSync('/sys/kernel/tracing/uprobe_profile'), 'tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing');
need(existsSync(SERVER), `${SERVER} missing: npm run corpus`);
need(existsSync(CLI), 'dist missing: npm run build');
need(execFileSync('sh', ['-c', 'command -v wrk || true'], { encoding: 'utf8' }).trim() !== '', 'needs wrk (apt-get install wrk)');

const { probeSite, PROLOGUE_BYTES, GO_ABI_REGISTERS } = await import(join(ROOT, 'dist/core/code/probe-site.js'));
const { decoder } = await import(join(ROOT, 'dist/node/trace/decode.js'));
const { openObject } = await import(join(ROOT, 'dist/core/object/open.js'));
const { readVA } = await import(join(ROOT, 'dist/core/object/types.js'));
const { findPclntab, readPclntab } = await import(join(ROOT, 'dist/core/go/pclntab.js'));
const { FileSource } = await import(join(ROOT, 'dist/node/files/source.js'));
const { TraceSession, findTracefs } = await import(join(ROOT, 'dist/node/trace/tracefs.js'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : Number.NaN;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** wrk, run asynchronously: the server's log pipe must keep draining while it runs. */
function wrk(url) {
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', [...WRK, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
    });
    p.once('exit', (code) => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const total = Number(/(\d+) requests in/.exec(out)?.[1]);
      if (code !== 0 || !(rps > 0)) reject(new Error(`wrk failed (${code}): ${out}`));
      else resolve({ rps, total });
    });
  });
}

/** Sum of the hits of goready's uprobes on the server in uprobe_profile ("path event hits"). */
function hits(serverPid) {
  return readFileSync('/sys/kernel/tracing/uprobe_profile', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === `/proc/${serverPid}/exe` && ['serve', 'finish', 'flushed'].includes(f[1]))
    .reduce((n, f) => n + Number(f[2] ?? 0), 0);
}

/** CPU time (user + system) a process has used so far, in seconds (/proc/PID/stat, USER_HZ ticks). */
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function cpuTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) / TICK, sys: Number(f[12]) / TICK };
}
function cpuSeconds(pid) {
  const t = cpuTimes(pid);
  return t.user + t.sys;
}

// The server, with its log (goid, path, its own handler time) kept for the accuracy figure.
const server = spawn(SERVER, ['-addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GODEBUG: 'httpmuxgo121=0' } });
const log = [];
const port = await new Promise((resolve) => {
  createInterface({ input: server.stdout }).on('line', (line) => {
    const l = /^listening .*:(\d+)$/.exec(line);
    if (l) resolve(Number(l[1]));
    const m = / goid=(\d+) method=\S+ path=(\S+) status=\d+ dur=(\d+)$/.exec(line);
    if (m) log.push({ goid: Number(m[1]), path: m[2], dur: Number(m[3]) });
  });
});
const url = `http://127.0.0.1:${port}/sleep/1`;
await wrk(url); // warm-up

const plain = [];
const traced = [];
const kernelOnly = [];
const peer = [];
let peerCpu = 0;
let peerRequests = 0;
/** CPU seconds per mode: the server's (uprobe hits are charged to it) and this process's (it reads the server's log). */
const cpu = Object.fromEntries(['plain', 'traced', 'kernel', 'peer'].map((m) => [m, { server: 0, bench: 0, requests: 0 }]));
const benchCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** wrk, with the server's and this process's CPU during the run counted for the mode. */
async function measured(mode) {
  const s0 = cpuSeconds(server.pid);
  const b0 = benchCpu();
  const r = await wrk(url);
  cpu[mode].server += cpuSeconds(server.pid) - s0;
  cpu[mode].bench += benchCpu() - b0;
  cpu[mode].requests += r.total;
  return r;
}
let hitCount = 0;
let requests = 0;
let recordsCount = 0;
let goreadyCpu = 0;
let goreadySys = 0;
const extra = [];
for (let round = 0; round < ROUNDS; round++) {
  const modes = round % 2 ? ['traced', 'plain'] : ['plain', 'traced'];
  if (KERNEL_ONLY) modes.splice(1, 0, 'kernel');
  if (PEER_CLI) modes.splice(1, 0, 'peer');
  for (const mode of modes) {
    if (mode === 'plain') {
      // Only a traced round's lines are joined: an untraced round's are dropped, not kept until then.
      log.length = 0;
      plain.push((await measured('plain')).rps);
      continue;
    }
    const out = join(tmpdir(), `goready-bench-${process.pid}.jsonl`);
    const g = spawn(process.execPath, [mode === 'peer' ? PEER_CLI : CLI, 'trace', 'http', '--pid', String(server.pid), '--format', 'jsonl', '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise((resolve, reject) => {
      let err = '';
      g.stderr.setEncoding('utf8').on('data', (c) => {
        err += c;
        if (/^tracing pid/m.test(err)) resolve();
      });
      g.once('exit', (code) => reject(new Error(`goready exited (${code}): ${err}`)));
    });
    log.length = 0;
    if (mode === 'kernel') {
      g.kill('SIGSTOP');
      kernelOnly.push((await measured('kernel')).rps);
      g.kill('SIGCONT');
      g.kill('SIGINT');
      await new Promise((resolve) => g.once('exit', resolve));
      rmSync(out, { force: true });
      continue;
    }
    if (mode === 'peer') {
      const c0 = cpuSeconds(g.pid);
      const r = await measured('peer');
      await sleep(300);
      peerCpu += cpuSeconds(g.pid) - c0;
      peerRequests += r.total;
      peer.push(r.rps);
      g.kill('SIGINT');
      await new Promise((resolve) => g.once('exit', resolve));
      rmSync(out, { force: true });
      continue;
    }
    const h0 = hits(server.pid);
    const c0 = cpuTimes(g.pid);
    const r = await measured('traced');
    const h1 = hits(server.pid);
    await sleep(300);
    const c1 = cpuTimes(g.pid);
    goreadyCpu += c1.user + c1.sys - c0.user - c0.sys;
    goreadySys += c1.sys - c0.sys;
    g.kill('SIGINT');
    await new Promise((resolve) => g.once('exit', resolve));
    traced.push(r.rps);
    hitCount += h1 - h0;
    requests += r.total;
    const recs = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    rmSync(out, { force: true });
    recordsCount += recs.length;
    const own = new Map();
    for (const l of log) {
      const k = `${l.goid} ${l.path}`;
      const ds = own.get(k);
      if (ds) ds.push(l.dur);
      else own.set(k, [l.dur]);
    }
    for (const rec of recs) {
      const d = own.get(`${rec.goid} ${rec.path}`)?.shift();
      if (d !== undefined) extra.push(rec.phases.handlerNs - d);
    }
  }
}
server.kill();

// One uprobe hit: main.spin called in a loop, plain and probed at each site.
const src = new FileSource(SERVER);
const [{ obj }] = await openObject(src);
const spin = (await readPclntab(obj, await findPclntab(obj), { list: true })).functions.find((f) => f.name === 'main.spin');
const site = probeSite(decoder()('amd64', await readVA(obj, spin.entry, PROLOGUE_BYTES), spin.entry), spin.entry, GO_ABI_REGISTERS.amd64);
src.close();
const CALLS = 300_000;
const perCall = () => Number(/ns\/call ([\d.]+)/.exec(execFileSync(SERVER, ['-calls', String(CALLS)], { encoding: 'utf8' }))?.[1]);
const probed = (addr) => {
  const s = TraceSession.start(
    findTracefs(),
    [{ name: 'spin', path: SERVER, offset: obj.vaToOffset(addr), args: [] }],
    [{ events: [{ event: `goready_${process.pid}/spin` }] }],
  );
  try {
    return median([perCall(), perCall(), perCall()]);
  } finally {
    s.close();
  }
};
const base = median([perCall(), perCall(), perCall()]);
const atBranch = probed(site.addr) - base;
const atEntry = probed(spin.entry) - base;

const fmt = (n) => n.toFixed(0);
console.log(`== goready trace http: go1.27 httpserver, ${new URL(url).pathname} (1 ms handler), wrk ${WRK.join(' ')}, ${ROUNDS} rounds interleaved`);
console.log(`untraced: median ${fmt(median(plain))} req/s (${plain.map(fmt).join(', ')})`);
console.log(`traced:   median ${fmt(median(traced))} req/s (${traced.map(fmt).join(', ')})`);
console.log(`ratio traced/untraced: ${(median(traced) / median(plain)).toFixed(3)}x (goal >= 0.95x)`);
if (KERNEL_ONLY) {
  console.log(
    `kernel side only (goready attached, stopped): median ${fmt(median(kernelOnly))} req/s (${kernelOnly.map(fmt).join(', ')}), ${(median(kernelOnly) / median(plain)).toFixed(3)}x untraced`,
  );
}
if (PEER_CLI) {
  console.log(
    `traced by ${PEER_CLI}: median ${fmt(median(peer))} req/s (${peer.map(fmt).join(', ')}), ${(median(peer) / median(plain)).toFixed(3)}x untraced; its CPU ${((peerCpu / peerRequests) * 1e6).toFixed(1)} µs per request`,
  );
}
const perReq = (m, k) => ((cpu[m][k] / cpu[m].requests) * 1e6).toFixed(1);
for (const m of ['plain', ...(KERNEL_ONLY ? ['kernel'] : []), ...(PEER_CLI ? ['peer'] : []), 'traced']) {
  console.log(`CPU per request, ${m}: server ${perReq(m, 'server')} µs, this bench (reads the server's log) ${perReq(m, 'bench')} µs`);
}
console.log(`uprobe hits per request: ${(hitCount / requests).toFixed(2)} (kernel uprobe_profile; ${hitCount} hits, ${requests} requests)`);
console.log(
  `goready's own CPU: ${((goreadyCpu / requests) * 1e6).toFixed(1)} µs per request, ${((goreadySys / requests) * 1e6).toFixed(1)} µs of it in the kernel (reading, joining and writing the events while wrk ran; ${goreadyCpu.toFixed(1)} s in all)`,
);
console.log(`requests reported by the trace: ${((100 * recordsCount) / requests).toFixed(1)}% of the requests wrk completed`);
console.log(
  `cost per uprobe hit: ${(atBranch / 1000).toFixed(2)} µs at the stack check's branch (emulated), ${(atEntry / 1000).toFixed(2)} µs at the function entry (single-stepped); an unprobed call ${base} ns`,
);
const sorted = [...extra].sort((a, b) => a - b);
console.log(
  `handler time minus the handler's own clock: median ${(median(extra) / 1000).toFixed(0)} µs, p90 ${((sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0) / 1000).toFixed(0)} µs over ${extra.length} requests`,
);
