/** Node-only: the SPDX licence list texts from the `spdx-license-list` package (SPDX list data, CC0-1.0). */
import { createRequire } from 'node:module';
import { buildIndex, type LicenseIndex } from '../../core/analyses/license/classify.js';

interface SpdxEntry {
  name: string;
  licenseText: string;
  osiApproved: boolean;
}

const require = createRequire(import.meta.url);

/** Ids the SPDX list keeps only for compatibility: GPL-2.0 means -only or -or-later, and so on. */
const DEPRECATED = /^(GPL|LGPL|AGPL|GFDL)-[\d.]+\+?$|^(eCos-2\.0|wxWindows|StandardML-NJ|Nunit|BSD-2-Clause-(FreeBSD|NetBSD)|bzip2-1\.0\.5)$/;

let cached: LicenseIndex | null = null;

export function spdxTexts(): Record<string, string> {
  const full = require('spdx-license-list/full') as Record<string, SpdxEntry>;
  return Object.fromEntries(Object.entries(full).map(([id, e]) => [id, e.licenseText]));
}

/** The index over every SPDX licence text, built once per process. */
export function spdxIndex(): LicenseIndex {
  if (!cached) {
    const texts = spdxTexts();
    cached = buildIndex(
      texts,
      Object.keys(texts).filter((id) => DEPRECATED.test(id)),
    );
  }
  return cached;
}
