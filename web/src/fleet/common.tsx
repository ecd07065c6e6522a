/** Pieces the fleet pages share: loading states, fact changes, links. */
import type { ComponentChildren } from 'preact';
import type { FactChange, FindingChange } from '../../../src/index.js';
import { SeverityBadge } from '../findings.js';
import { href } from '../router.js';
import type { Loaded } from './use-api.js';

export function Load<T>({ v, children }: { v: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (v.state === 'loading') return <p class="none">loading…</p>;
  if (v.state === 'error') return <p class="error">{v.message}</p>;
  return <>{children(v.data)}</>;
}

export const HostLink = ({ name }: { name: string }) => <a href={href(['hosts', name])}>{name}</a>;
export const BinaryLink = ({ name }: { name: string }) => <a href={href(['binaries', name])}>{name}</a>;

const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function FactChanges({ groups, a, b }: { groups: { group: string; changes: FactChange[] }[]; a: string; b: string }) {
  if (!groups.length) return <p class="none">No facts differ.</p>;
  return (
    <table class="grid changes">
      <thead>
        <tr>
          <th>fact</th>
          <th>{a}</th>
          <th>{b}</th>
        </tr>
      </thead>
      {groups.map((g) => (
        <tbody key={g.group}>
          <tr class="group">
            <th colSpan={3}>{g.group}</th>
          </tr>
          {g.changes.map((c) => (
            <tr key={c.key} data-key={c.key}>
              <td>
                <code>{c.key}</code>
              </td>
              <td>{c.onlyA || c.onlyB ? (c.onlyA ?? []).map((x) => `− ${x}`).join('\n') || '—' : show(c.a)}</td>
              <td>{c.onlyA || c.onlyB ? (c.onlyB ?? []).map((x) => `+ ${x}`).join('\n') || '—' : show(c.b)}</td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}

export function FindingChanges({ changes, a, b }: { changes: FindingChange[]; a: string; b: string }) {
  return (
    <table class="grid finding-changes">
      <thead>
        <tr>
          <th>finding</th>
          <th>{a}</th>
          <th>{b}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.id} data-id={c.id}>
            <td>
              <code>{c.id}</code> {c.title}
            </td>
            <td>{c.a ? <SeverityBadge severity={c.a.severity} /> : 'does not fire'}</td>
            <td>{c.b ? <SeverityBadge severity={c.b.severity} /> : 'does not fire'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
