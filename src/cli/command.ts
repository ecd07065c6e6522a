/**
 * What every command module shares. Each file in src/cli is one command with the same shape:
 * `register(program, cli)` declares its flags, and its action parses them, calls the library and
 * renders — nothing else.
 */
import { createWriteStream, openSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { renderMessage } from '../core/render/escape.js';
import { errorText } from '../node/errors.js';
import { IMAGE_LIMIT_FLAGS as FLAG, IMAGE_LIMITS as LIMIT } from '../node/image/limits.js';
import type { Progress } from './progress.js';

/** Exit codes: 0 ok, 1 findings at or above --fail-on (or a budget exceeded), 2 bad input or usage. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;
/**
 * The reader closed the pipe (`goready … | head`): stop at once and say nothing, as Unix tools do
 * when SIGPIPE ends them; a shell reports that as 128 + 13.
 */
export const EXIT_BROKEN_PIPE = 141;

/** A write to a pipe whose reader has gone. */
export function isBrokenPipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

export interface Cli {
  /** Prints `goready: MSG` on stderr and exits 2. */
  fail(msg: string): never;
  /** The exit code once the command has finished. */
  setExitCode(code: number): void;
  /** ANSI colour in a report: --color always|never, else (auto) not with NO_COLOR, --out FILE or a stdout that is no terminal. */
  color(out: string | undefined): boolean;
  /** --quiet: no progress and no notes on stderr (errors still print). */
  quiet(): boolean;
  /** Progress of long work on stderr: drawn only on a terminal, without --quiet, after a second. */
  progress(label: string): Progress;
}

export type Register = (program: Command, cli: Cli) => void;

/** Writes a finished report to --out FILE or stdout; a write error names the file. */
export function emit(text: string, out: string | undefined): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new Error(`${out}: ${errorText(e)}`);
  }
}

/** A stream for reports written piece by piece (large --functions output), honouring back-pressure. */
function openOut(out: string): number {
  try {
    return openSync(out, 'w');
  } catch (e) {
    throw new InputError(out, errorText(e));
  }
}

export function outputStream(out: string | undefined): { write(s: string): Promise<void>; end(): Promise<void> } {
  // Opened now: a path that cannot be written is one error line before any work, not an unhandled stream error after it.
  const stream: NodeJS.WritableStream = out ? createWriteStream(out, { fd: openOut(out) }) : process.stdout;
  // A later write error (a full disk) is kept and reported by end(); writes after it are dropped.
  let failed: Error | null = null;
  if (out)
    stream.on('error', (e: Error) => {
      failed = e;
      stream.emit('drain');
    });
  return {
    write: (s) =>
      new Promise<void>((res) => {
        if (failed || stream.write(s)) res();
        else stream.once('drain', res);
      }),
    end: () =>
      out
        ? new Promise<void>((res, rej) => {
            if (failed) rej(failed);
            else stream.end(() => (failed ? rej(failed) : res()));
          })
        : Promise.resolve(),
  };
}

/** The `--help` footer: command lines, each with what it does, aligned. */
export function examples(lines: [string, string][]): string {
  const width = Math.max(...lines.map(([c]) => c.length));
  return `\nExamples:\n${lines.map(([c, what]) => `  ${c.padEnd(width)}  # ${what}`).join('\n')}\n`;
}

/** The flags that raise an image's limits (src/node/image/limits.ts), for every command that takes --image. */
export interface ImageLimitFlags {
  maxImageBytes?: string;
  maxImageEntries?: string;
  maxImageLayers?: string;
  maxTempBytes?: string;
}

/** A size as the flags take it: 512M, 4G. */
const sizeText = (n: number) => (n % 2 ** 30 === 0 ? `${n / 2 ** 30}G` : `${n / 2 ** 20}M`);

export function addImageLimitOptions(cmd: Command): Command {
  return cmd
    .option(
      `${FLAG.bytes} <size>`,
      `with --image: decompressed bytes of all layers (default ${LIMIT.bytesRatio} times the tarball, at least ${sizeText(LIMIT.bytesFloor)})`,
    )
    .option(`${FLAG.entries} <n>`, `with --image: tar entries of all layers (default ${LIMIT.entries})`)
    .option(`${FLAG.layers} <n>`, `with --image: layers (default ${LIMIT.layers})`)
    .option(`${FLAG.tempBytes} <size>`, `with --image: temp disk for the files goready extracts (default ${sizeText(LIMIT.tempBytes)})`);
}

/** "512M", "8G", "4GiB", "1048576": bytes (K, M, G, T are powers of 1024). */
export function parseSize(flag: string, v: string): number {
  const m = /^([0-9]+)\s*(?:([KMGT])(?:i?B)?)?$/i.exec(v.trim());
  if (!m) throw new Error(`${flag} ${v}: expected a size such as 512M, 8G or a number of bytes`);
  return Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] ?? ' ').toUpperCase());
}

function parseCount(flag: string, v: string): number {
  if (!/^[0-9]+$/.test(v.trim())) throw new Error(`${flag} ${v}: expected a whole number`);
  return Number(v);
}

/** The limits given by the flags, for openImage's `limits`. */
export function imageLimits(f: ImageLimitFlags): { bytes?: number; entries?: number; layers?: number; tempBytes?: number } {
  return {
    ...(f.maxImageBytes !== undefined ? { bytes: parseSize(FLAG.bytes, f.maxImageBytes) } : {}),
    ...(f.maxImageEntries !== undefined ? { entries: parseCount(FLAG.entries, f.maxImageEntries) } : {}),
    ...(f.maxImageLayers !== undefined ? { layers: parseCount(FLAG.layers, f.maxImageLayers) } : {}),
    ...(f.maxTempBytes !== undefined ? { tempBytes: parseSize(FLAG.tempBytes, f.maxTempBytes) } : {}),
  };
}

/** Prints an opened image's notes (entries left out) on stderr, one line each. */
export function printImageNotes(file: string, notes: readonly string[]): void {
  for (const n of notes) process.stderr.write(renderMessage(`note: ${file}: ${n}`));
}

/** A repeatable flag's values, in order. */
export const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/**
 * Runs `fn` with the root filesystem C libraries are looked up in: --image FILE (the image's files,
 * extracted to a temp dir for the call), else --host (local → '/', or a root directory), else none.
 */
export async function withRoot<T>(flags: { host?: string; image?: string } & ImageLimitFlags, fn: (root: string | null) => Promise<T>): Promise<T> {
  if (flags.image && flags.host) throw new Error('--host and --image: give one of them');
  if (!flags.image) return fn(flags.host === undefined ? null : flags.host === 'local' ? '/' : flags.host);
  const { openImage } = await import('../node/image/open.js');
  const image = await openImage(flags.image, { limits: imageLimits(flags) });
  printImageNotes(flags.image, image.notes);
  try {
    return await fn(image.root);
  } finally {
    await image.close();
  }
}

/** Ctrl-C stops a trace and prints what it has; a second one ends goready at once (probes are removed either way). */
export function interruptible(): { signal: AbortSignal; done(): void } {
  const ac = new AbortController();
  let count = 0;
  const onInt = () => {
    if (++count > 1) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onInt);
  return { signal: ac.signal, done: () => process.removeListener('SIGINT', onInt) };
}
