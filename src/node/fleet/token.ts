/** The bearer token that guards a fleet server's writes: where it lives, how it is made and read. */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** `$XDG_CONFIG_HOME/goready/token` (~/.config/goready/token): the server writes it, pushes on the same machine read it. */
export function defaultTokenFile(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'goready', 'token');
}

/** Shorter tokens are refused: a token must not be guessable. */
const MIN_TOKEN = 16;

function readTokenFile(file: string): string {
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < MIN_TOKEN) throw new Error(`${file}: the token is shorter than ${MIN_TOKEN} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a header value cannot carry them
  if (/[\s\u0000-\u001f\u007f]/.test(token)) throw new Error(`${file}: the token contains whitespace or control characters`);
  return token;
}

const named = (file: string, e: unknown): Error => (e instanceof Error && e.message.startsWith(file) ? e : new Error(`${file}: ${(e as Error).message}`));

/**
 * The server's token: read from `file`, or when there is none, 32 random bytes (base64url) written
 * to it with mode 600 (`created` says so, for the one time it is printed).
 */
export function serverToken(file: string): { token: string; created: boolean } {
  try {
    return { token: readTokenFile(file), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw named(file, e);
  }
  const token = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a token another process wrote meanwhile.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (e) {
    throw named(file, e);
  }
  return { token, created: true };
}

/** A client's token: the token file given, else $GOREADY_TOKEN, else the default token file. */
export function clientToken(file: string | undefined): string {
  const env = process.env.GOREADY_TOKEN?.trim();
  if (!file && env) return env;
  const f = file ?? defaultTokenFile();
  try {
    return readTokenFile(f);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${f}: no token file (give --token-file FILE or set GOREADY_TOKEN; goready serve prints the token when it creates it)`);
    }
    throw named(f, e);
  }
}
