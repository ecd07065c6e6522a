/** `goready host --validate`: one line per valid snapshot file. */
import type { HostSnapshot } from '../facts/host.js';
import { text } from './escape.js';

export function renderSnapshotValid(file: string, s: HostSnapshot): string {
  return `${text`${file}: valid host snapshot (collector ${s.collector}, host ${s.hostname ?? '?'}, ${s.collectedAt})`}\n`;
}
