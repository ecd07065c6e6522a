/**
 * The fleet server behind the page, when there is one. `goready serve` marks the page it serves
 * with a meta tag; the static build has none, so it never sends a request anywhere.
 */

export function fleetServer(): string | null {
  return document.querySelector<HTMLMetaElement>('meta[name="goready-server"]')?.content ?? null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (!res.ok) {
    const why = json && typeof json === 'object' && 'error' in json ? String((json as { error: unknown }).error) : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, why);
  }
  return json as T;
}

/** fetch, with a network failure (offline, server stopped) said in words rather than "Failed to fetch". */
async function request(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `the fleet server did not answer (${(e as Error).message}): is goready serve running and this machine online?`);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await request(path, { headers: { accept: 'application/json' } }));
}

export async function postJson<T>(path: string, body: unknown, token: string): Promise<T> {
  return answer<T>(
    await request(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }),
  );
}

const TOKEN_KEY = 'goready-token';

/** The token is kept for this tab only. */
export const savedToken = (): string => sessionStorage.getItem(TOKEN_KEY) ?? '';
export const saveToken = (t: string): void => sessionStorage.setItem(TOKEN_KEY, t);

export const enc = encodeURIComponent;
