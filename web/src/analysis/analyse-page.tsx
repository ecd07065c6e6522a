/**
 * The local analysis page: pick or drop binaries (and optionally a host snapshot, or a stored host
 * when a fleet server is behind the page). The worker reads them as Blobs; nothing is uploaded.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Finding, HostSnapshot } from '../../../src/index.js';
import { bytes } from '../format.js';
import { enc, fleetServer, getJson } from '../server.js';
import type { BinaryAnalysis } from '../worker/protocol.js';
import { BinaryView } from './binary-view.js';
import { readSnapshotFile } from './snapshot.js';
import { AnalysisWorker, type Progress } from './worker-client.js';

interface Item {
  key: number;
  file: File;
  job: number | null;
  progress: Progress | null;
  binaries: BinaryAnalysis[] | null;
  findings: Finding[][] | null;
  error: string | null;
  /** Milliseconds from the file's pick to its report on screen (analysis and checks). */
  ms: number | null;
  started: number;
}

interface Target {
  name: string;
  snapshot: HostSnapshot;
}

let nextKey = 1;

export function AnalysePage() {
  const worker = useMemo(() => new AnalysisWorker(), []);
  const [items, setItems] = useState<Item[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const [targetError, setTargetError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [storedHosts, setStoredHosts] = useState<string[]>([]);
  const served = fleetServer() !== null;

  const update = (key: number, patch: Partial<Item>) => setItems((list) => list.map((x) => (x.key === key ? { ...x, ...patch } : x)));

  useEffect(() => {
    if (!served) return;
    getJson<{ name: string }[]>('api/hosts').then(
      (hs) => setStoredHosts(hs.map((h) => h.name)),
      () => setStoredHosts([]),
    );
  }, [served]);

  // A new target: every analysed binary is checked again.
  useEffect(() => {
    for (const it of items) {
      if (it.job === null || !it.binaries) continue;
      worker.check(it.job, target).then((findings) => update(it.key, { findings }));
    }
  }, [target]);

  const analyse = async (file: File) => {
    const key = nextKey++;
    const started = performance.now();
    setItems((list) => [...list, { key, file, job: null, progress: null, binaries: null, findings: null, error: null, ms: null, started }]);
    setSelected((s) => s ?? key);
    try {
      const { job, binaries } = await worker.analyse(file, (progress) => update(key, { progress }));
      const findings = await worker.check(job, target);
      update(key, { job, binaries, findings, ms: Math.round(performance.now() - started) });
    } catch (e) {
      update(key, { error: `${file.name}: ${(e as Error).message}`, ms: Math.round(performance.now() - started) });
    }
  };

  const addFiles = async (files: FileList | File[] | null) => {
    const list = [...(files ?? [])];
    // A JSON file among dropped files is the host snapshot to check against.
    const snap = list.find((f) => /\.json$/i.test(f.name));
    if (snap) await chooseSnapshot(snap);
    for (const f of list) if (f !== snap) await analyse(f);
  };

  const chooseSnapshot = async (file: File | null) => {
    setTargetError(null);
    if (!file) return setTarget(null);
    try {
      setTarget({ name: file.name, snapshot: await readSnapshotFile(file) });
    } catch (e) {
      setTarget(null);
      setTargetError((e as Error).message);
    }
  };

  const chooseStored = async (name: string) => {
    setTargetError(null);
    if (!name) return setTarget(null);
    try {
      const h = await getJson<{ snapshot: HostSnapshot | null }>(`api/hosts/${enc(name)}`);
      if (!h.snapshot) throw new Error(`${name} has no snapshot`);
      setTarget({ name, snapshot: h.snapshot });
    } catch (e) {
      setTarget(null);
      setTargetError((e as Error).message);
    }
  };

  const current = items.find((x) => x.key === selected) ?? null;

  return (
    <main class="analyse">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping files is a pointer gesture; the file inputs inside are the keyboard's way in */}
      <section
        class={`drop${dragging ? ' over' : ''}`}
        id="drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          addFiles(e.dataTransfer?.files ?? null);
        }}
      >
        <p>
          <strong>Drop Go binaries here</strong> (and a host snapshot <code>.json</code> to check them against), or choose them:
        </p>
        <p>
          <label>
            binaries <input id="binaries" type="file" multiple onChange={(e) => addFiles((e.target as HTMLInputElement).files)} />
          </label>
        </p>
        <p>
          <label>
            host snapshot (from <code>goready host</code>){' '}
            <input
              id="snapshot"
              type="file"
              accept=".json,application/json"
              onChange={(e) => chooseSnapshot((e.target as HTMLInputElement).files?.[0] ?? null)}
            />
          </label>
          {served && (
            <label>
              {' '}
              or a stored host{' '}
              <select id="stored-host" onChange={(e) => chooseStored((e.target as HTMLSelectElement).value)}>
                <option value="">—</option>
                {storedHosts.map((h) => (
                  <option key={h} value={h}>
                    {h}
                  </option>
                ))}
              </select>
            </label>
          )}
        </p>
        <p class="target" id="target">
          {target
            ? `Checking against ${target.name} (${target.snapshot.hostname ?? 'no hostname'}, kernel ${target.snapshot.kernel.release ?? '?'})`
            : 'No host chosen: binary-only checks.'}
        </p>
        {targetError && <p class="error">{targetError}</p>}
        <p class="hint">Everything runs in this page: the files are read here and never uploaded.</p>
      </section>

      {items.length > 0 && (
        <ul class="files">
          {items.map((it) => (
            <li key={it.key}>
              <button
                type="button"
                aria-pressed={it.key === selected}
                class={`file-tab${it.key === selected ? ' selected' : ''}`}
                data-file={it.file.name}
                data-state={it.error ? 'error' : it.binaries ? 'done' : 'reading'}
                data-ms={it.ms ?? undefined}
                onClick={() => setSelected(it.key)}
              >
                {it.file.name} <span class="file-state">{it.error ? 'error' : it.binaries ? `${it.ms} ms` : 'reading…'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}

      {current && <ItemView item={current} target={target} worker={worker} />}
    </main>
  );
}

function ItemView({ item, target, worker }: { item: Item; target: Target | null; worker: AnalysisWorker }) {
  if (item.error)
    return (
      <p class="error" id="analysis-error">
        {item.error}
      </p>
    );
  if (!item.binaries || item.job === null) {
    const p = item.progress;
    return (
      <div class="progress" id="progress">
        <progress max={p?.size ?? 1} value={p?.loaded ?? 0} />{' '}
        <span>
          {item.file.name}: {p ? `${p.stage}, ${bytes(p.loaded)} of ${bytes(p.size)} read` : 'starting…'}
        </span>
      </div>
    );
  }
  const job = item.job;
  return (
    <>
      {item.binaries.map((b, i) => (
        <BinaryView
          key={`${item.key}-${i}`}
          analysis={b}
          findings={item.findings?.[i] ?? null}
          targetName={target?.name ?? null}
          onSbom={(format) => worker.sbom(job, i, format)}
          onRender={(findings, format) => worker.render(job, findings, format)}
          onFunctions={(query, limit) => worker.functions(job, i, query, limit)}
          onInspectJson={() => worker.inspectJson(job)}
          onAtomics={(cpu) => worker.atomics(job, i, cpu)}
          onSeccomp={(runtime) => worker.seccomp(job, runtime)}
        />
      ))}
    </>
  );
}
