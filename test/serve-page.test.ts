/**
 * The page in real Chromium (Debian's, through playwright-core), served by `goready serve` and, for
 * the static build, by Python's http.server. The truth is the CLI's own output for the same files.
 * A screenshot of each page is kept in test-artifacts/serve/.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, goready } from './helpers/cli.js';
import { corpus, entry, GO, run } from './helpers/corpus.js';
import { freePort, get, post, type RunningServer, startServer } from './helpers/fleet.js';
import { toolchainFixtures } from './helpers/toolchains.js';

const CHROMIUM = process.env.GOREADY_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');
const WEB = join(ROOT, 'dist', 'web');
const HOSTS = join(import.meta.dirname, 'data', 'hosts');
const SHOTS = join(ROOT, 'test-artifacts', 'serve');

let browser: Browser;
let server: RunningServer;
const work = mkdtempSync(join(tmpdir(), 'goready-page-'));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install chromium (bash scripts/setup.sh)`);
  if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB}/index.html missing: run npm run build:web`);
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  server = await startServer(join(work, 'db'), join(work, 'token'));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh page that records console errors, CSP violations (the page's and its workers') and every request it makes. */
async function open(url: string): Promise<{ page: Page; errors: string[]; requests: { method: string; url: string }[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: { method: string; url: string }[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  // A CSP violation is an error here, whether Chromium logs it or not: the page's, and the worker's
  // (a worker runs under its own script's policy), each reported through the console.
  const report = `(scope) => scope.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')))`;
  await page.addInitScript(`(${report})(window)`);
  page.on('worker', (w) => {
    w.evaluate(`(${report})(self)`).catch((e: Error) => errors.push(`worker: ${e.message}`));
  });
  await page.goto(url);
  await page.waitForSelector('header.top');
  return { page, errors, requests };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** Drops files on the drop zone as a user's drag and drop does: a DataTransfer carrying File objects. */
async function drop(page: Page, files: string[]): Promise<void> {
  const payload = files.map((f) => ({ name: basename(f), b64: readFileSync(f).toString('base64') }));
  await page.evaluate(`(async (files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
    const zone = document.getElementById('drop');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  })(${JSON.stringify(payload)})`);
}

async function downloadText(page: Page, selector: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync((await dl.path()) as string, 'utf8');
}

/** The modules `go version -m` lists: path, version and replacement ("path version", or ''), as the modules table shows them. */
function goVersionDeps(file: string): string[][] {
  const deps: string[][] = [];
  for (const l of run(GO, ['version', '-m', file]).split('\n')) {
    const f = l.split('\t');
    if (f[1] === 'dep') deps.push([f[2] ?? '', f[3] ?? '', '']);
    const last = deps.at(-1);
    if (f[1] === '=>' && last) last[2] = `${f[2]} ${f[3]}`;
  }
  return deps;
}

const modulesShown = (page: Page) =>
  page.locator('table.modules tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')));

const cliReport = (file: string) =>
  (JSON.parse(goready(['inspect', '--format', 'json', file]).stdout) as { go: { version: string }; pclntab: { functionCount: number } }[])[0];

describe('the analysis page (served by goready serve)', () => {
  it('a dropped corpus binary: Go version and function count equal the CLI; the treemap draws and zooms; the function list is searched (main.main where go tool nm puts it) and downloads as inspect --functions; nothing is sent', async () => {
    const { page, errors, requests } = await open(server.url);
    const e = entry('linux-amd64-deps');
    await drop(page, [e.file]);
    await page.waitForSelector('article.binary', { timeout: 120_000 });
    const art = page.locator('article.binary');
    const cli = cliReport(e.file);
    expect(await art.getAttribute('data-go-version')).toBe(cli?.go.version);
    expect(Number(await art.getAttribute('data-functions'))).toBe(cli?.pclntab.functionCount);
    expect(await page.locator('[data-field=pclntab]').textContent()).toContain(`${cli?.pclntab.functionCount} functions`);

    // The modules table: go version -m's deps, local and module replacements beside.
    const deps = goVersionDeps(e.file);
    expect(deps.filter((d) => d[2]).length).toBeGreaterThanOrEqual(2);
    await page.locator('details:has(table.modules) summary').click();
    expect(await modulesShown(page)).toEqual(deps);

    // The treemap: modules with their packages inside; click std's title strip, then runtime's, and
    // runtime's functions are the boxes.
    expect(await page.locator('.treemap .cell').count()).toBeGreaterThan(5);
    expect(await page.locator('.treemap .cell[data-depth="2"][data-name="runtime"]').count()).toBe(1);
    await page.locator('.treemap .cell[data-depth="1"][data-name="std"]').click({ position: { x: 6, y: 6 } });
    expect(await page.locator('.crumbs').textContent()).toContain('std');
    await page.locator('.treemap .cell[data-depth="1"][data-name="runtime"]').click({ position: { x: 6, y: 6 } });
    expect(await page.locator('.crumbs').textContent()).toContain('runtime');
    const mallocgc = page.locator('.treemap .cell[data-depth="1"][data-name="runtime.mallocgc"]');
    expect(await mallocgc.count()).toBe(1);
    await mallocgc.hover();
    expect(await page.locator('.treemap-info').textContent()).toMatch(/^runtime\.mallocgc: [\d,]+ bytes/);
    await shot(page, 'analyse-treemap-zoomed');
    await page.locator('.crumbs button[data-depth="0"]').click();
    expect(await page.locator('.treemap .cell[data-depth="1"][data-name="std"]').count()).toBe(1);

    // The function list: all of them, searched by name; main.main at the address go tool nm gives it;
    // the download equals goready inspect --functions --format json.
    await page.locator('details.functions summary').click();
    await page.waitForSelector('.function-count:has-text("functions")');
    const n = cli?.pclntab.functionCount ?? 0;
    expect(await page.locator('.function-count').textContent()).toBe(`${n.toLocaleString('en')} of ${n.toLocaleString('en')} functions, first 200 shown`);
    await page.fill('input.function-search', 'MAIN.MAIN');
    await page.waitForSelector('table.functions tr[data-name="main.main"]');
    const nm = /^\s*([0-9a-f]+) T main\.main$/m.exec(run(GO, ['tool', 'nm', e.file]));
    expect(await page.locator('table.functions tr[data-name="main.main"]').getAttribute('data-entry')).toBe(`0x${nm?.[1]?.replace(/^0+/, '')}`);
    const fromCli = goready(['inspect', '--functions', '--format', 'json', basename(e.file)], { cwd: dirname(e.file) });
    expect(fromCli.code).toBe(0);
    expect(await downloadText(page, '[data-download=functions]')).toBe(fromCli.stdout);
    // After the download: a click just after a full-page screenshot can land while the viewport is restored.
    await shot(page, 'analyse-functions');

    // Nothing left the page: no request but the page's own GETs (files, the stored-host list).
    expect(requests.filter((r) => !r.url.startsWith('data:') && (r.method !== 'GET' || !r.url.startsWith(server.url)))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);

  it('findings against a chosen snapshot equal goready check (JSON and SARIF); the SBOM download equals goready sbom', async () => {
    const { page, errors } = await open(server.url);
    const e = entry('linux-amd64-http');
    const snapshot = join(HOSTS, 'debian12-constrained-sh.json');
    await page.setInputFiles('#snapshot', snapshot);
    await page.waitForSelector('#target:has-text("Checking against debian12-constrained-sh.json")');
    await page.setInputFiles('#binaries', e.file);
    await page.waitForSelector('.file-tab[data-state=done]', { timeout: 120_000 });
    await page.waitForSelector('li.finding');
    // The CLI names the binary as given and the target by the snapshot's file name, as the page does.
    const cli = goready(['check', basename(e.file), '--host', snapshot, '--format', 'json'], { cwd: dirname(e.file) });
    expect(cli.code).toBe(0);
    const fromPage = await downloadText(page, '[data-download=findings]');
    expect(fromPage).toBe(cli.stdout);
    expect(JSON.parse(fromPage).length).toBeGreaterThan(2);
    expect(await page.locator('li.finding').evaluateAll((l) => l.map((x) => x.getAttribute('data-id')))).toEqual(
      (JSON.parse(cli.stdout) as { id: string }[]).map((f) => f.id),
    );
    const sarif = goready(['check', basename(e.file), '--host', snapshot, '--format', 'sarif'], { cwd: dirname(e.file) });
    expect(await downloadText(page, '[data-download=sarif]')).toBe(sarif.stdout);
    await shot(page, 'analyse-findings');

    // The SBOM, made in the page without licence texts: the CLI's with --no-licenses, timestamps aside.
    const norm = (s: string) => {
      const j = JSON.parse(s);
      delete j.metadata.timestamp;
      return j;
    };
    const cdx = await downloadText(page, '[data-download=cyclonedx]');
    const cliCdx = goready(['sbom', basename(e.file), '--no-licenses', '--format', 'cyclonedx'], { cwd: dirname(e.file) });
    expect(norm(cdx)).toEqual(norm(cliCdx.stdout));
    const spdx = JSON.parse(await downloadText(page, '[data-download=spdx]'));
    expect(spdx.spdxVersion).toBe('SPDX-2.3');
    // SPDX lists the main module as a package too; CycloneDX keeps it in metadata.component.
    expect(spdx.packages.length).toBe(JSON.parse(cliCdx.stdout).components.length + 1);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);

  it('an arm64 binary with hand-written LSE: the census joins the findings (GR-CPU-004 on a Cortex-A53) and its download equals goready atomics', async () => {
    const asm = toolchainFixtures('lseasm')[0];
    if (!asm) throw new Error('no lseasm fixture: run npm run corpus');
    const { page, errors } = await open(server.url);
    const snapshot = join(HOSTS, 'qemu-arm64-cortex-a53-sh.json');
    await page.setInputFiles('#snapshot', snapshot);
    await page.setInputFiles('#binaries', asm.file);
    await page.waitForSelector('.file-tab[data-state=done]', { timeout: 120_000 });
    await page.waitForSelector('li.finding[data-id="GR-CPU-004"]');
    const cli = goready(['check', basename(asm.file), '--host', snapshot, '--format', 'json'], { cwd: dirname(asm.file) });
    expect(await downloadText(page, '[data-download=findings]')).toBe(cli.stdout);
    const census = goready(['atomics', basename(asm.file), '--format', 'json'], { cwd: dirname(asm.file) });
    expect(census.code).toBe(0);
    expect(await downloadText(page, '[data-download=atomics]')).toBe(census.stdout);
    expect(await page.locator('[data-field=requires-lse]').textContent()).toMatch(/^yes/);
    await shot(page, 'analyse-atomics');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);

  /** Drops a corpus binary, asks for its syscalls and its census, and compares both downloads with the CLI's. */
  async function seccompAndCensus(name: string, opts: { cpu?: string } = {}) {
    const e = entry(name);
    const { page, errors, requests } = await open(server.url);
    await page.setInputFiles('#binaries', e.file);
    await page.waitForSelector('.file-tab[data-state=done]', { timeout: 120_000 });
    const wasm = () => requests.filter((r) => r.url.endsWith('.wasm'));
    // The x86 decoder is not fetched with the page nor by the analysis: only when a feature needs it.
    expect(wasm()).toEqual([]);
    const cli = (args: string[]) => {
      const r = goready(args, { cwd: dirname(e.file) });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };

    await page.click('[data-action=seccomp]');
    await page.waitForSelector('.seccomp table.syscalls, .seccomp-error', { timeout: 120_000 });
    expect(await page.locator('.seccomp-error').allTextContents()).toEqual([]);
    expect(await downloadText(page, '[data-download=seccomp-oci]')).toBe(cli(['seccomp', basename(e.file), '--format', 'oci']));
    const report = JSON.parse(cli(['seccomp', basename(e.file), '--format', 'json'])) as { syscalls: { name: string; sites: unknown[] }[] };
    expect(await downloadText(page, '[data-download=seccomp-json]')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    // The list on the page: every syscall in the CLI's order, with its number of sites.
    expect(
      await page
        .locator('table.syscalls tr[data-syscall]')
        .evaluateAll((l) => l.map((x) => [x.getAttribute('data-syscall'), Number(x.getAttribute('data-sites'))])),
    ).toEqual(report.syscalls.map((x) => [x.name, x.sites.length]));
    // Another runtime: the profile as the CLI's --runtime none.
    await page.selectOption('#seccomp-runtime', 'none');
    await page.waitForSelector('.seccomp[data-runtime=none]');
    expect(await downloadText(page, '[data-download=seccomp-oci]')).toBe(cli(['seccomp', basename(e.file), '--format', 'oci', '--runtime', 'none']));
    await shot(page, `analyse-seccomp-${e.goarch}`);

    if (await page.locator('[data-action=atomics]').count()) await page.click('[data-action=atomics]');
    await page.waitForSelector('.atomics-census, .atomics-error', { timeout: 120_000 });
    expect(await page.locator('.atomics-error').allTextContents()).toEqual([]);
    expect(await downloadText(page, '[data-download=atomics]')).toBe(cli(['atomics', basename(e.file), '--format', 'json']));
    if (opts.cpu) {
      await page.selectOption('#atomics-cpu', opts.cpu);
      await page.waitForSelector(`.verdict[data-cpu="${opts.cpu}"]`);
      expect(await downloadText(page, '[data-download=atomics]')).toBe(cli(['atomics', basename(e.file), '--cpu', opts.cpu, '--format', 'json']));
    }
    await shot(page, `analyse-atomics-${e.goarch}`);
    expect(wasm().length).toBe(e.goarch === 'amd64' || e.goarch === '386' ? 1 : 0);
    expect(errors).toEqual([]);
    await page.context().close();
  }

  it('amd64: the syscalls with their sites, the profile download equals goready seccomp --format oci, the census equals goready atomics (x86 decoder loaded when asked, no CSP violation)', async () => {
    await seccompAndCensus('linux-amd64-http');
  }, 300_000);

  it('arm64: the profile and the census equal the CLI; with a CPU from the table, the verdict equals goready atomics --cpu (no x86 decoder)', async () => {
    await seccompAndCensus('linux-arm64', { cpu: 'cortex-a53' });
  }, 300_000);

  it('386 (the decoder in 32-bit mode): profile and census equal the CLI', async () => {
    await seccompAndCensus('linux-386');
  }, 300_000);

  it('arm: the census comes with the analysis; no syscall extraction, said in one line as the CLI says it', async () => {
    const e = entry('linux-arm-7');
    const { page, errors } = await open(server.url);
    await page.setInputFiles('#binaries', e.file);
    await page.waitForSelector('.atomics-census', { timeout: 120_000 });
    const census = goready(['atomics', basename(e.file), '--format', 'json'], { cwd: dirname(e.file) });
    expect(await downloadText(page, '[data-download=atomics]')).toBe(census.stdout);
    const cli = goready(['seccomp', basename(e.file)], { cwd: dirname(e.file) });
    expect(cli.code).toBe(2);
    const why = cli.stderr.trim().replace(/^goready: [^:]+: /, '');
    expect(await page.locator('.seccomp-note').textContent()).toBe(`No seccomp profile: ${why}.`);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a bad file or snapshot is one line on the page, not a crash', async () => {
    const { page, errors } = await open(server.url);
    const notSnap = join(work, 'not-a-snapshot.json');
    writeFileSync(notSnap, '{"hello": 1}');
    await page.setInputFiles('#snapshot', notSnap);
    expect(await page.locator('.drop .error').textContent()).toBe('not-a-snapshot.json: not a goready host snapshot (no schemaVersion at the top level)');
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'just text, not a binary\n');
    await page.setInputFiles('#binaries', text);
    await page.waitForSelector('.file-tab[data-state=error]');
    expect(await page.locator('#analysis-error').textContent()).toMatch(/^notes\.txt: /);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('the largest corpus binary: progress while it is read, the page stays responsive, and its time against the CLI (printed)', async () => {
    const largest = corpus()
      .filter((c) => c.isGo)
      .map((c) => ({ c, size: readFileSync(c.file).length }))
      .sort((a, b) => b.size - a.size)[0]?.c;
    if (!largest) throw new Error('empty corpus');
    const cli = cliReport(largest.file);
    const rounds: { page: number; cli: number; pageCpu: number; cliCpu: number }[] = [];
    for (let round = 0; round < 3; round++) {
      // The same analysis by the CLI: inspect with every function, and the size report with functions.
      const c0 = treeCpuMs();
      const t0 = performance.now();
      for (const args of [
        ['inspect', '--functions', '--format', 'json', '--out', '/dev/null', largest.file],
        ['size', largest.file, '--functions', '--format', 'json', '--out', '/dev/null'],
      ]) {
        const r = spawnSync(process.execPath, [CLI, ...args], { stdio: 'ignore' });
        expect(r.status).toBe(0);
      }
      const cliMs = performance.now() - t0;
      const cliCpu = treeCpuMs() - c0;

      const { page, errors } = await open(server.url);
      const c1 = treeCpuMs();
      const t1 = performance.now();
      await page.setInputFiles('#binaries', largest.file);
      if (round === 0) {
        // Progress shows while the worker reads; the page answers while it does.
        await page.waitForSelector('#progress progress');
        expect(await page.evaluate('document.querySelector(".file-tab").dataset.state')).toBe('reading');
        await shot(page, 'analyse-progress');
      }
      await page.waitForSelector('.file-tab[data-state=done]', { timeout: 300_000 });
      await page.waitForSelector('.treemap .cell');
      const pageMs = performance.now() - t1;
      rounds.push({ page: pageMs, cli: cliMs, pageCpu: treeCpuMs() - c1, cliCpu });
      expect(await page.locator('article.binary').getAttribute('data-go-version')).toBe(cli?.go.version);
      expect(Number(await page.locator('article.binary').getAttribute('data-functions'))).toBe(cli?.pclntab.functionCount);
      if (round === 0) await shot(page, 'analyse-largest');
      if (round === 0 && largest.goos === 'linux' && ['amd64', 'arm64', '386'].includes(largest.goarch)) {
        // Once: the syscalls and the census, asked for in the page, against goready seccomp + atomics.
        const c2 = treeCpuMs();
        const t2 = performance.now();
        for (const args of [
          ['seccomp', largest.file, '--format', 'oci', '--out', '/dev/null'],
          ['atomics', largest.file, '--format', 'json', '--out', '/dev/null'],
        ]) {
          const r = spawnSync(process.execPath, [CLI, ...args], { stdio: 'ignore' });
          expect(r.status).toBe(0);
        }
        const cliCode = { ms: performance.now() - t2, cpu: treeCpuMs() - c2 };
        const c3 = treeCpuMs();
        const t3 = performance.now();
        await page.click('[data-action=seccomp]');
        await page.waitForSelector('.seccomp table.syscalls, .seccomp-error', { timeout: 300_000 });
        if (await page.locator('[data-action=atomics]').count()) await page.click('[data-action=atomics]');
        await page.waitForSelector('.atomics-census, .atomics-error', { timeout: 300_000 });
        const pageCode = { ms: performance.now() - t3, cpu: treeCpuMs() - c3 };
        expect(await page.locator('.seccomp-error, .atomics-error').allTextContents()).toEqual([]);
        console.log(
          `performance (seccomp --format oci + atomics, once): page ${pageCode.ms.toFixed(0)} ms wall, ${pageCode.cpu.toFixed(0)} ms CPU; ` +
            `CLI ${cliCode.ms.toFixed(0)} ms wall, ${cliCode.cpu.toFixed(0)} ms CPU; page/CLI ${(pageCode.ms / cliCode.ms).toFixed(2)} wall, ${(pageCode.cpu / cliCode.cpu).toFixed(2)} CPU`,
        );
      }
      expect(errors).toEqual([]);
      await page.context().close();
    }
    const ratios = rounds.map((r) => r.page / r.cli).sort((a, b) => a - b);
    const cpuRatios = rounds.map((r) => r.pageCpu / r.cliCpu).sort((a, b) => a - b);
    console.log(
      `performance: ${largest.name} (${readFileSync(largest.file).length} bytes): page ${rounds.map((r) => r.page.toFixed(0)).join(', ')} ms; ` +
        `CLI (inspect --functions + size --functions) ${rounds.map((r) => r.cli.toFixed(0)).join(', ')} ms; ` +
        `page/CLI ratio min ${ratios[0]?.toFixed(2)}, median ${ratios[1]?.toFixed(2)} (target ≤ 2); ` +
        `CPU (user+sys, Chromium's processes against the CLI's) page ${rounds.map((r) => r.pageCpu.toFixed(0)).join(', ')} ms, CLI ${rounds.map((r) => r.cliCpu.toFixed(0)).join(', ')} ms, ` +
        `ratio median ${cpuRatios[1]?.toFixed(2)}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    );
  }, 900_000);
});

/**
 * CPU time (user+sys, ms) of this process's children and all their descendants, the finished ones
 * included (as the cutime/cstime of the process that waited for them): the CLI runs, and
 * Chromium's browser, renderer and worker processes.
 */
function treeCpuMs(): number {
  const stat = (pid: string) => {
    try {
      const t = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (in parentheses, which may hold spaces): state is field 3.
      const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
      return { ppid: f[1] as string, ticks: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
    } catch {
      return null;
    }
  };
  const procs = new Map<string, { ppid: string; ticks: number; children: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(d);
    if (s) procs.set(d, s);
  }
  const self = String(process.pid);
  let ticks = procs.get(self)?.children ?? 0;
  const below = (pid: string): boolean => {
    for (let p = procs.get(pid)?.ppid, n = 0; p && n < 64; p = procs.get(p)?.ppid, n++) if (p === self) return true;
    return false;
  };
  for (const [pid, s] of procs) if (below(pid)) ticks += s.ticks + s.children;
  // Linux reports in clock ticks of 1/100 s (USER_HZ).
  return ticks * 10;
}

describe('the fleet pages', () => {
  const bins = join(work, 'bins');
  const snaps = ['debian12-sh.json', 'debian12-constrained-sh.json', 'musl-root-sh.json'];
  const binaries = ['linux-amd64-http', 'linux-amd64-cgo'];

  beforeAll(async () => {
    mkdirSync(bins, { recursive: true });
    for (const s of snaps) {
      copyFileSync(join(HOSTS, s), join(bins, s));
      const r = await post(`${server.url}/api/snapshots?host=${s}`, JSON.parse(readFileSync(join(HOSTS, s), 'utf8')), { token: server.token });
      expect(r.status).toBe(201);
    }
    copyFileSync(entry('linux-amd64-http').file, join(bins, 'linux-amd64-http'));
    copyFileSync(entry('linux-amd64-cgo').file, join(bins, 'linux-amd64-cgo'));
    // One report from the CLI; the other from the page's "Save to fleet" below.
    execFileSync(process.execPath, [CLI, 'inspect', '--push', server.url, '--token-file', join(work, 'token'), 'linux-amd64-http'], { cwd: bins });
  });

  it('"Save to fleet" sends the report (not the binary); the matrix shows the worst severity goready check gives each pair, and a cell drills down', async () => {
    const { page, errors, requests } = await open(server.url);
    await page.setInputFiles('#binaries', join(bins, 'linux-amd64-cgo'));
    await page.waitForSelector('.file-tab[data-state=done]', { timeout: 120_000 });
    await page.fill('form.save input[name=token]', server.token);
    await page.click('form.save button[type=submit]');
    await page.waitForSelector('.save-state:has-text("saved as")');
    expect(await page.locator('.save-state').textContent()).toBe('saved as "linux-amd64-cgo", checked against 3 hosts');
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => new URL(r.url).pathname)).toEqual(['/api/reports']);

    await page.goto(`${server.url}/#/matrix`);
    await page.waitForSelector('table.matrix');
    for (const b of binaries) {
      for (const h of snaps) {
        const cli = JSON.parse(goready(['check', b, '--host', h, '--format', 'json'], { cwd: bins }).stdout) as { id: string; severity: string }[];
        const worst = ['fatal', 'high', 'medium', 'low', 'info'].find((s) => cli.some((f) => f.severity === s)) ?? 'ok';
        expect(await page.locator(`td[data-binary="${b}"][data-host="${h}"]`).getAttribute('data-worst'), `${b} on ${h}`).toBe(worst);
      }
    }
    // The expected values are not all alike.
    const worsts = await page.locator('table.matrix td[data-worst]').evaluateAll((l) => l.map((x) => x.getAttribute('data-worst')));
    // (info: the cgo binary on a snapshot taken inside a container, whose daemon's seccomp default is unknown.)
    expect(new Set(worsts)).toEqual(new Set(['fatal', 'high', 'medium', 'info']));
    await shot(page, 'matrix');
    await page.click('td[data-binary="linux-amd64-cgo"][data-host="musl-root-sh.json"] a');
    await page.waitForSelector('#drill li.finding');
    const cli = JSON.parse(goready(['check', 'linux-amd64-cgo', '--host', 'musl-root-sh.json', '--format', 'json'], { cwd: bins }).stdout) as { id: string }[];
    expect(await page.locator('#drill li.finding').evaluateAll((l) => l.map((x) => x.getAttribute('data-id')))).toEqual(cli.map((f) => f.id));
    // The matrix came as its summary; findings only for the pair opened.
    expect(
      requests
        .map((r) => new URL(r.url))
        .filter((u) => u.pathname === '/api/matrix')
        .map((u) => u.search),
    ).toEqual(['?summary=true', `?binary=linux-amd64-cgo&host=musl-root-sh.json`]);
    await shot(page, 'matrix-drill-down');

    // A stored host as the analysis target gives the server's findings for the pair.
    await page.goto(`${server.url}/#/`);
    await page.setInputFiles('#binaries', join(bins, 'linux-amd64-http'));
    await page.waitForSelector('.file-tab[data-state=done]', { timeout: 120_000 });
    await page.selectOption('#stored-host', 'debian12-constrained-sh.json');
    await page.waitForSelector('h3:has-text("Findings against debian12-constrained-sh.json")');
    const [pair] = await get<{ findings: unknown[] }[]>(`${server.url}/api/matrix?binary=linux-amd64-http&host=debian12-constrained-sh.json`);
    expect(JSON.parse(await downloadText(page, '[data-download=findings]'))).toEqual(pair?.findings);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);

  it('hosts, host drift, binaries, compare and search pages; strings from snapshots and reports are shown as text', async () => {
    // A later snapshot of debian12-sh with one fact changed, for its drift.
    const later = JSON.parse(readFileSync(join(HOSTS, 'debian12-sh.json'), 'utf8'));
    later.collectedAt = '2026-11-24T10:00:00Z';
    later.sysctls['net.core.somaxconn'] = '128';
    expect((await post(`${server.url}/api/snapshots?host=debian12-sh.json`, later, { token: server.token })).status).toBe(201);
    writeFileSync(join(bins, 'debian12-sh.json'), JSON.stringify(later));
    // Hostile names: markup in a host name and in a binary's path must stay text.
    const evil = '<img src=x onerror="document.title=\'pwned\'">';
    expect((await post(`${server.url}/api/snapshots?host=${encodeURIComponent(evil)}`, later, { token: server.token })).status).toBe(201);
    const [report] = JSON.parse(goready(['inspect', '--format', 'json', join(bins, 'linux-amd64-http')]).stdout);
    expect(
      (await post(`${server.url}/api/reports`, { ...report, path: '<b>bold</b><script>document.title="pwned"</script>' }, { token: server.token })).status,
    ).toBe(201);

    const { page, errors } = await open(`${server.url}/#/hosts`);
    await page.waitForSelector('table.hosts');
    expect(await page.locator('table.hosts tbody tr').count()).toBe(4);
    expect(await page.locator(`table.hosts tr[data-host="${evil.replace(/"/g, '\\"')}"] a`).textContent()).toBe(evil);
    expect(await page.locator('table.hosts img').count()).toBe(0);
    await shot(page, 'hosts');

    await page.locator('table.hosts tr[data-host="debian12-sh.json"] input').check();
    await page.locator('table.hosts tr[data-host="debian12-constrained-sh.json"] input').check();
    await page.click('#compare-link');
    await page.waitForSelector('table.changes');
    const diff = JSON.parse(
      goready(['diff', join(bins, 'debian12-sh.json'), join(bins, 'debian12-constrained-sh.json'), '--binary', 'linux-amd64-http', '--format', 'json'], {
        cwd: bins,
      }).stdout,
    ) as { findings: { id: string }[] };
    expect(await page.locator('section[data-binary="linux-amd64-http"] tr[data-id]').evaluateAll((l) => l.map((x) => x.getAttribute('data-id')))).toEqual(
      diff.findings.map((f) => f.id),
    );
    await shot(page, 'compare');

    await page.goto(`${server.url}/#/hosts/debian12-sh.json`);
    await page.waitForSelector('.drift-step');
    expect(await page.locator('.drift-step tr[data-key="sysctls.net.core.somaxconn"]').textContent()).toContain('4096');
    await shot(page, 'host-drift');

    await page.goto(`${server.url}/#/binaries`);
    await page.waitForSelector('table.binaries');
    expect(await page.locator('table.binaries tbody tr').count()).toBe(3);
    expect(await page.locator('table.binaries b, table.binaries script').count()).toBe(0);
    expect(await page.locator('table.binaries').textContent()).toContain('<b>bold</b><script>');
    await shot(page, 'binaries');

    await page.goto(`${server.url}/#/binaries/linux-amd64-cgo`);
    await page.waitForSelector('section.pair');
    expect(await page.locator('section.pair').count()).toBe(4);
    await shot(page, 'binary');

    // A binary with modules: its page lists them as go version -m does.
    const deps = entry('linux-amd64-deps');
    const [depsReport] = JSON.parse(goready(['inspect', '--format', 'json', deps.file]).stdout);
    expect((await post(`${server.url}/api/reports`, { ...depsReport, path: 'linux-amd64-deps' }, { token: server.token })).status).toBe(201);
    await page.goto(`${server.url}/#/binaries/linux-amd64-deps`);
    // A hash change keeps the document: the previous binary's (empty) table shows until this one's report loads.
    await expect.poll(() => modulesShown(page), { timeout: 30_000 }).toEqual(goVersionDeps(deps.file));

    await page.goto(`${server.url}/#/search`);
    await page.fill('#search', 'example.com/httpapp');
    await page.click('form.pick button[type=submit]');
    await page.waitForSelector('#search-summary');
    expect(await page.locator('#search-summary').textContent()).toMatch(/^\d+ binar/);
    await shot(page, 'search');

    expect(await page.title()).toBe('goready');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);
});

describe('the served page when the fleet server cannot be reached', () => {
  it('the analysis still runs; fleet pages and "Save to fleet" say the server did not answer, in one line', async () => {
    const { page, errors } = await open(server.url);
    await page.waitForLoadState('networkidle');
    await page.context().setOffline(true);
    await page.setInputFiles('#binaries', entry('linux-amd64-http').file);
    await page.waitForSelector('.file-tab[data-state=done]', { timeout: 120_000 });
    await page.fill('form.save input[name=token]', server.token);
    await page.click('form.save button[type=submit]');
    await page.waitForSelector('.save-state:has-text("not saved")');
    expect(await page.locator('.save-state').textContent()).toMatch(/^not saved: the fleet server did not answer \(.+\): is goready serve running/);
    await page.click('header nav a[href="#/hosts"]');
    await page.waitForSelector('main p.error');
    expect(await page.locator('main p.error').textContent()).toMatch(/^the fleet server did not answer/);
    await shot(page, 'offline-hosts');
    // Chromium logs each refused request itself; nothing else may fail.
    expect(errors.filter((m) => !/net::ERR_INTERNET_DISCONNECTED/.test(m))).toEqual([]);
    await page.context().close();
  }, 300_000);
});

describe('the static build (npm run build:web) without the server', () => {
  let python: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    python = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', WEB], { stdio: 'ignore' });
    url = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(url)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`python3 -m http.server did not start on ${url}`);
  });
  afterAll(() => {
    python?.kill();
  });

  it('analyses a binary with no fleet server: no fleet links, no API request', async () => {
    const { page, errors, requests } = await open(url);
    expect(await page.locator('header nav a').allTextContents()).toEqual(['Analyse']);
    const e = entry('linux-amd64-cgo');
    await page.setInputFiles('#snapshot', join(HOSTS, 'musl-root-sh.json'));
    await page.setInputFiles('#binaries', e.file);
    await page.waitForSelector('li.finding[data-id="GR-LIBC-002"]', { timeout: 120_000 });
    expect(await page.locator('article.binary').getAttribute('data-go-version')).toBe(cliReport(e.file)?.go.version);
    expect(await page.locator('form.save').count()).toBe(0);
    // The x86 decoder works without the server's headers (the worker is under no policy here but the host's).
    await page.click('[data-action=seccomp]');
    await page.waitForSelector('.seccomp table.syscalls', { timeout: 120_000 });
    expect(await downloadText(page, '[data-download=seccomp-oci]')).toBe(
      goready(['seccomp', basename(e.file), '--format', 'oci'], { cwd: dirname(e.file) }).stdout,
    );
    await shot(page, 'static-analyse');
    expect(requests.filter((r) => !r.url.startsWith('data:') && (r.method !== 'GET' || !r.url.startsWith(url) || r.url.includes('/api/')))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);

  it('the page loads a small script first: the core, SBOM and renderers are in the worker, the snapshot schema beside (sizes printed)', () => {
    const html = readFileSync(join(WEB, 'index.html'), 'utf8');
    const first = [...html.matchAll(/<script[^>]* src="\.\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(first).toHaveLength(1);
    const assets = readdirSync(join(WEB, 'assets')).map((f) => {
      const bytes = readFileSync(join(WEB, 'assets', f));
      return { f, size: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
    console.log(`bundle: ${assets.map((a) => `${a.f} ${a.size} bytes (${a.gzip} gzipped)`).join('; ')}`);
    // GitHub Pages (Jekyll) drops files named with a leading underscore; servers hide dot files.
    expect(assets.map((a) => a.f).filter((f) => /^[_.]/.test(f))).toEqual([]);
    const page = assets.find((a) => `assets/${a.f}` === first[0]);
    // 64 KiB gzipped: @cyclonedx/cyclonedx-library alone is 111 KB minified, the rule table 35 KB.
    expect(page?.gzip).toBeLessThan(64 << 10);
    // CycloneDX's serializer and the rule table are not in it.
    const code = readFileSync(join(WEB, first[0] as string), 'utf8');
    expect(['bomFormat', 'GR-CPU-004'].filter((marker) => code.includes(marker))).toEqual([]);
  });

  it('offline once loaded: a snapshot and a binary are still analysed, nothing is fetched', async () => {
    const { page, errors, requests } = await open(url);
    await page.waitForLoadState('networkidle');
    const loaded = requests.length;
    await page.context().setOffline(true);
    const e = entry('linux-amd64-cgo');
    await page.setInputFiles('#snapshot', join(HOSTS, 'musl-root-sh.json'));
    await page.setInputFiles('#binaries', e.file);
    await page.waitForSelector('li.finding[data-id="GR-LIBC-002"]', { timeout: 120_000 });
    const cli = JSON.parse(goready(['check', e.file, '--host', join(HOSTS, 'musl-root-sh.json'), '--format', 'json']).stdout) as { id: string }[];
    expect(await page.locator('li.finding').evaluateAll((l) => l.map((x) => x.getAttribute('data-id')))).toEqual(cli.map((f) => f.id));
    expect(requests.slice(loaded).filter((r) => !r.url.startsWith('blob:'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);
});
