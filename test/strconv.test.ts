import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quote, unquote } from '../src/go/strconv.js';
import { GO } from './helpers/corpus.js';

const SAMPLES = [
  '',
  'plain',
  'a b',
  'tab\there',
  'nl\nx',
  'quote"d',
  'back\\slash',
  'bell\x07',
  'del\x7f',
  'ctl\x01\x1f',
  'é ü 日本',
  'emoji 😀',
  'zero\u200bwidth',
  'bidi\u202e',
  'nbsp\u00a0',
  '`tick`',
];

/** Go's own strconv.Quote over the samples, run with Debian's Go. */
function goQuote(samples: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'goready-quote-'));
  writeFileSync(
    join(dir, 'main.go'),
    'package main\nimport ("encoding/json";"fmt";"os";"strconv")\nfunc main(){var in []string;json.NewDecoder(os.Stdin).Decode(&in);for _,s:=range in{fmt.Println(strconv.Quote(s))}}\n',
  );
  const out = execFileSync(GO, ['run', join(dir, 'main.go')], {
    input: JSON.stringify(samples),
    encoding: 'utf8',
    env: { ...process.env, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' },
  });
  return out.trimEnd().split('\n');
}

describe('Go strconv', () => {
  it('quote matches strconv.Quote, and unquote inverts it', () => {
    const want = goQuote(SAMPLES);
    expect(SAMPLES.map(quote)).toEqual(want);
    for (const [i, q] of want.entries()) expect(unquote(q)).toBe(SAMPLES[i]);
  });
  it('unquote handles every escape form and raw strings', () => {
    expect(unquote('"\\x41\\101\\u00e9\\U0001F600\\a\\b\\f\\n\\r\\t\\v\\\\\\""')).toBe('AAé😀\x07\b\f\n\r\t\v\\"');
    expect(unquote('`raw \\n`')).toBe('raw \\n');
    expect(unquote('"\\xc3\\xa9"')).toBe('é');
  });
  it('unquote rejects malformed input', () => {
    for (const bad of ['"', '"abc', 'abc"', '"\\q"', '"\\x4"', '"\\400"', '"\\\'"', '"a"b"', '`a`b`', '"\\ud800"']) expect(() => unquote(bad), bad).toThrow();
  });
});
