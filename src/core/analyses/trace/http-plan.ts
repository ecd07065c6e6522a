/**
 * Which instructions of a Go net/http server to probe and what to read there, for one binary.
 *
 * Three function-entry probes per request, never a return probe (a uretprobe rewrites the return
 * address on a goroutine stack that Go moves: the server dies):
 *   serve    net/http.serverHandler.ServeHTTP       handler starts: goroutine, method, path, peer, fd
 *   finish   net/http.(*response).finishRequest     handler returned: status, the ServeMux pattern
 *   flushed  net/http.(*connReader).abortPendingRead  finishRequest's flush of the response returned
 * Each is placed on the prologue's stack-check branch when the code allows (see code/probe-site):
 * the kernel emulates a branch, where any other instruction is single-stepped in a second trap.
 *
 * Register ABI (Go ≥ 1.17 amd64, ≥ 1.18 arm64): arguments in AX BX CX DI SI … (amd64) or
 * X0 X1 … (arm64); the goroutine in R14 (amd64) or X28 (arm64). ServeHTTP's receiver is a
 * one-pointer struct (AX), `rw ResponseWriter` an interface (BX itab, CX data = *response), so the
 * *Request is DI.
 */
import type { ProbeSite } from '../../code/probe-site.js';
import type { GoField, GoOffsets } from '../../go/offsets.js';
import type { FetchArg } from '../../linux/uprobe.js';

export type HttpProbeName = 'serve' | 'finish' | 'flushed';

export type { ProbeSite };

export const HTTP_FUNCTIONS: Record<HttpProbeName, string> = {
  serve: 'net/http.serverHandler.ServeHTTP',
  finish: 'net/http.(*response).finishRequest',
  flushed: 'net/http.(*connReader).abortPendingRead',
};

export interface HttpProbe {
  name: HttpProbeName;
  function: string;
  entry: number;
  site: ProbeSite;
  fetch: FetchArg[];
}

/** A phase or field the trace cannot give for this binary, and why (said once in the output). */
export interface Limitation {
  what: string;
  why: string;
}

export interface HttpPlan {
  arch: 'amd64' | 'arm64';
  probes: HttpProbe[];
  /** Where the struct offsets came from. */
  offsets: 'dwarf' | 'table' | 'none';
  limitations: Limitation[];
}

const REGS = {
  amd64: { g: 'r14', arg: ['ax', 'bx', 'cx', 'di', 'si', 'r8', 'r9', 'r10', 'r11'] },
  arm64: { g: 'x28', arg: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'] },
} as const;

/** Bytes fetched per string, in 8-byte words: paths up to 128 bytes are whole. */
const PATH_WORDS = 16;
const PATTERN_WORDS = 8;
const PEER_WORDS = 6;
const METHOD_WORDS = 2;

export interface HttpPlanInput {
  arch: string;
  /** The function table: name → entry. */
  functions: ReadonlyMap<string, number>;
  sites: ReadonlyMap<string, ProbeSite>;
  offsets: GoOffsets;
  offsetsSource: 'dwarf' | 'table' | 'none';
  /** Why offsets are missing when they are (e.g. "Go 1.28 is newer than the table and the binary has no DWARF"). */
  offsetsNote?: string;
}

/** Plans the probes; throws when the binary is not something this trace can follow. */
export function planHttp(input: HttpPlanInput): HttpPlan {
  if (input.arch !== 'amd64' && input.arch !== 'arm64') throw new Error(`trace http reads Go's registers on amd64 and arm64; this binary is ${input.arch}`);
  const arch = input.arch;
  const r = REGS[arch];
  const off = input.offsets;
  const limitations: Limitation[] = [];
  const lack = (fields: GoField[]) => fields.filter((f) => off[f] === undefined);
  const why = (fields: GoField[]) => `${input.offsetsNote ?? 'the struct layout is unknown'} (needs ${fields.join(', ')})`;

  const entry = (name: HttpProbeName): number | undefined => input.functions.get(HTTP_FUNCTIONS[name]);
  if (entry('serve') === undefined) throw new Error(`no ${HTTP_FUNCTIONS.serve} in the function table: not a net/http server`);
  if (entry('finish') === undefined) throw new Error(`no ${HTTP_FUNCTIONS.finish} in the function table: this net/http is not one goready knows`);

  const g = (): FetchArg[] => {
    const out: FetchArg[] = [{ name: 'g', reg: r.g, path: [], type: 'u64' }];
    if (off['runtime.g.goid'] !== undefined) out.push({ name: 'goid', reg: r.g, path: [off['runtime.g.goid']], type: 's64' });
    return out;
  };
  const req = r.arg[3];
  const resp = r.arg[2];
  // A Go string {data, len} whose header is reached through `at`: its bytes and its length.
  const str = (name: string, reg: string, at: number[], words: number): FetchArg[] => {
    const head = at.slice(0, -1);
    const field = at[at.length - 1] as number;
    return [
      { name, reg, path: [...head, field, 0], type: 'u64', count: words },
      { name: `${name}_len`, reg, path: [...head, field + 8], type: 's64' },
    ];
  };

  const serve: FetchArg[] = [...g(), { name: 'req', reg: req, path: [], type: 'u64' }];
  if (off['runtime.g.goid'] === undefined) limitations.push({ what: 'goroutine IDs', why: why(['runtime.g.goid']) });

  const method = off['net/http.Request.Method'];
  if (method !== undefined) serve.push(...str('method', req, [method], METHOD_WORDS));
  const pathFields: GoField[] = ['net/http.Request.URL', 'net/url.URL.Path'];
  if (!lack(pathFields).length) serve.push(...str('path', req, [off['net/http.Request.URL'] as number, off['net/url.URL.Path'] as number], PATH_WORDS));
  const nameFields = lack(['net/http.Request.Method', ...pathFields]);
  if (nameFields.length) limitations.push({ what: 'method and path', why: why(nameFields) });
  const remote = off['net/http.Request.RemoteAddr'];
  if (remote !== undefined) serve.push(...str('peer', req, [remote], PEER_WORDS));

  // The connection's file descriptor: *response → conn → rwc (net.Conn: itab, data=*TCPConn) →
  // TCPConn.conn.fd (*netFD) → pfd (poll.FD) → Sysfd.
  const fdFields: GoField[] = ['net/http.response.conn', 'net/http.conn.rwc', 'net.TCPConn.conn', 'net.conn.fd', 'net.netFD.pfd', 'internal/poll.FD.Sysfd'];
  if (!lack(fdFields).length) {
    const o = (f: GoField) => off[f] as number;
    serve.push({
      name: 'fd',
      reg: resp,
      path: [
        o('net/http.response.conn'),
        o('net/http.conn.rwc') + 8,
        o('net.TCPConn.conn') + o('net.conn.fd'),
        o('net.netFD.pfd') + o('internal/poll.FD.Sysfd'),
      ],
      type: 's64',
    });
  } else limitations.push({ what: 'connection phases (accept wait, read, write) and peer', why: why(lack(fdFields)) });

  const finish: FetchArg[] = [{ name: 'g', reg: r.g, path: [], type: 'u64' }];
  // ServeMux sets Request.Pattern inside ServeHTTP, so it is read when the handler returns, through w.req.
  const pattern = off['net/http.Request.Pattern'];
  const wreq = off['net/http.response.req'];
  if (pattern !== undefined && wreq !== undefined) finish.push(...str('pattern', r.arg[0], [wreq, pattern], PATTERN_WORDS));
  const status = off['net/http.response.status'];
  const wrote = off['net/http.response.wroteHeader'];
  if (status !== undefined && wrote !== undefined) {
    finish.push({ name: 'status', reg: r.arg[0], path: [status], type: 's64' }, { name: 'wrote', reg: r.arg[0], path: [wrote], type: 'u8' });
  } else limitations.push({ what: 'status', why: why(lack(['net/http.response.status', 'net/http.response.wroteHeader'])) });

  const probes: HttpProbe[] = [];
  const add = (name: HttpProbeName, fetch: FetchArg[]) => {
    const e = entry(name);
    if (e === undefined) return;
    probes.push({ name, function: HTTP_FUNCTIONS[name], entry: e, site: input.sites.get(HTTP_FUNCTIONS[name]) ?? { addr: e, emulated: false }, fetch });
  };
  add('serve', serve);
  add('finish', finish);
  if (entry('flushed') !== undefined) add('flushed', [{ name: 'g', reg: r.g, path: [], type: 'u64' }]);
  else limitations.push({ what: 'write phase', why: `no ${HTTP_FUNCTIONS.flushed} in the function table` });

  return {
    arch,
    probes,
    offsets: input.offsetsSource,
    limitations,
  };
}
