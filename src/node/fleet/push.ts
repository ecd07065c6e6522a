/** Sends a snapshot or reports to a fleet server (`goready serve`): `goready host --push`, `goready inspect --push`. */
import { hostname } from 'node:os';
import type { HostSnapshot } from '../../core/facts/host.js';
import { binaryFacts } from '../binary-facts.js';
import { inspectPaths } from '../files/inspect.js';

/** The server's base URL → the API endpoint; `http://h:7070`, `http://h:7070/` and the endpoint's own URL all work. */
export function endpoint(base: string, path: '/api/snapshots' | '/api/reports'): URL {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    // URL's own message names no flag: say which one was wrong and what is expected.
    throw new Error(`--push ${base}: not a URL (expected e.g. http://127.0.0.1:7070)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--push ${base}: only http and https URLs`);
  if (!u.pathname.endsWith(path)) u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
  return u;
}

/** The server's body limits (src/server/app.ts): refused here with a clear line rather than by a closed connection. */
const LIMITS = { '/api/snapshots': 8 << 20, '/api/reports': 32 << 20 } as const;

/** POSTs JSON with the bearer token and returns the server's JSON answer; a refusal throws one line with the server's reason. */
export async function pushJson(url: URL, token: string, body: string, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  const limit = LIMITS[u.pathname.endsWith('/api/snapshots') ? '/api/snapshots' : '/api/reports'];
  const size = Buffer.byteLength(body);
  if (size > limit) throw new Error(`push to ${u.origin}: ${size} bytes is over the server's ${limit >> 20} MiB limit for ${u.pathname}`);
  let res: Response;
  try {
    res = await fetch(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      // A server that takes longer than this for one push is not coming back.
      signal: AbortSignal.timeout(120_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`push to ${u.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status and the text say enough.
  }
  if (!res.ok) {
    const why = json && typeof json === 'object' && 'error' in json ? String((json as { error: unknown }).error) : text.slice(0, 200);
    throw new Error(`push to ${u.origin}: ${res.status} ${why}`);
  }
  return (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
}

/** `goready host --push`: one snapshot, named by `name` or (on the server) by its hostname. */
export async function pushSnapshot(
  snapshot: HostSnapshot,
  base: string,
  token: string,
  name?: string,
): Promise<{ host: string; snapshot: number; evaluated: number }> {
  const a = await pushJson(endpoint(base, '/api/snapshots'), token, JSON.stringify(snapshot), name ? { host: name } : {});
  return { host: String(a.host), snapshot: Number(a.snapshot), evaluated: Number(a.evaluated ?? 0) };
}

/**
 * `goready inspect --push`: each Go binary's report with the code facts the checks take from its
 * machine code and function table (read here, where the binary is; only the facts are sent), one
 * push per binary, marked as found on this host.
 */
export async function* pushReports(
  paths: string[],
  base: string,
  token: string,
): AsyncGenerator<{ path: string; binary?: string; evaluated?: number; error?: string }> {
  const url = endpoint(base, '/api/reports');
  const from = hostname();
  const done = new Set<string>();
  // The walk finds the Go binaries (as inspect does); binaryFacts reads each for the checks, as check does.
  for await (const item of inspectPaths(paths)) {
    if ('empty' in item) {
      yield { path: item.empty, error: `${item.empty}: no Go binaries found` };
      continue;
    }
    if ('error' in item) {
      yield { path: '', error: item.error };
      continue;
    }
    const file = item.report.path;
    if (done.has(file)) continue;
    done.add(file);
    for (const { report, code } of await binaryFacts(file)) {
      try {
        const a = await pushJson(url, token, JSON.stringify({ ...report, ...(code ? { code } : {}) }), { from });
        const stored = (a.binaries as { binary: string; evaluated: number }[] | undefined)?.[0];
        yield { path: file, binary: stored?.binary ?? file, evaluated: stored?.evaluated ?? 0 };
      } catch (e) {
        // The server is unreachable or refuses the token: the next binary would fare no better.
        if (!/: 4\d\d /.test((e as Error).message) || /: 401 /.test((e as Error).message)) throw e;
        yield { path: file, error: `${file}: ${(e as Error).message}` };
      }
    }
  }
}
