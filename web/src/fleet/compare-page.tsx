/** Two hosts side by side: the findings that fire differently, then every fact that differs. */
import { useState } from 'preact/hooks';
import type { HostComparison, HostSummary } from '../../../src/server/api-types.js';
import { enc } from '../server.js';
import { BinaryLink, FactChanges, FindingChanges, Load } from './common.js';
import { useApi } from './use-api.js';

export function ComparePage({ a, b }: { a: string | null; b: string | null }) {
  const hosts = useApi<HostSummary[]>('api/hosts');
  const cmp = useApi<HostComparison>(a && b ? `api/compare?a=${enc(a)}&b=${enc(b)}` : null);
  const [pa, setPa] = useState(a ?? '');
  const [pb, setPb] = useState(b ?? '');
  return (
    <main>
      <h1>Compare two hosts</h1>
      <Load v={hosts}>
        {(hs) => (
          <form
            class="pick"
            onSubmit={(e) => {
              e.preventDefault();
              location.hash = `#/compare?a=${enc(pa)}&b=${enc(pb)}`;
            }}
          >
            {[
              ['A', pa, setPa],
              ['B', pb, setPb],
            ].map(([label, value, set]) => (
              <label key={label as string}>
                {label as string}{' '}
                <select value={value as string} onChange={(e) => (set as (v: string) => void)((e.target as HTMLSelectElement).value)}>
                  <option value="">—</option>
                  {hs.map((h) => (
                    <option key={h.name} value={h.name}>
                      {h.name}
                    </option>
                  ))}
                </select>{' '}
              </label>
            ))}
            <button type="submit" disabled={!pa || !pb}>
              Compare
            </button>
          </form>
        )}
      </Load>
      {a && b && (
        <Load v={cmp}>
          {(c) => (
            <>
              <h2>Findings that differ</h2>
              {c.findings.length === 0 ? (
                <p class="none">Every binary gets the same findings on both.</p>
              ) : (
                c.findings.map((f) => (
                  <section key={f.binary} data-binary={f.binary}>
                    <h3>
                      <BinaryLink name={f.binary} />
                    </h3>
                    <FindingChanges changes={f.changes} a={c.a} b={c.b} />
                  </section>
                ))
              )}
              <h2>Facts that differ</h2>
              <FactChanges groups={c.groups} a={c.a} b={c.b} />
            </>
          )}
        </Load>
      )}
    </main>
  );
}
