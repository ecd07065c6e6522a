/** Node-only: `goready sbom` — inspect the binary, find licences offline, write CycloneDX or SPDX. */

import { inspectFile } from '../files.js';
import { linkedLibraries } from '../license/clibs.js';
import { licenses } from '../license/licenses.js';
import type { LookupOptions } from '../license/modules.js';
import { sbomModel } from './model.js';
import { toCycloneDX, toSPDX } from './write.js';

export interface SbomOptions {
  format: 'cyclonedx' | 'spdx';
  /** Look up and classify licences (offline; default true). */
  licenses?: boolean;
  lookup?: LookupOptions;
  timestamp?: Date;
  /** A root filesystem ('/' for this host) to find the linked C libraries' packages and licences in. */
  hostRoot?: string | null;
}

export async function sbom(file: string, opts: SbomOptions): Promise<string> {
  const [r] = await inspectFile(file);
  if (!r) throw new Error(`${file}: no object in file`);
  const found = new Map<string, string | null>();
  if (opts.licenses !== false && r.buildInfo) {
    const rep = await licenses(file, { allowUnknown: true }, opts.lookup ?? {});
    for (const m of rep.modules) found.set(m.path, m.expression);
  }
  const model = sbomModel(r, found);
  if (opts.hostRoot) model.linkedDetails = linkedLibraries(r.linkage.needed, r.file.arch, r.linkage.runpath, opts.hostRoot);
  return opts.format === 'spdx' ? toSPDX(model, opts.timestamp) : toCycloneDX(model, opts.timestamp);
}
