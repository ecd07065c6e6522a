import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface CorpusEntry {
  name: string;
  path: string;
  source: 'fixture' | 'npm' | 'misc';
  goos: string;
  goarch: string;
  isGo: boolean;
  stripped: boolean;
  twin: string | null;
  buildmode?: string;
  cgo?: boolean;
  notes?: string;
}

export const CORPUS = resolve(process.env.GOREADY_CORPUS ?? join(import.meta.dirname, '..', '..', '.corpus'));
export const GO = process.env.GOREADY_GO ?? '/usr/lib/go-1.19/bin/go';

/** The corpus manifest; throws (failing the suite) when the corpus was not built: tests never skip silently. */
export function corpus(): (CorpusEntry & { file: string })[] {
  const m = join(CORPUS, 'manifest.json');
  if (!existsSync(m)) throw new Error(`test corpus missing: ${m} (run: npm run corpus)`);
  const entries = JSON.parse(readFileSync(m, 'utf8')) as CorpusEntry[];
  return entries.map((e) => ({ ...e, file: join(CORPUS, e.path) }));
}

export function entry(name: string): CorpusEntry & { file: string } {
  const e = corpus().find((x) => x.name === name);
  if (!e) throw new Error(`corpus has no entry ${name}`);
  return e;
}

/** Runs a peer tool and returns stdout; a failure fails the test with the tool's stderr. */
export function run(cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    if (opts.allowFail) return err.stdout ?? '';
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}
