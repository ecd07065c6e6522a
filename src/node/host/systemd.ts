import { spawnSync } from 'node:child_process';
import { type HostSnapshot, SYSTEMD_PROPERTIES, type SystemdProperty } from '../../core/facts/host.js';
import { isExecutableFile, lines } from './read.js';

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const d of (env.PATH ?? '').split(':')) {
    const p = `${d === '' ? '.' : d}/${name}`;
    if (isExecutableFile(p)) return p;
  }
  return null;
}

/** The limits systemd gives UNIT: `systemctl show UNIT -p SYSTEMD_PROPERTIES`, the only program the collector runs. */
export function systemd(unit: string | null | undefined, env: NodeJS.ProcessEnv): HostSnapshot['systemd'] {
  if (unit === null || unit === undefined) return null;
  const exe = findOnPath('systemctl', env);
  if (exe === null) return { unit, properties: null, note: 'systemctl not found' };
  const r = spawnSync(exe, ['show', unit, '-p', SYSTEMD_PROPERTIES.join(',')], { encoding: 'utf8', env, timeout: 15_000 });
  if (r.status !== 0) {
    const first = (r.stderr ?? '').split('\n')[0] ?? '';
    return { unit, properties: null, note: `systemctl show failed (exit ${r.status ?? 'signal'})${first ? `: ${first}` : ''}` };
  }
  const properties = Object.fromEntries(SYSTEMD_PROPERTIES.map((p) => [p, null])) as Record<SystemdProperty, string | null>;
  for (const l of lines(r.stdout)) {
    const i = l.indexOf('=');
    const k = l.slice(0, i) as SystemdProperty;
    if (i > 0 && (SYSTEMD_PROPERTIES as readonly string[]).includes(k) && properties[k] === null) properties[k] = l.slice(i + 1);
  }
  return { unit, properties, note: null };
}
