/** One binary: its build, its modules, and its findings on every host. */
import type { BinaryDetail, PairEntry } from '../../../src/server/api-types.js';
import { Findings, SeverityBadge } from '../findings.js';
import { bytes, text, when } from '../format.js';
import { ModulesTable } from '../modules.js';
import { enc } from '../server.js';
import { HostLink, Load } from './common.js';
import { useApi } from './use-api.js';

export function BinaryPage({ name }: { name: string }) {
  const v = useApi<BinaryDetail>(`api/binaries/${enc(name)}`);
  const pairs = useApi<PairEntry[]>(`api/matrix?binary=${enc(name)}`);
  return (
    <main>
      <h1>Binary {name}</h1>
      <Load v={v}>
        {(b) => {
          const r = b.report;
          return (
            <>
              <table class="kv">
                <tbody>
                  <tr>
                    <th>Go</th>
                    <td>{text(r.go.version)}</td>
                  </tr>
                  <tr>
                    <th>file</th>
                    <td>
                      {r.file.format}, {r.file.arch}, {bytes(r.file.size)}, {r.file.stripped ? 'stripped' : 'not stripped'}
                    </td>
                  </tr>
                  <tr>
                    <th>functions</th>
                    <td>{text(r.pclntab?.functionCount)}</td>
                  </tr>
                  <tr>
                    <th>linkage</th>
                    <td>
                      {r.linkage.static ? 'static' : `dynamic: ${r.linkage.needed.join(', ')}${r.linkage.minGlibc ? `; glibc ≥ ${r.linkage.minGlibc}` : ''}`}
                    </td>
                  </tr>
                  <tr>
                    <th>reports</th>
                    <td>{b.reports.map((x) => `#${x.id} ${when(x.receivedAt)}${x.from ? ` from ${x.from}` : ''}`).join('; ')}</td>
                  </tr>
                </tbody>
              </table>
              <h2>Modules</h2>
              <ModulesTable buildInfo={r.buildInfo} none="No build info." />
            </>
          );
        }}
      </Load>
      <h2>On each host</h2>
      <Load v={pairs}>
        {(ps) =>
          ps.length === 0 ? (
            <p class="none">No host snapshots yet.</p>
          ) : (
            ps.map((p) => (
              <section key={p.host} class="pair" data-host={p.host}>
                <h3>
                  <HostLink name={p.host} /> <SeverityBadge severity={p.worst} />
                </h3>
                <Findings findings={p.findings} empty="No findings." />
              </section>
            ))
          )
        }
      </Load>
    </main>
  );
}
