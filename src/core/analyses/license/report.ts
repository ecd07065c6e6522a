/** What `goready licenses` reports: each module's licence as found and classified, and the policy's verdict. */
import type { LinkedLibrary } from '../../facts/linked.js';
import type { LicenseMatch } from './classify.js';

export interface LicenseFile {
  name: string;
  licenses: LicenseMatch[];
  coverage: number;
}

export interface ModuleLicense {
  path: string;
  version: string;
  replace?: { path: string; version: string };
  main: boolean;
  /** Where the licence files were found; null when nowhere on this machine. */
  found: { source: string; location: string } | null;
  files: LicenseFile[];
  /** SPDX expression concluded from the files (AND of every licence found; OR where a file offers a choice). */
  expression: string | null;
  /** Why the policy rejects this module, if it does. */
  violation: string | null;
}

export interface LicensesReport {
  target: string;
  modules: ModuleLicense[];
  /** With a host root: the C libraries the binary links, their Debian packages and licences. */
  linked?: LinkedLibrary[];
  /** Where the linked libraries were looked for: "this host", "image app.tar", "root DIR". */
  linkedIn?: string;
  /**
   * Set when the binary's build info records no modules (GOPATH builds such as Debian's, Bazel/Blaze
   * builds, Go < 1.18 outside module mode): its dependencies, and so their licences, are unknown. A
   * violation unless unknowns are allowed.
   */
  noModuleList?: { reason: string; violation: string | null };
  /** Modules with a violation, and the missing module list when it is one. */
  violations: number;
}

export interface LicensePolicy {
  /** SPDX expression of what may ship, e.g. "MIT OR Apache-2.0 OR BSD-3-Clause". */
  allow?: string;
  /** SPDX expression of what must not ship. */
  deny?: string;
  /** Accept modules whose licence was not found or not recognised (default: they are violations). */
  allowUnknown?: boolean;
}
