/** `goready diff`: two snapshot files compared, and with a binary the findings that differ between them. */
import { basename } from 'node:path';
import { diffHosts, type HostDiff } from '../core/analyses/host-diff.js';
import { runChecks } from '../core/checks/registry.js';
import { InputError } from '../core/errors.js';
import type { HostSnapshot } from '../core/facts/host.js';
import { binaryFacts } from './binary-facts.js';
import { asInputError } from './errors.js';
import { readSnapshot } from './host/snapshot-file.js';

export async function diffSnapshotFiles(a: string, b: string, binary?: string): Promise<HostDiff> {
  const sa = readSnapshot(a);
  const sb = readSnapshot(b);
  if (!binary) return diffHosts(sa, sb, { a, b });
  let facts: Awaited<ReturnType<typeof binaryFacts>>;
  try {
    facts = await binaryFacts(binary);
  } catch (e) {
    throw asInputError(binary, e);
  }
  const [first] = facts;
  if (!first) throw new InputError(binary, 'no binary');
  const on = (host: HostSnapshot, name: string) => runChecks({ binary: first.report, code: first.code, target: { name, host, before: null, env: {} } });
  // Both named by file name; a same-named pair (a/x.json, b/x.json) by their paths.
  const [na, nb] = basename(a) === basename(b) ? [a, b] : [basename(a), basename(b)];
  return diffHosts(sa, sb, { a, b }, { binary, a: on(sa, na), b: on(sb, nb), named: { a: na, b: nb } });
}
