/**
 * The atomics census of one binary (`goready atomics`): arm64 and arm come with the analysis;
 * amd64 and 386 are counted when asked, because that loads the x86 decoder (WebAssembly). On arm64
 * a CPU from the shipped table gives the verdict (`--cpu`).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AtomicsReport } from '../../../src/index.js';
import { Findings } from '../findings.js';
import { download } from '../format.js';
import type { AtomicsAnswer } from './worker-client.js';

const CENSUSED = ['arm64', 'arm', 'amd64', '386'];

function Totals({ a }: { a: AtomicsReport }) {
  const rows: [string, string, string][] =
    a.arch === 'arm64'
      ? [
          ['LSE', `${a.lse.total} (${a.lse.guarded} guarded, ${a.lse.unguarded} unguarded)`, 'lse'],
          ['LL/SC', `${a.llsc.total} exclusive loads/stores`, 'llsc'],
          ['LDAR/STLR/DMB', `${a.ldar} / ${a.stlr} / ${a.dmb}`, 'barriers'],
          ['requires LSE', a.requiresLSE ? 'yes: LSE instructions run with no fallback; an ARMv8.0 CPU dies with SIGILL' : 'no', 'requires-lse'],
        ]
      : a.arch === 'arm'
        ? [
            ['LDREX/STREX', `${a.llsc.total} exclusive loads/stores`, 'llsc'],
            ['DMB', String(a.dmb), 'barriers'],
          ]
        : [
            ['LOCK', `${a.lock} LOCK-prefixed read-modify-writes`, 'lock'],
            ['XCHG', `${a.xchg} exchanges with memory (locked without a prefix)`, 'xchg'],
            ['MFENCE', String(a.mfence), 'mfence'],
          ];
  return (
    <table class="kv atomics">
      <tbody>
        {rows.map(([k, v, id]) => (
          <tr key={k}>
            <th>{k}</th>
            <td data-field={id}>{v}</td>
          </tr>
        ))}
        <tr>
          <th>functions</th>
          <td data-field="atomic-functions">
            {a.functions.length} with atomic instructions{a.skippedFunctions ? `; ${a.skippedFunctions} skipped (code not in the file)` : ''}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function FunctionTable({ a }: { a: AtomicsReport }) {
  const weight = (f: AtomicsReport['functions'][number]) => f.lse + f.llsc + f.ldar + f.stlr + f.dmb + f.lock + f.xchg + f.mfence;
  const top = [...a.functions].sort((x, y) => weight(y) - weight(x)).slice(0, 50);
  const counts = (f: AtomicsReport['functions'][number]) =>
    a.arch === 'arm64'
      ? `lse ${f.lse}${f.lse ? (f.guarded ? ' guarded' : ' UNGUARDED') : ''}, llsc ${f.llsc}, ldar ${f.ldar}, stlr ${f.stlr}, dmb ${f.dmb}`
      : a.arch === 'arm'
        ? `ldrex/strex ${f.llsc}, dmb ${f.dmb}`
        : `lock ${f.lock}, xchg ${f.xchg}, mfence ${f.mfence}`;
  return (
    <details class="atomic-functions">
      <summary>
        functions with atomic instructions, most first{a.functions.length > top.length ? ` (first ${top.length} of ${a.functions.length})` : ''}
      </summary>
      <table class="grid">
        <thead>
          <tr>
            <th>function</th>
            <th>package</th>
            <th>counts</th>
          </tr>
        </thead>
        <tbody>
          {top.map((f) => (
            <tr key={f.entry} data-name={f.name}>
              <td>{f.name}</td>
              <td>{f.package}</td>
              <td>{counts(f)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function AtomicsSection({
  arch,
  ready,
  name,
  ask,
}: {
  arch: string;
  ready: boolean;
  name: string;
  ask: (cpu: string | null) => Promise<AtomicsAnswer>;
}) {
  const [wanted, setWanted] = useState(ready);
  const [cpu, setCpu] = useState('');
  const [answer, setAnswer] = useState<AtomicsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    ask(cpu || null).then(
      (r) => live && setAnswer(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [wanted, cpu]);
  if (!CENSUSED.includes(arch)) return <p class="none atomics-note">Atomics: {arch} is not analysed (arm64, amd64, 386, arm are).</p>;
  if (!wanted)
    return (
      <p>
        <button type="button" data-action="atomics" onClick={() => setWanted(true)}>
          Count the atomic instructions
        </button>{' '}
        <span class="hint">LOCK, XCHG, MFENCE; loads the x86 decoder (WebAssembly) in the worker the first time.</span>
      </p>
    );
  if (error) return <p class="error atomics-error">atomics: {error}</p>;
  if (!answer) return <p class="none">counting…</p>;
  const r = answer.result;
  return (
    <div class="atomics-census" data-arch={r.arch}>
      <Totals a={r} />
      <FunctionTable a={r} />
      {answer.cpus.length > 0 && (
        <p>
          <label>
            verdict for a CPU{' '}
            <select id="atomics-cpu" value={cpu} onChange={(e) => setCpu((e.target as HTMLSelectElement).value)}>
              <option value="">(none)</option>
              {answer.cpus.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}: {c.core}, {c.isa}, LSE {c.lse ? 'yes' : 'no'}
                </option>
              ))}
            </select>
          </label>
        </p>
      )}
      {r.verdict && (
        <div class="verdict" data-cpu={r.verdict.target}>
          <p>
            On {r.verdict.target} ({r.verdict.lse ? 'has LSE' : 'no LSE'}
            {r.verdict.cores ? `, up to ${r.verdict.cores} cores` : ''}):
          </p>
          <Findings findings={r.verdict.findings} empty="No findings: its atomics run well there." />
        </div>
      )}
      <p class="hint">{answer.memoryModel}</p>
      <button type="button" data-download="atomics" onClick={() => download(`${name}.atomics.json`, answer.text)}>
        atomics census (JSON{r.verdict ? `, verdict for ${r.verdict.target}` : ''})
      </button>
    </div>
  );
}
