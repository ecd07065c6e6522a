/** The binaries of the fleet: one row per binary from its newest report. */
import type { BinarySummary } from '../../../src/server/api-types.js';
import { SeverityBadge } from '../findings.js';
import { bytes, text, when } from '../format.js';
import { BinaryLink, HostLink, Load } from './common.js';
import { useApi } from './use-api.js';

export function BinariesPage() {
  const v = useApi<BinarySummary[]>('api/binaries');
  return (
    <main>
      <h1>Binaries</h1>
      <Load v={v}>
        {(list) =>
          list.length === 0 ? (
            <p class="none">
              No binary reports yet: <code>goready inspect --push URL BINARY…</code>, or “Save to fleet” on the analysis page.
            </p>
          ) : (
            <table class="grid binaries">
              <thead>
                <tr>
                  <th>binary</th>
                  <th>worst</th>
                  <th>Go</th>
                  <th>main module</th>
                  <th>modules</th>
                  <th>size</th>
                  <th>functions</th>
                  <th>file</th>
                  <th>linkage</th>
                  <th>seen on</th>
                  <th>last report</th>
                </tr>
              </thead>
              <tbody>
                {list.map((b) => (
                  <tr key={b.name} data-binary={b.name}>
                    <td>
                      <BinaryLink name={b.name} />
                    </td>
                    <td>
                      <SeverityBadge severity={b.worst} />
                    </td>
                    <td>{text(b.goVersion)}</td>
                    <td>{b.main ? `${b.main.path} ${b.main.version}` : '—'}</td>
                    <td>{b.modules}</td>
                    <td>{bytes(b.size)}</td>
                    <td>{text(b.functions)}</td>
                    <td>
                      {b.format} {b.arch}
                      {b.stripped ? ', stripped' : ''}
                    </td>
                    <td>{b.static ? 'static' : `dynamic${b.minGlibc ? `, glibc ≥ ${b.minGlibc}` : ''}`}</td>
                    <td>
                      {b.seenOn.map((h, i) => (
                        <span key={h}>
                          {i > 0 && ', '}
                          <HostLink name={h} />
                        </span>
                      ))}
                    </td>
                    <td>{when(b.lastSeen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </main>
  );
}
