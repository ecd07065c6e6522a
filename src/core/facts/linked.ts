/** A C library a binary links, as found on a host or in an image: its file, Debian package and licence. */
export interface LinkedLibrary {
  /** The NEEDED name, e.g. libc.so.6. */
  name: string;
  /** Where the loader would find it under the root; null when it is not there. */
  path: string | null;
  /** The Debian package that installed it. */
  package: string | null;
  /** SPDX expression from the package's copyright file, when it has one. */
  license: string | null;
  /** The DEP-5 Files patterns whose licence that is: the library's own sources (`libdm/*`) or `*`. */
  licenseFiles?: string;
}
