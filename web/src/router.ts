/** Hash routes (#/hosts, #/hosts/NAME, #/matrix?binary=…): the static build has no server to route paths. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Path segments, decoded: ['hosts', 'web1']. */
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        // A malformed escape in a hand-typed address: take the segment as written.
        return p;
      }
    });
  return { parts, query: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
}

export function href(parts: string[], query: Record<string, string> = {}): string {
  const qs = new URLSearchParams(query).toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
