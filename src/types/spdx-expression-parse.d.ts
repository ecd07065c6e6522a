declare module 'spdx-expression-parse' {
  /** Parses an SPDX license expression; throws on anything the SPDX grammar does not allow. */
  export default function parse(expression: string): unknown;
}
