/**
 * Pages of the kernel's trace ring buffer as `per_cpu/cpuN/trace_pipe_raw` returns them, decoded
 * without the kernel formatting a line of text per event (that formatting, done in the reader's
 * time, was most of a text reader's cost). The layout is the one `events/header_page` and
 * `events/header_event` describe (kernel/trace/ring_buffer.c; libtraceevent's kbuffer.c reads the same):
 *
 *   page:  u64 timestamp · local_t commit (bytes of data; bit 31 = events were lost before this
 *          page, bit 30 = their count is stored after the data) · data
 *   event: u32 header = type_len:5 | time_delta:27, then
 *          type_len 1..28   data of type_len × 4 bytes
 *          type_len 0       u32 length (+4), then the data
 *          29 padding (u32 length), 30 time extend (u32: delta bits above 27), 31 absolute time stamp
 */
import { FormatError } from '../errors.js';
import { parseTraceFormat } from './trace-format.js';

export interface PageLayout {
  /** Bytes of the page header before the data (16 on 64-bit kernels). */
  dataOffset: number;
  /** Size of the commit field (8 on 64-bit kernels). */
  commitSize: number;
  /** Bytes of data a page can hold. */
  dataSize: number;
}

export interface RawEvent {
  /** Timestamp in the instance's trace_clock (goready sets `mono`: CLOCK_MONOTONIC nanoseconds). */
  ts: number;
  /** The record: common fields (common_type at 0) then the event's own fields. */
  data: Uint8Array;
}

export interface DecodedPage {
  events: RawEvent[];
  /** The kernel overwrote or dropped events before this page (the buffer was full). */
  lost: boolean;
  /** How many, when the kernel stored the count. */
  lostCount: number | null;
}

const TYPE_PADDING = 29;
const TYPE_TIME_EXTEND = 30;
const TYPE_TIME_STAMP = 31;
const TS_SHIFT = 27;
/** Bits of the commit word that hold the data size; bits 31 and 30 are the lost-events flags. */
const COMMIT_MASK = (1 << 27) - 1;

/** Reads `events/header_page`; the layout a 64-bit kernel has when the file is unreadable is not assumed. */
export function parseHeaderPage(text: string): PageLayout {
  // header_page uses the same `field:…; offset:…; size:…;` lines as event formats, but no name/ID.
  const fmt = parseTraceFormat(`name: header_page\nID: 0\n${text}`, 'events/header_page');
  const commit = fmt.fields.find((f) => f.name === 'commit');
  const data = fmt.fields.find((f) => f.name === 'data');
  if (!commit || !data) throw new FormatError('events/header_page', 0, 'no commit or data field');
  return { dataOffset: data.offset, commitSize: commit.size, dataSize: data.size };
}

/** What a page says besides its events. */
export interface PageInfo {
  lost: boolean;
  lostCount: number | null;
}

/**
 * Decodes one page. `page` may be longer than the data (a whole sub-buffer read); only the
 * committed bytes are read. A corrupt length stops the page with a FormatError naming the offset.
 */
export function decodePage(page: Uint8Array, layout: PageLayout): DecodedPage {
  const events: RawEvent[] = [];
  const info = visitPage(page, layout, (ts, at, len) => {
    events.push({ ts, data: page.subarray(at, at + len) });
  });
  return { events, lost: info.lost, lostCount: info.lostCount };
}

/**
 * The same walk as `decodePage`, handing each event's timestamp and place in `page` to `visit`
 * instead of building an object per event: a reader at tens of thousands of events per second
 * keeps only the ones it wants.
 */
export function visitPage(page: Uint8Array, layout: PageLayout, visit: (ts: number, at: number, len: number) => void): PageInfo {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  if (page.length < layout.dataOffset) throw new FormatError('trace page', 0, `${page.length} bytes`, 'truncated');
  let ts = view.getUint32(0, true) + view.getUint32(4, true) * 0x100000000;
  // The commit's low word holds the size and the two flags on every kernel (kbuffer.c reads it so).
  const word = view.getUint32(8, true);
  const commit = word & COMMIT_MASK;
  const lost = word >>> 31 === 1;
  const stored = ((word >>> 30) & 1) === 1;
  const start = layout.dataOffset;
  const end = start + commit;
  if (end > page.length) throw new FormatError('trace page', 8, `commit ${commit} runs past the ${page.length}-byte page`);
  let lostCount: number | null = null;
  if (lost && stored && end + 8 <= page.length) lostCount = view.getUint32(end, true) + view.getUint32(end + 4, true) * 0x100000000;
  let off = start;
  while (off + 4 <= end) {
    const head = view.getUint32(off, true);
    const typeLen = head & 31;
    const delta = head >>> 5;
    if (typeLen === TYPE_PADDING) {
      // A padding event with no delta ends the page; otherwise it is a discarded event of the given length.
      if (delta === 0 && off + 8 > end) break;
      const len = off + 8 <= end ? view.getUint32(off + 4, true) : 0;
      if (len === 0) break;
      off += 4 + len;
      continue;
    }
    if (typeLen === TYPE_TIME_EXTEND || typeLen === TYPE_TIME_STAMP) {
      if (off + 8 > end) throw new FormatError('trace page', off, 'time event runs past the data');
      const hi = view.getUint32(off + 4, true);
      const v = hi * 2 ** TS_SHIFT + delta;
      ts = typeLen === TYPE_TIME_EXTEND ? ts + v : v;
      off += 8;
      continue;
    }
    let dataAt: number;
    let len: number;
    if (typeLen === 0) {
      if (off + 8 > end) throw new FormatError('trace page', off, 'event length runs past the data');
      len = view.getUint32(off + 4, true) - 4;
      dataAt = off + 8;
    } else {
      len = typeLen * 4;
      dataAt = off + 4;
    }
    if (len < 0 || dataAt + len > end) throw new FormatError('trace page', off, `event of ${len} bytes runs past the data`);
    ts += delta;
    visit(ts, dataAt, len);
    off = dataAt + ((len + 3) & ~3);
  }
  return { lost, lostCount };
}
