import { describe, expect, it } from 'vitest';
import { inspect } from '../src/core/facts/inspect.js';
import { packageOf, stripGenerics, unescapePath } from '../src/core/go/pkgname.js';
import { FileSource } from '../src/node/files/source.js';
import { entry } from './helpers/corpus.js';

describe("Go's package rule", () => {
  const cases: [string, string][] = [
    ['main.main', 'main'],
    ['main.main.func1', 'main'],
    ['runtime.(*mheap).alloc', 'runtime'],
    ['net/http.(*Server).Serve', 'net/http'],
    ['net/http.(*Server).Serve.func1.2', 'net/http'],
    ['github.com/a/b.(*T[...]).M', 'github.com/a/b'],
    ['example.com/generic.Map[go.shape.int_0,go.shape.string_1]', 'example.com/generic'],
    ['example.com/generic.Map[...]', 'example.com/generic'],
    ['gopkg.in/yaml%2ev3.Unmarshal', 'gopkg.in/yaml.v3'],
    ['example.com/yaml%2ev3.(*decoder).unmarshal', 'example.com/yaml.v3'],
    ['type:.eq.main.T', ''],
    ['type..eq.[5]internal/cpu.option', ''],
    ['go:buildid', ''],
    ['go.buildid', ''],
    ['internal/abi.(*Type).Kind', 'internal/abi'],
    ['vendor/golang.org/x/net/http2/hpack.HuffmanDecode', 'vendor/golang.org/x/net/http2/hpack'],
    ['_rt0_amd64_linux', ''],
  ];
  for (const [name, pkg] of cases) it(`${name} → ${pkg || '(none)'}`, () => expect(packageOf(name)).toBe(pkg));

  // Package paths that start with go. (go.uber.org, go.opentelemetry.io, go.etcd.io) against what
  // Go generates under go. before 1.20 and under go: since (the pclntab format tells which).
  const shaped: [string, 'dot' | 'colon', string][] = [
    ['go.uber.org/zap.(*Logger).Info', 'dot', 'go.uber.org/zap'],
    ['go.uber.org/zap.(*Logger).Info', 'colon', 'go.uber.org/zap'],
    ['go.opentelemetry.io/otel/trace.SpanFromContext', 'dot', 'go.opentelemetry.io/otel/trace'],
    ['go.etcd.io/bbolt.(*DB).Update.func1', 'colon', 'go.etcd.io/bbolt'],
    ['go.(*struct { sync.Mutex; m map[string]int }).Lock', 'dot', ''],
    ['go:(*struct { sync.Mutex; m map[string]int }).Lock', 'colon', ''],
    ['go.itab.example.com/x.T,io.Writer', 'dot', ''],
    ['go.itab.*go.uber.org/zap.Logger,io.Writer', 'dot', ''],
    ['go.importpath.go.uber.org/zap.', 'dot', ''],
    ['go.buildid', 'dot', ''],
    ['go.go', 'colon', ''],
    ['type.go.uber.org/zap.Logger', 'dot', ''],
    ['type:.eq.go.uber.org/zap.Field', 'colon', ''],
  ];
  for (const [name, prefix, pkg] of shaped) it(`${prefix}: ${name} → ${pkg || '(none)'}`, () => expect(packageOf(name, prefix)).toBe(pkg));

  it('strips nested generic brackets, including ones with dots and slashes', () => {
    expect(stripGenerics('a/b.F[a/c.T[int],map[string]x.Y].func1')).toBe('a/b.F.func1');
    expect(unescapePath('a%2eb%25c')).toBe('a.b%c');
  });

  it('on a real binary: every function of the deps fixture maps to a module from its build info, std, or nothing', async () => {
    const src = new FileSource(entry('linux-amd64-deps').file);
    const [r] = await inspect(src, { functions: true });
    src.close();
    const mods = [r?.buildInfo?.main?.path ?? '', ...(r?.buildInfo?.deps ?? []).map((d) => d.path)].filter(Boolean);
    const pkgs = new Set(r?.functions?.map((f) => f.package));
    expect(pkgs.has('example.com/yaml.v3')).toBe(true);
    expect(pkgs.has('example.com/generic')).toBe(true);
    for (const p of pkgs) {
      if (!p || !p.includes('.') || p.startsWith('vendor/')) continue; // std and generated
      expect(
        mods.some((m) => p === m || p.startsWith(`${m}/`)),
        p,
      ).toBe(true);
    }
  });
});
