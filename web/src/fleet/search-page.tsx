/** "Where do we ship golang.org/x/net < 0.23?": binaries by module and version. */
import { useState } from 'preact/hooks';
import type { SearchAnswer } from '../../../src/server/api-types.js';
import { text } from '../format.js';
import { enc } from '../server.js';
import { BinaryLink, HostLink, Load } from './common.js';
import { useApi } from './use-api.js';

export function SearchPage({ q }: { q: string | null }) {
  const [input, setInput] = useState(q ?? '');
  const v = useApi<SearchAnswer>(q ? `api/search?q=${enc(q)}` : null);
  return (
    <main>
      <h1>Search by module</h1>
      <form
        class="pick"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = `#/search?q=${enc(input)}`;
        }}
      >
        <input
          id="search"
          type="search"
          size={48}
          placeholder="golang.org/x/net<0.23 or golang.org/x/net@v0.17.0"
          value={input}
          onInput={(e) => setInput((e.target as HTMLInputElement).value)}
        />{' '}
        <button type="submit">Search</button>
      </form>
      {q && (
        <Load v={v}>
          {(a) => (
            <>
              <p id="search-summary">
                {a.hits.length} binar{a.hits.length === 1 ? 'y ships' : 'ies ship'} {a.query.path}
                {a.query.op ? ` ${a.query.op} ${a.query.version}` : ''}
              </p>
              {a.hits.length > 0 && (
                <table class="grid hits">
                  <thead>
                    <tr>
                      <th>binary</th>
                      <th>version</th>
                      <th>replaced by</th>
                      <th>Go</th>
                      <th>seen on</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.hits.map((h) => (
                      <tr key={h.binary} data-binary={h.binary} data-version={h.shipped ?? ''}>
                        <td>
                          <BinaryLink name={h.binary} />
                        </td>
                        <td>{h.version}</td>
                        <td>{h.replace ? `${h.replace.path} ${h.replace.version}` : ''}</td>
                        <td>{text(h.goVersion)}</td>
                        <td>
                          {h.seenOn.map((s, i) => (
                            <span key={s}>
                              {i > 0 && ', '}
                              <HostLink name={s} />
                            </span>
                          ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </Load>
      )}
    </main>
  );
}
