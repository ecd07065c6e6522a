/**
 * The syscalls a Linux Go binary can make, found statically (`goready seccomp`), with the sites of
 * each, and the OCI seccomp profile that allows exactly those (`--format oci`). Found when asked:
 * it reads all the code, and amd64 and 386 load the x86 decoder (WebAssembly) in the worker.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SeccompReport, SeccompSyscall } from '../../../src/index.js';
import { download } from '../format.js';
import type { SeccompAnswer } from './worker-client.js';

/** Sites listed per syscall; the JSON download has them all. */
const SITES_SHOWN = 3;
const RUNTIMES = ['runc', 'crun', 'none'];

function Sites({ s, runtime }: { s: SeccompSyscall; runtime: string | null }) {
  const tags = s.origin.filter((o) => o !== 'code').map((o) => (o === 'container' ? (runtime ?? 'runtime') : o));
  return (
    <>
      {s.sites.slice(0, SITES_SHOWN).map((x) => (
        <div key={`${x.pc}-${x.function}`} class="site">
          {x.function} <code>0x{x.pc.toString(16)}</code> ({x.kind}
          {x.via ? ` via ${x.via}` : ''}
          {x.global ? `, global ${x.global}${x.setBy ? ` set by ${x.setBy}` : ''}` : ''})
        </div>
      ))}
      {s.sites.length > SITES_SHOWN && <div class="site more">… {s.sites.length - SITES_SHOWN} more sites</div>}
      {tags.length > 0 && s.reason && (
        <div class="reason">
          [{tags.join(', ')}] {s.reason}
        </div>
      )}
    </>
  );
}

function Syscalls({ r }: { r: SeccompReport }) {
  const code = r.syscalls.filter((s) => s.origin.includes('code')).length;
  return (
    <>
      <p data-field="syscall-summary">
        {r.syscalls.length} syscalls (linux/{r.arch}): {code} from sites in the code, {r.syscalls.length - code} more that Go
        {r.runtime ? ` or ${r.runtime}` : ''} needs; {r.unresolved.length} unresolved site{r.unresolved.length === 1 ? '' : 's'}
      </p>
      <table class="grid syscalls">
        <thead>
          <tr>
            <th>syscall</th>
            <th class="n">nr</th>
            <th>sites, or why it is needed</th>
          </tr>
        </thead>
        <tbody>
          {r.syscalls.map((s) => (
            <tr key={s.name} data-syscall={s.name} data-sites={s.sites.length}>
              <td>{s.name}</td>
              <td class="n">{s.nr}</td>
              <td>
                <Sites s={s} runtime={r.runtime} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.unresolved.length > 0 && (
        <details>
          <summary>{r.unresolved.length} unresolved sites (the number is not a constant there)</summary>
          <ul>
            {r.unresolved.map((u) => (
              <li key={u.pc}>
                {u.function} at <code>0x{u.pc.toString(16)}</code>: {u.why}
              </li>
            ))}
          </ul>
        </details>
      )}
      {r.notes.length > 0 && (
        <ul class="notes">
          {r.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </>
  );
}

export function SeccompSection({
  arch,
  unsupported,
  name,
  ask,
}: {
  arch: string;
  unsupported: string | null;
  name: string;
  ask: (runtime: string) => Promise<SeccompAnswer>;
}) {
  const [wanted, setWanted] = useState(false);
  const [runtime, setRuntime] = useState('runc');
  const [answer, setAnswer] = useState<{ runtime: string; a: SeccompAnswer } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    setError(null);
    ask(runtime).then(
      (a) => live && setAnswer({ runtime, a }),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [wanted, runtime]);
  const picker = (
    <label>
      container runtime{' '}
      <select id="seccomp-runtime" value={runtime} onChange={(e) => setRuntime((e.target as HTMLSelectElement).value)}>
        {RUNTIMES.map((r) => (
          <option key={r} value={r}>
            {r === 'none' ? 'none (the binary and Go only)' : r}
          </option>
        ))}
      </select>
    </label>
  );
  if (unsupported) return <p class="none seccomp-note">No seccomp profile: {unsupported}.</p>;
  if (!wanted)
    return (
      <p>
        {picker}{' '}
        <button type="button" data-action="seccomp" onClick={() => setWanted(true)}>
          Find the syscalls
        </button>{' '}
        <span class="hint">
          Reads all the code{arch === 'amd64' || arch === '386' ? '; loads the x86 decoder (WebAssembly) in the worker the first time' : ''}.
        </span>
      </p>
    );
  if (error) return <p class="error seccomp-error">seccomp: {error}</p>;
  if (!answer) return <p class="none">finding the syscalls…</p>;
  if ('unsupported' in answer.a) return <p class="none seccomp-note">No seccomp profile: {answer.a.unsupported}.</p>;
  const { report, profile } = answer.a;
  return (
    <div class="seccomp" data-runtime={answer.runtime}>
      <p>
        {picker}{' '}
        <button type="button" data-download="seccomp-oci" onClick={() => download(`${name}.seccomp.json`, profile)}>
          seccomp profile (OCI JSON)
        </button>{' '}
        <button type="button" data-download="seccomp-json" onClick={() => download(`${name}.syscalls.json`, `${JSON.stringify(report, null, 2)}\n`)}>
          syscalls with their sites (JSON)
        </button>
      </p>
      <Syscalls r={report} />
      <p class="hint">
        The profile denies everything else with EPERM. Check it against a real run with goready seccomp record, and C code (cgo) makes calls no Go site shows.
      </p>
    </div>
  );
}
