/** One host: its newest facts, the findings of every binary on it, and how it drifted over time. */
import type { DriftStep, HostDetail, PairEntry } from '../../../src/server/api-types.js';
import { SeverityBadge } from '../findings.js';
import { bytes, limit, text, when } from '../format.js';
import { enc } from '../server.js';
import { BinaryLink, FactChanges, Load } from './common.js';
import { useApi } from './use-api.js';

export function HostPage({ name }: { name: string }) {
  const host = useApi<HostDetail>(`api/hosts/${enc(name)}`);
  const drift = useApi<DriftStep[]>(`api/hosts/${enc(name)}/drift`);
  const pairs = useApi<PairEntry[]>(`api/matrix?host=${enc(name)}`);
  return (
    <main>
      <h1>Host {name}</h1>
      <Load v={host}>
        {(h) => {
          const s = h.snapshot;
          if (!s) return <p class="none">No snapshot.</p>;
          const nofile = s.limits?.['Max open files'];
          return (
            <table class="kv">
              <tbody>
                <tr>
                  <th>collected</th>
                  <td>
                    {when(s.collectedAt)} by the {s.collector} collector
                  </td>
                </tr>
                <tr>
                  <th>kernel</th>
                  <td>
                    {text(s.kernel.release)} {text(s.kernel.machine)}
                  </td>
                </tr>
                <tr>
                  <th>distro</th>
                  <td>{text(s.distro.prettyName)}</td>
                </tr>
                <tr>
                  <th>libc</th>
                  <td>
                    {s.libc.family} {text(s.libc.version)} {s.libc.file ? `(${s.libc.file})` : ''}
                  </td>
                </tr>
                <tr>
                  <th>CPU</th>
                  <td>
                    {text(s.cpu.modelName)}, {text(s.cpu.arch)} {s.cpu.x86Level ?? ''} {s.cpu.atomics === null ? '' : s.cpu.atomics ? 'LSE' : 'no LSE'},{' '}
                    {text(s.cpu.onlineCount)} online
                  </td>
                </tr>
                <tr>
                  <th>memory</th>
                  <td>{s.memory.totalKiB === null ? '—' : bytes(s.memory.totalKiB * 1024)}</td>
                </tr>
                <tr>
                  <th>open files</th>
                  <td>{nofile ? `${limit(nofile.soft)} soft, ${limit(nofile.hard)} hard` : '—'}</td>
                </tr>
                <tr>
                  <th>cgroup</th>
                  <td>
                    {text(s.cgroup.version)}: CPU quota {text(s.cgroup.cpu.quotaUsec)}/{text(s.cgroup.cpu.periodUsec)} µs, memory {text(s.cgroup.memory.max)},
                    pids {text(s.cgroup.pids.max)}
                  </td>
                </tr>
                <tr>
                  <th>clocksource</th>
                  <td>{text(s.clocksource.current)}</td>
                </tr>
                <tr>
                  <th>THP</th>
                  <td>{text(s.thp.enabled)}</td>
                </tr>
                <tr>
                  <th>snapshots</th>
                  <td>{h.snapshots.length}</td>
                </tr>
              </tbody>
            </table>
          );
        }}
      </Load>
      <h2>Binaries on this host</h2>
      <Load v={pairs}>
        {(ps) =>
          ps.length === 0 ? (
            <p class="none">No binary reports yet.</p>
          ) : (
            <table class="grid">
              <tbody>
                {ps.map((p) => (
                  <tr key={p.binary}>
                    <td>
                      <BinaryLink name={p.binary} />
                    </td>
                    <td>
                      <SeverityBadge severity={p.worst} />
                    </td>
                    <td>{p.findings.map((f) => f.id).join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
      <h2>Drift over time</h2>
      <Load v={drift}>
        {(steps) =>
          steps.length === 0 ? (
            <p class="none">One snapshot so far: nothing to compare.</p>
          ) : (
            steps.map((st) => (
              <section key={st.to.id} class="drift-step" data-from={st.from.id} data-to={st.to.id}>
                <h3>
                  {when(st.from.collectedAt)} → {when(st.to.collectedAt)}
                </h3>
                <FactChanges groups={st.groups} a={`#${st.from.id}`} b={`#${st.to.id}`} />
              </section>
            ))
          )
        }
      </Load>
    </main>
  );
}
