/** Node-only: the SPDX licence list texts from the `spdx-license-list` package (SPDX list data, CC0-1.0). */
import { createRequire } from 'node:module';
import parse from 'spdx-expression-parse';
import { buildIndex, type LicenseIndex } from '../../core/analyses/license/classify.js';
import { InputError } from '../../core/errors.js';

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

let canonical: Map<string, string> | null = null;

/** Every SPDX licence and exception identifier, by its lower-case spelling. */
export function spdxIds(): Map<string, string> {
  if (!canonical) {
    const licenses = Object.keys(require('spdx-license-list') as Record<string, unknown>);
    const exceptions = require('spdx-exceptions/index.json') as string[];
    canonical = new Map([...licenses, ...exceptions].map((id) => [id.toLowerCase(), id]));
  }
  return canonical;
}

/**
 * A policy's SPDX expression as SPDX spells it: identifiers are matched case-insensitively (the
 * SPDX spec: `mit` is MIT), operators upper-cased; then the whole is parsed with the SPDX grammar,
 * so `MIT OR` or `(MIT` is refused with the flag's name instead of matching nothing.
 */
export function policyExpression(expr: string, what: string): string {
  const ids = spdxIds();
  const out = expr.replace(/[^\s()]+/g, (tok) => {
    if (/^(and|or|with)$/i.test(tok)) return tok.toUpperCase();
    const plus = tok.endsWith('+') ? '+' : '';
    const id = ids.get(tok.slice(0, tok.length - plus.length).toLowerCase());
    return id ? id + plus : tok;
  });
  try {
    parse(out);
  } catch (e) {
    throw new InputError(
      what,
      `not an SPDX expression: ${JSON.stringify(expr)} (${e instanceof Error && !/properties of/.test(e.message) ? e.message : 'incomplete'})`,
    );
  }
  return out;
}
