declare module 'spdx-satisfies' {
  /** True when the SPDX expression `first` is satisfied by the expression `second`. */
  export default function satisfies(first: string, second: string): boolean;
}
