/** Loads one API resource for a page; reloads when the path changes. */
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../server.js';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; data: T };

export function useApi<T>(path: string | null): Loaded<T> {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setV({ state: 'loading' });
    getJson<T>(path).then(
      (data) => live && setV({ state: 'ok', data }),
      (e: unknown) => live && setV({ state: 'error', message: (e as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return v;
}
