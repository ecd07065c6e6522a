/** Errors as one line of words: Node's errno codes named as a user reads them, and the input named once. */
import { InputError } from '../core/errors.js';

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EACCES') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
    return e.message;
  }
  return String(e);
}

/**
 * The one-line reason a command failed on `input`: an InputError already names what it is about
 * (a snapshot, a member of an image, an --out file); anything else is about `input` itself.
 */
export function failureText(input: string, e: unknown): string {
  return asInputError(input, e).message;
}

/** `e` as an error about `input`, unless it already names what it is about. */
export function asInputError(input: string, e: unknown): InputError {
  return e instanceof InputError ? e : new InputError(input, errorText(e));
}
