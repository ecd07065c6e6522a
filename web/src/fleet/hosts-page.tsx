/** The hosts of the fleet: one row per host from its newest snapshot; pick two to compare. */
import { useState } from 'preact/hooks';
import type { HostSummary } from '../../../src/server/api-types.js';
import { SeverityBadge } from '../findings.js';
import { bytes, limit, text, when } from '../format.js';
import { href } from '../router.js';
import { HostLink, Load } from './common.js';
import { useApi } from './use-api.js';

const quota = (h: HostSummary) =>
  typeof h.cgroup.cpuQuotaUsec === 'number' && h.cgroup.cpuPeriodUsec
    ? `${(h.cgroup.cpuQuotaUsec / h.cgroup.cpuPeriodUsec).toFixed(2)} CPUs`
    : text(h.cgroup.cpuQuotaUsec);

export function HostsPage() {
  const v = useApi<HostSummary[]>('api/hosts');
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (n: string) => setPicked((p) => (p.includes(n) ? p.filter((x) => x !== n) : [...p.slice(-1), n]));
  return (
    <main>
      <h1>Hosts</h1>
      <Load v={v}>
        {(hosts) =>
          hosts.length === 0 ? (
            <p class="none">
              No host has pushed a snapshot yet: <code>goready host --push URL</code>, or <code>goready host --script | sh | curl …</code>.
            </p>
          ) : (
            <>
              <p>
                {picked.length === 2 ? (
                  <a id="compare-link" href={href(['compare'], { a: picked[0] as string, b: picked[1] as string })}>
                    Compare {picked[0]} and {picked[1]}
                  </a>
                ) : (
                  'Tick two hosts to compare them.'
                )}
              </p>
              <table class="grid hosts">
                <thead>
                  <tr>
                    <th />
                    <th>host</th>
                    <th>worst</th>
                    <th>last seen</th>
                    <th>kernel</th>
                    <th>distro</th>
                    <th>libc</th>
                    <th>CPU</th>
                    <th>memory</th>
                    <th>open files</th>
                    <th>cgroup CPU</th>
                    <th>cgroup memory</th>
                    <th>pids</th>
                    <th>snapshots</th>
                  </tr>
                </thead>
                <tbody>
                  {hosts.map((h) => (
                    <tr key={h.name} data-host={h.name}>
                      <td>
                        <input type="checkbox" aria-label={`compare ${h.name}`} checked={picked.includes(h.name)} onChange={() => toggle(h.name)} />
                      </td>
                      <td>
                        <HostLink name={h.name} />
                      </td>
                      <td>
                        <SeverityBadge severity={h.worst} />
                      </td>
                      <td>{when(h.lastSeen)}</td>
                      <td>{text(h.kernel)}</td>
                      <td>{text(h.distro)}</td>
                      <td>{h.libc.family ? `${h.libc.family} ${h.libc.version ?? ''}` : '—'}</td>
                      <td>
                        {text(h.cpu.arch)}
                        {h.cpu.x86Level ? ` ${h.cpu.x86Level}` : ''}
                        {h.cpu.atomics === false ? ' no LSE' : ''} × {text(h.cpu.count)}
                      </td>
                      <td>{h.memoryKiB === null ? '—' : bytes(h.memoryKiB * 1024)}</td>
                      <td>
                        {limit(h.limits.nofileSoft)} / {limit(h.limits.nofileHard)}
                      </td>
                      <td>{quota(h)}</td>
                      <td>{typeof h.cgroup.memoryMax === 'number' ? bytes(h.cgroup.memoryMax) : text(h.cgroup.memoryMax)}</td>
                      <td>{limit(h.cgroup.pidsMax)}</td>
                      <td>{h.snapshots}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Load>
    </main>
  );
}
