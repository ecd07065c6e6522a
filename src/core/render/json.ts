/** Items of a long list written per piece: small enough to stay far below the list's size. */
const BATCH = 1024;

/**
 * `JSON.stringify({...value, [key]: [...items]})`, byte for byte, in pieces: the list under `key`
 * comes last, as reports keep their long lists (functions), and is written a batch of items at a
 * time from an iterator, so a report of 50,000 functions is never one 10 MB string (nor its
 * items all objects at once). Without items, the value is written as it is.
 */
export function* jsonPieces(value: object, key: string, items?: Iterable<unknown>): Generator<string> {
  if (!items) {
    yield JSON.stringify(value);
    return;
  }
  const head = JSON.stringify({ ...value, [key]: undefined });
  yield `${head.slice(0, -1)}${head === '{}' ? '' : ','}${JSON.stringify(key)}:[`;
  let batch: string[] = [];
  let first = true;
  for (const x of items) {
    batch.push(JSON.stringify(x) ?? 'null');
    if (batch.length === BATCH) {
      yield (first ? '' : ',') + batch.join(',');
      first = false;
      batch = [];
    }
  }
  if (batch.length) yield (first ? '' : ',') + batch.join(',');
  yield ']}';
}
