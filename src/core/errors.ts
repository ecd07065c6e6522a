/**
 * How an input can be malformed. `truncated`: the file ends before a structure it declares;
 * `corrupt`: a structure is there but says something impossible.
 */
export type DamageKind = 'truncated' | 'corrupt';

/** One malformed structure found while reading: the input is damaged (exit 2 in the CLI). */
export interface Damage {
  kind: DamageKind;
  /** What is wrong and where, e.g. "file ends at offset 0x1da but sections .text extend to 0x7c0790". */
  detail: string;
}

/** `truncated: file ends at …` — the one-line form every output uses. */
export function damageText(d: Damage): string {
  return `${d.kind}: ${d.detail}`;
}

/**
 * A structure in the input is not what its format says it must be. The message always names the
 * structure and the file offset so a user can see which part of a binary is damaged.
 */
export class FormatError extends Error {
  constructor(
    readonly structure: string,
    readonly offset: number,
    readonly reason: string,
    readonly kind: DamageKind = 'corrupt',
  ) {
    super(`${kind === 'truncated' ? 'truncated: ' : ''}${reason} in ${structure} at offset 0x${offset.toString(16)}`);
    this.name = 'FormatError';
  }

  /** The message without its kind. */
  get detail(): string {
    return `${this.reason} in ${this.structure} at offset 0x${this.offset.toString(16)}`;
  }
}

/** The input is readable but is not a kind of file goready handles (e.g. a text file). */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}

/**
 * A problem with one named input (a file, a host, a member of an image): the message starts with
 * its name. The edge prints it as it is; any other error is about the input the command was given
 * and gets that name in front, once.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`${input}: ${reason}`);
    this.name = 'InputError';
  }
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
