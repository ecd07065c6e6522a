/**
 * Binaries × hosts: the worst severity of each pair (the summary, without findings, so a fleet of
 * thousands of hosts stays a small answer); a cell opens its findings, fetched for that pair alone.
 */
import type { PairEntry, PairSummary } from '../../../src/server/api-types.js';
import { Findings, SeverityBadge } from '../findings.js';
import { href } from '../router.js';
import { enc } from '../server.js';
import { BinaryLink, HostLink, Load } from './common.js';
import { useApi } from './use-api.js';

function Drill({ binary, host }: { binary: string; host: string }) {
  const v = useApi<PairEntry[]>(`api/matrix?binary=${enc(binary)}&host=${enc(host)}`);
  return (
    <section class="drill" id="drill">
      <h2>
        {binary} on {host}
      </h2>
      <Load v={v}>{([pair]) => <Findings findings={pair?.findings ?? []} empty="No findings: nothing fires for this pair." />}</Load>
    </section>
  );
}

export function MatrixPage({ binary, host }: { binary: string | null; host: string | null }) {
  const v = useApi<PairSummary[]>('api/matrix?summary=true');
  return (
    <main>
      <h1>Matrix</h1>
      <p class="hint">The worst finding of each binary on each host, as goready check gives it; click a cell for its findings.</p>
      <Load v={v}>
        {(pairs) => {
          if (!pairs.length) return <p class="none">No pairs yet: push host snapshots and binary reports.</p>;
          const binaries = [...new Set(pairs.map((p) => p.binary))];
          const hosts = [...new Set(pairs.map((p) => p.host))].sort();
          const at = new Map(pairs.map((p) => [`${p.binary}\u0000${p.host}`, p]));
          const open = binary !== null && host !== null ? at.get(`${binary}\u0000${host}`) : undefined;
          return (
            <>
              <div class="matrix-scroll">
                <table class="grid matrix">
                  <thead>
                    <tr>
                      <th>binary \ host</th>
                      {hosts.map((h) => (
                        <th key={h} scope="col">
                          <HostLink name={h} />
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {binaries.map((b) => (
                      <tr key={b}>
                        <th scope="row">
                          <BinaryLink name={b} />
                        </th>
                        {hosts.map((h) => {
                          const p = at.get(`${b}\u0000${h}`);
                          return (
                            <td
                              key={h}
                              class={`cell-${p?.worst ?? (p ? 'ok' : 'none')}${open === p && p ? ' open' : ''}`}
                              data-binary={b}
                              data-host={h}
                              data-worst={p ? (p.worst ?? 'ok') : ''}
                            >
                              {p ? (
                                <a href={href(['matrix'], { binary: b, host: h })} title={`${p.count} findings`}>
                                  <SeverityBadge severity={p.worst} /> {p.count > 0 ? p.count : ''}
                                </a>
                              ) : (
                                '—'
                              )}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {open && <Drill binary={open.binary} host={open.host} />}
            </>
          );
        }}
      </Load>
    </main>
  );
}
