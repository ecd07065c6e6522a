/**
 * Where the fields a trace reads live inside Go's runtime and net/http structs. A binary with DWARF
 * says so itself; a stripped one gets the table below, chosen by its Go version.
 *
 * The table holds the layouts of 64-bit targets (amd64, arm64). Each row is checked by the tests
 * against the DWARF of servers built by every Debian toolchain (1.19, 1.21–1.24, 1.26, 1.27);
 * 1.20 and 1.25, which Debian does not ship, agree with OpenTelemetry's offset_results.json
 * (open-telemetry/opentelemetry-go-instrumentation, internal/pkg/inject/offset_results.json) for
 * the fields it records, and with both neighbouring releases for the rest.
 */
import type { DwarfStruct } from '../object/dwarf/info.js';

/** Every field a trace may read, as `<struct>.<member>` with the struct's DWARF name. */
export const GO_FIELDS = [
  'runtime.g.goid',
  'net/http.Request.Method',
  'net/http.Request.URL',
  'net/http.Request.RemoteAddr',
  'net/http.Request.Pattern',
  'net/url.URL.Path',
  'net/http.response.conn',
  'net/http.response.req',
  'net/http.response.status',
  'net/http.response.wroteHeader',
  'net/http.conn.rwc',
  'net.TCPConn.conn',
  'net.conn.fd',
  'net.netFD.pfd',
  'internal/poll.FD.Sysfd',
] as const;

export type GoField = (typeof GO_FIELDS)[number];
export type GoOffsets = Partial<Record<GoField, number>>;

/** `net/http.Request.Method` → [`net/http.Request`, `Method`]: the struct is everything before the last dot. */
export function splitField(f: GoField): [struct: string, member: string] {
  const i = f.lastIndexOf('.');
  return [f.slice(0, i), f.slice(i + 1)];
}

/** The oldest and newest Go minor versions the table covers. */
export const TABLE_MIN = 19;
export const TABLE_MAX = 27;

/** [offset, first minor, last minor]: the field has this offset in Go 1.<first> through 1.<last>. */
type Span = [offset: number, from: number, to: number];

const TABLE: Record<GoField, Span[]> = {
  // Go 1.23 added g.syscallbp before goid; a later release dropped gobuf.ret from g.sched (seen in 1.26's source; OpenTelemetry places it in 1.25).
  'runtime.g.goid': [
    [152, 19, 22],
    [160, 23, 24],
    [152, 25, 27],
  ],
  'net/http.Request.Method': [[0, 19, 27]],
  'net/http.Request.URL': [[16, 19, 27]],
  'net/http.Request.RemoteAddr': [[176, 19, 27]],
  // Request.Pattern exists from Go 1.23.
  'net/http.Request.Pattern': [[232, 23, 27]],
  'net/url.URL.Path': [[56, 19, 27]],
  'net/http.response.conn': [[0, 19, 27]],
  'net/http.response.req': [[8, 19, 27]],
  'net/http.response.status': [
    [120, 19, 26],
    [128, 27, 27],
  ],
  'net/http.response.wroteHeader': [
    [40, 19, 26],
    [32, 27, 27],
  ],
  'net/http.conn.rwc': [[16, 19, 27]],
  'net.TCPConn.conn': [[0, 19, 27]],
  'net.conn.fd': [[0, 19, 27]],
  'net.netFD.pfd': [[0, 19, 27]],
  'internal/poll.FD.Sysfd': [[16, 19, 27]],
};

/** `go1.23.5` → 23; null for anything that is not a Go 1.x release. */
export function goMinor(version: string | null): number | null {
  const m = version ? /^go1\.(\d+)(?:\.\d+)?/.exec(version) : null;
  return m ? Number(m[1]) : null;
}

/** The table's offsets for a Go version, or null when the version is outside the table. A field absent in that version is left out. */
export function tableOffsets(version: string | null): GoOffsets | null {
  const minor = goMinor(version);
  if (minor === null || minor < TABLE_MIN || minor > TABLE_MAX) return null;
  const out: GoOffsets = {};
  for (const f of GO_FIELDS) {
    const span = TABLE[f].find(([, from, to]) => minor >= from && minor <= to);
    if (span) out[f] = span[0];
  }
  return out;
}

/** The offsets DWARF gives for the fields whose structs it describes. */
export function dwarfOffsets(structs: Map<string, DwarfStruct>): GoOffsets {
  const out: GoOffsets = {};
  for (const f of GO_FIELDS) {
    const [s, m] = splitField(f);
    const member = structs.get(s)?.members.find((x) => x.name === m);
    if (member) out[f] = member.offset;
  }
  return out;
}

/** The DWARF struct names the fields live in. */
export function fieldStructs(): Set<string> {
  return new Set(GO_FIELDS.map((f) => splitField(f)[0]));
}
