/** One analysed binary: what it is, where its bytes go, what the checks say, and its downloads. */
import { useEffect, useState } from 'preact/hooks';
import type { Finding, FunctionFacts } from '../../../src/index.js';
import { Findings } from '../findings.js';
import { bytes, download, percent, text } from '../format.js';
import { ModulesTable } from '../modules.js';
import { fleetServer, postJson, savedToken, saveToken } from '../server.js';
import type { BinaryAnalysis } from '../worker/protocol.js';
import { AtomicsSection } from './atomics-view.js';
import { SeccompSection } from './seccomp-view.js';
import { Treemap } from './treemap.js';
import type { AtomicsAnswer, SeccompAnswer } from './worker-client.js';

export interface ViewProps {
  analysis: BinaryAnalysis;
  findings: Finding[] | null;
  targetName: string | null;
  onSbom: (format: 'cyclonedx' | 'spdx') => Promise<string>;
  /** The findings as goready check prints them (rendered in the worker). */
  onRender: (findings: Finding[], format: 'json' | 'sarif') => Promise<string>;
  /** Functions whose name contains the query (from the worker, which keeps the list). */
  onFunctions: (query: string, limit: number) => Promise<FunctionMatches>;
  /** The file as `goready inspect --functions --format json` prints it. */
  onInspectJson: () => Promise<string>;
  /** The census as `goready atomics --format json [--cpu CPU]` prints it. */
  onAtomics: (cpu: string | null) => Promise<AtomicsAnswer>;
  /** The syscalls and the profile, as `goready seccomp --format json|oci --runtime R` print them. */
  onSeccomp: (runtime: string) => Promise<SeccompAnswer>;
}

export interface FunctionMatches {
  total: number;
  matched: number;
  list: FunctionFacts[];
}

/** Rows drawn at once: a binary has tens of thousands of functions; the search narrows them. */
const SHOWN = 200;

const base = (p: string) => p.replace(/^.*[\\/]/, '');

function Summary({ a }: { a: BinaryAnalysis }) {
  const r = a.report;
  const bi = r.buildInfo;
  const rows: [string, string, string?][] = [
    [
      'file',
      `${r.file.format}, ${r.file.arch}, ${r.file.bits}-bit, ${r.file.endian}-endian, ${r.file.kind}, ${r.file.stripped ? 'stripped' : 'not stripped'}, ${r.file.dwarf ? 'DWARF' : 'no DWARF'}`,
    ],
    ['size', `${r.file.size.toLocaleString('en')} bytes (${bytes(r.file.size)})`],
    [
      'go',
      r.go.version
        ? `${r.go.version} (from ${r.go.versionSource === 'buildinfo' ? 'build info' : r.go.versionSource === 'symbol' ? 'runtime.buildVersion' : 'a string scan'})`
        : 'not found',
      'go-version',
    ],
    ['pclntab', r.pclntab ? `${r.pclntab.format}, ${r.pclntab.functionCount} functions (located by ${r.pclntab.locatedBy})` : 'none', 'pclntab'],
    ['main', bi?.main ? `${bi.main.path} ${bi.main.version}` : text(bi?.path)],
    ['modules', bi ? `${bi.deps.length} dependencies` : 'no build info'],
    [
      'linkage',
      r.linkage.static
        ? 'static'
        : `dynamic, interpreter ${text(r.linkage.interpreter)}; needs ${r.linkage.needed.join(', ') || 'nothing'}${r.linkage.minGlibc ? `; glibc ≥ ${r.linkage.minGlibc}` : ''}`,
    ],
    ['build ID', text(r.file.buildId)],
  ];
  return (
    <table class="kv">
      <tbody>
        {rows.map(([k, v, id]) => (
          <tr key={k}>
            <th>{k}</th>
            <td data-field={id ?? k}>{v}</td>
          </tr>
        ))}
        {r.diagnosis.map((d) => (
          <tr key={d}>
            <th>diagnosis</th>
            <td class="diagnosis">{d}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Packages({ a }: { a: BinaryAnalysis }) {
  const s = a.size;
  if (!s) return <p class="none">{a.sizeError ?? 'No size report.'}</p>;
  const top = [...s.packages].sort((x, y) => y.codeBytes + y.dataBytes - (x.codeBytes + x.dataBytes)).slice(0, 25);
  return (
    <table class="grid packages">
      <thead>
        <tr>
          <th>package</th>
          <th>module</th>
          <th class="n">code</th>
          <th class="n">data</th>
          <th class="n">%</th>
        </tr>
      </thead>
      <tbody>
        {top.map((p) => (
          <tr key={p.name}>
            <td>{p.name}</td>
            <td>{p.module}</td>
            <td class="n">{bytes(p.codeBytes)}</td>
            <td class="n">{bytes(p.dataBytes)}</td>
            <td class="n">{percent(p.codeBytes + p.dataBytes, s.fileSize)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The functions recovered from the pclntab (stripped or not), searched by name in the worker. */
function Functions({ find }: { find: ViewProps['onFunctions'] }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<FunctionMatches | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    find(query, SHOWN).then(
      (r) => live && setFound(r),
      // The worker's error reaches the page as an empty answer: the summary then says so.
      () => live && setFound({ total: 0, matched: 0, list: [] }),
    );
    return () => {
      live = false;
    };
  }, [open, query]);
  return (
    <details class="functions" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>functions (pclntab), searchable by name</summary>
      <p>
        <input
          type="search"
          class="function-search"
          placeholder="part of a name, e.g. net/http.(*conn)"
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />{' '}
        <span class="function-count">
          {found
            ? `${found.matched.toLocaleString('en')} of ${found.total.toLocaleString('en')} functions${found.matched > found.list.length ? `, first ${found.list.length} shown` : ''}`
            : 'reading…'}
        </span>
      </p>
      {found && found.list.length > 0 && (
        <table class="grid functions">
          <thead>
            <tr>
              <th>entry</th>
              <th class="n">size</th>
              <th>package</th>
              <th>function</th>
            </tr>
          </thead>
          <tbody>
            {found.list.map((f) => (
              <tr key={f.entry} data-name={f.name} data-entry={`0x${f.entry.toString(16)}`}>
                <td>
                  <code>0x{f.entry.toString(16)}</code>
                </td>
                <td class="n">{f.size.toLocaleString('en')}</td>
                <td>{f.package}</td>
                <td>{f.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

/** "Save to fleet": the report and its code facts (never the binary) to the server that served the page. */
function SaveToFleet({ a }: { a: BinaryAnalysis }) {
  const [token, setToken] = useState(savedToken());
  const [state, setState] = useState<string>('');
  if (!fleetServer()) return null;
  const save = async () => {
    saveToken(token);
    setState('saving…');
    try {
      const r = await postJson<{ binaries: { binary: string; evaluated: number }[] }>(
        'api/reports',
        { ...a.report, ...(a.code ? { code: a.code } : {}) },
        token,
      );
      const b = r.binaries[0];
      setState(`saved as ${JSON.stringify(b?.binary)}, checked against ${b?.evaluated ?? 0} hosts`);
    } catch (e) {
      setState(`not saved: ${(e as Error).message}`);
    }
  };
  return (
    <form
      class="save"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label>
        fleet token <input type="password" name="token" autocomplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
      </label>{' '}
      <button type="submit" class="save-button" disabled={!token}>
        Save to fleet
      </button>{' '}
      <span class="save-state">{state}</span>
      <p class="hint">Sends this report (no bytes of the binary) to the server this page came from.</p>
    </form>
  );
}

export function BinaryView({ analysis: a, findings, targetName, onSbom, onRender, onFunctions, onInspectJson, onAtomics, onSeccomp }: ViewProps) {
  const name = base(a.report.path) || 'binary';
  const sbom = async (format: 'cyclonedx' | 'spdx') => download(`${name}.${format === 'spdx' ? 'spdx' : 'cdx'}.json`, await onSbom(format));
  const findingsFile = async (format: 'json' | 'sarif') =>
    download(
      format === 'sarif' ? `${name}.sarif` : `${name}.findings.json`,
      await onRender(findings ?? [], format),
      format === 'sarif' ? 'application/sarif+json' : undefined,
    );
  return (
    <article class="binary" data-path={a.report.path} data-go-version={a.report.go.version ?? ''} data-functions={a.report.pclntab?.functionCount ?? ''}>
      <h2>{a.report.path}</h2>
      <Summary a={a} />
      <section>
        <h3>Findings {targetName ? `against ${targetName}` : '(binary only: choose a host snapshot for the host checks)'}</h3>
        {findings ? <Findings findings={findings} empty="No findings." /> : <p class="none">checking…</p>}
      </section>
      <section>
        <h3>Where the bytes go</h3>
        {a.tree && a.size ? <Treemap tree={a.tree} total={a.size.fileSize} /> : <p class="none">{a.sizeError ?? 'No size report.'}</p>}
        <details>
          <summary>largest packages</summary>
          <Packages a={a} />
        </details>
      </section>
      {a.report.pclntab && (
        <section class="atomics-section">
          <h3>Atomics ({a.report.file.arch})</h3>
          <AtomicsSection arch={a.report.file.arch} ready={a.atomics !== null} name={name} ask={onAtomics} />
        </section>
      )}
      {a.report.file.format === 'elf' && a.report.go.isGo && (
        <section class="seccomp-section">
          <h3>Syscalls and seccomp profile</h3>
          <SeccompSection arch={a.report.file.arch} unsupported={a.seccompUnsupported} name={name} ask={onSeccomp} />
        </section>
      )}
      {a.report.pclntab && (
        <section>
          <h3>Functions</h3>
          <Functions find={onFunctions} />
        </section>
      )}
      <section>
        <h3>Modules</h3>
        <details>
          <summary>{a.report.buildInfo ? `${a.report.buildInfo.deps.length} dependencies` : 'none'}</summary>
          <ModulesTable buildInfo={a.report.buildInfo} none="No build info: no module list." />
        </details>
      </section>
      <section class="downloads">
        <h3>Downloads</h3>
        <button type="button" data-download="cyclonedx" onClick={() => sbom('cyclonedx')}>
          SBOM (CycloneDX 1.6)
        </button>{' '}
        <button type="button" data-download="spdx" onClick={() => sbom('spdx')}>
          SBOM (SPDX 2.3)
        </button>{' '}
        <button type="button" data-download="findings" disabled={!findings} onClick={() => findingsFile('json')}>
          findings (JSON)
        </button>{' '}
        <button type="button" data-download="sarif" disabled={!findings} onClick={() => findingsFile('sarif')}>
          findings (SARIF)
        </button>{' '}
        <button type="button" data-download="report" onClick={() => download(`${name}.inspect.json`, `${JSON.stringify(a.report)}\n`)}>
          inspect report (JSON)
        </button>{' '}
        {a.report.pclntab && (
          <>
            <button type="button" data-download="functions" onClick={async () => download(`${name}.functions.json`, await onInspectJson())}>
              inspect report with functions (JSON)
            </button>{' '}
          </>
        )}
        <button type="button" data-download="size" disabled={!a.size} onClick={() => download(`${name}.size.json`, `${JSON.stringify(a.size, null, 2)}\n`)}>
          size report (JSON)
        </button>
        <p class="hint">SBOMs are made here without licence texts (the CLI finds those in your module cache: goready sbom).</p>
      </section>
      <SaveToFleet a={a} />
    </article>
  );
}
