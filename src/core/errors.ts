/**
 * A structure in the input is not what its format says it must be. The message always names the
 * structure and the file offset so a user can see which part of a binary is damaged.
 */
export class FormatError extends Error {
  constructor(
    readonly structure: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} in ${structure} at offset 0x${offset.toString(16)}`);
    this.name = 'FormatError';
  }
}

/** The input is readable but is not a kind of file goready handles (e.g. a text file). */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
