/** Node-only: `goready sbom` — inspect the binary, find licences offline, write CycloneDX or SPDX. */

import { sbomModel } from '../core/analyses/sbom.js';
import { InputError } from '../core/errors.js';
import { toCycloneDX, toSPDX } from '../core/render/sbom.js';
import { inspectFile } from './files/inspect.js';
import { linkedLibraries } from './license/clibs.js';
import { licensesOfBinary } from './license/licenses.js';
import type { LookupOptions } from './license/modules.js';
import { VERSION } from './version.js';

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
  if (!r) throw new InputError(file, 'no object in file');
  const found = new Map<string, string | null>();
  if (opts.licenses !== false && r.buildInfo) {
    const rep = licensesOfBinary(r, { allowUnknown: true }, opts.lookup ?? {});
    for (const m of rep.modules) found.set(m.path, m.expression);
  }
  const model = sbomModel(r, found);
  if (opts.hostRoot) model.linkedDetails = linkedLibraries(r.linkage, r.file.arch, opts.hostRoot);
  return opts.format === 'spdx' ? toSPDX(model, VERSION, opts.timestamp) : toCycloneDX(model, VERSION, opts.timestamp);
}
