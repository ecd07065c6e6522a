/**
 * The kernel's description of a trace event, as `/sys/kernel/tracing/events/<group>/<name>/format`
 * prints it. Layouts differ between kernels (on 6.18 `tcp_send_reset` has no `sport`; `kfree_skb`
 * gained `rx_sk`), so goready reads the format before it decodes a record or names a field in a
 * filter, and never assumes an offset.
 *
 *   name: inet_sock_set_state
 *   ID: 2287
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	…
 *   	field:__u8 saddr[4];	offset:32;	size:4;	signed:0;
 *   print fmt: "family=%s …", __print_symbolic(REC->family, { 2, "AF_INET" }, …), …
 */
import { FormatError } from '../errors.js';

export interface TraceField {
  name: string;
  /** The C type as written, without the array suffix (`__u8`, `const void *`, `__data_loc char[]`). */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
  /** Element count of an array field (`saddr[4]` → 4; a flexible `args[]` → 0). */
  array?: number;
  /** A `__data_loc` field: a u32 whose low half is the offset of the data in the record and high half its length. */
  dataLoc?: boolean;
}

export interface TraceFormat {
  name: string;
  id: number;
  fields: TraceField[];
  /** Value names of fields printed through `__print_symbolic(REC->field, { v, "NAME" }, …)`, e.g. kfree_skb's drop reasons. */
  symbols: Map<string, Map<number, string>>;
}

/** Bounds that keep a garbled format file from producing absurd layouts. */
const MAX_RECORD = 1 << 16;

const FIELD = /^\s*field:\s*(.+?);\s*offset:\s*(\d+);\s*size:\s*(\d+);\s*(?:signed:\s*(\d+);)?/;

/** Parses one `field:…;` line's declaration into a name, type and array length. */
function declaration(decl: string): { name: string; type: string; array?: number; dataLoc?: boolean } {
  const dataLoc = decl.startsWith('__data_loc ');
  const m = /^(.*?)\s*\b([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[(\d*)\])?$/.exec(decl.trim());
  if (!m) throw new Error(`unreadable field declaration '${decl}'`);
  const [, type, name, arr] = m as unknown as [string, string, string, string | undefined];
  const out: { name: string; type: string; array?: number; dataLoc?: boolean } = { name, type: type.trim() };
  // `args[]` is a flexible array: count 0, the rest of the record.
  if (arr !== undefined && !dataLoc) out.array = arr === '' ? 0 : Number(arr);
  if (dataLoc) {
    out.dataLoc = true;
    out.type = `${type.trim()}[]`;
  }
  return out;
}

/** Parses a format file; `what` names it in errors (its path). */
export function parseTraceFormat(text: string, what = 'trace event format'): TraceFormat {
  let name = '';
  let id = -1;
  const fields: TraceField[] = [];
  let printFmt = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('name:')) name = line.slice(5).trim();
    else if (line.startsWith('ID:')) id = Number(line.slice(3).trim());
    else if (line.startsWith('print fmt:')) printFmt = lines.slice(i).join('\n').slice('print fmt:'.length);
    else {
      const m = FIELD.exec(line);
      if (!m) continue;
      const [, decl, off, size, signed] = m as unknown as [string, string, string, string, string | undefined];
      let d: ReturnType<typeof declaration>;
      try {
        d = declaration(decl);
      } catch (e) {
        throw new FormatError(what, i, (e as Error).message);
      }
      const f: TraceField = { name: d.name, type: d.type, offset: Number(off), size: Number(size), signed: signed === '1' };
      if (d.array !== undefined) f.array = d.array;
      if (d.dataLoc) f.dataLoc = true;
      if (f.offset + f.size > MAX_RECORD) throw new FormatError(what, i, `field ${f.name} at ${f.offset}+${f.size} is past any record`);
      fields.push(f);
    }
  }
  if (!name || !Number.isInteger(id) || id < 0) throw new FormatError(what, 0, 'no name or ID line');
  return { name, id, fields, symbols: printSymbols(printFmt) };
}

/** The `__print_symbolic(REC->field, { value, "NAME" }, …)` tables of a print fmt. */
export function printSymbols(printFmt: string): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  const re = /__print_symbolic\(REC->(\w+),/g;
  for (let m = re.exec(printFmt); m; m = re.exec(printFmt)) {
    const field = m[1] as string;
    // The table runs to the parenthesis that closes __print_symbolic; values may be names the
    // kernel did not expand (TCP_ESTABLISHED), which are skipped.
    let depth = 1;
    let j = re.lastIndex;
    for (; j < printFmt.length && depth > 0; j++) {
      const c = printFmt[j];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '"') j = printFmt.indexOf('"', j + 1);
      if (j < 0) break;
    }
    const body = printFmt.slice(re.lastIndex, j < 0 ? printFmt.length : j);
    const table = out.get(field) ?? new Map<number, string>();
    for (const e of body.matchAll(/\{\s*(-?(?:0x[0-9a-fA-F]+|\d+))\s*,\s*"([^"]*)"\s*\}/g)) table.set(Number(e[1]), e[2] as string);
    if (table.size) out.set(field, table);
  }
  return out;
}

export function field(fmt: TraceFormat, name: string): TraceField | undefined {
  return fmt.fields.find((f) => f.name === name);
}

/** A decoded field value: integers as numbers (64-bit values above 2^53 lose precision only in their low bits), arrays and strings as bytes. */
export type FieldValue = number | Uint8Array;

/**
 * Reads one field of a record laid out as `fmt` says; little-endian (the only byte order goready
 * traces). `rec` may view a larger buffer that holds the record at `base` (one view per ring-buffer
 * page instead of one per record).
 */
export function readField(f: TraceField, rec: DataView, bytes: Uint8Array, base = 0): FieldValue {
  if (f.dataLoc) {
    const loc = rec.getUint32(base + f.offset, true);
    const off = loc & 0xffff;
    const len = loc >>> 16;
    return bytes.subarray(Math.min(off, bytes.length), Math.min(off + len, bytes.length));
  }
  if (f.array !== undefined) return bytes.subarray(f.offset, f.offset + f.size);
  const at = base + f.offset;
  switch (f.size) {
    case 1:
      return f.signed ? rec.getInt8(at) : rec.getUint8(at);
    case 2:
      return f.signed ? rec.getInt16(at, true) : rec.getUint16(at, true);
    case 4:
      return f.signed ? rec.getInt32(at, true) : rec.getUint32(at, true);
    case 8: {
      const lo = rec.getUint32(at, true);
      const hi = f.signed ? rec.getInt32(at + 4, true) : rec.getUint32(at + 4, true);
      return hi * 0x100000000 + lo;
    }
    default:
      return bytes.subarray(f.offset, f.offset + f.size);
  }
}

/** A decoder for one event: field values by name, only for the fields asked for. */
export function recordReader<K extends string>(fmt: TraceFormat, names: readonly K[]): (bytes: Uint8Array) => Record<K, FieldValue> {
  const fs = names.map((n) => {
    const f = field(fmt, n);
    if (!f) throw new Error(`${fmt.name} has no field '${n}' on this kernel (fields: ${fmt.fields.map((x) => x.name).join(', ')})`);
    return f;
  });
  const end = Math.max(0, ...fs.map((f) => f.offset + f.size));
  let viewed: ArrayBufferLike | null = null;
  let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  return (bytes) => {
    if (bytes.length < end) throw new FormatError(`${fmt.name} record`, 0, `${bytes.length} bytes, fields need ${end}`, 'truncated');
    // Records of one page share its buffer: one view for all of them (bounds were checked above).
    if (bytes.buffer !== viewed) {
      viewed = bytes.buffer;
      view = new DataView(bytes.buffer);
    }
    const out = {} as Record<K, FieldValue>;
    for (let i = 0; i < fs.length; i++) out[names[i] as K] = readField(fs[i] as TraceField, view, bytes, bytes.byteOffset);
    return out;
  };
}
