import type { CheckInput } from '../facts/target.js';
import { resolveLibrary as resolve } from '../linux/loader.js';
import { type Checks, onTarget } from './check.js';
import { libcMismatch, runpathOf } from './libc.js';

/** The loader and the libraries the binary names, on the target (GR-LINK-*; rules.ts has each rule). */
export const linkChecks = {
  'GR-LINK-001': onTarget(({ binary: r, target }) => {
    const libs = target.host.libraries;
    const interp = r.linkage.interpreter;
    if (r.linkage.static || !libs || !interp || libcMismatch(r, target)) return null;
    if (libs.loaders.includes(interp) || libs.files.some((f) => f.path === interp)) return null;
    return {
      title: `The interpreter ${interp} does not exist on ${target.name}`,
      evidence: [`interpreter ${interp}`, `${target.name} loaders: ${libs.loaders.join(', ') || 'none'}`],
    };
  }),

  'GR-LINK-002': onTarget(({ binary: r, target }) => {
    const libs = target.host.libraries;
    if (r.linkage.static || !libs || libcMismatch(r, target)) return null;
    const runpath = runpathOf(r);
    // $ORIGIN and relative entries depend on where the binary is installed, and a snapshot lists only
    // the loader's search directories: a library that a RUNPATH entry outside them could provide is
    // not judged.
    const unknowable = runpath.some((p) => !p.startsWith('/') || p.includes('$') || !libs.searchPaths.includes(p.replace(/\/+$/, '')));
    if (unknowable) return null;
    const missing = r.linkage.needed.filter((soname) => resolve(soname, runpath, libs) === null);
    if (!missing.length) return null;
    return {
      title: `${missing.length === 1 ? 'A needed library is' : 'Needed libraries are'} missing on ${target.name}: ${missing.join(', ')}`,
      evidence: [
        ...missing.map((m) => `NEEDED ${m}: not in ${[...runpath, ...libs.searchPaths].join(', ')}`),
        ...(runpath.length ? [`RUNPATH ${runpath.join(':')}`] : []),
      ],
      fix: `The loader stops with "error while loading shared libraries: ${missing[0]}: cannot open shared object file". Install the package that ships it on the target, or build with CGO_ENABLED=0 so nothing is needed.`,
    };
  }),
} satisfies Checks<CheckInput>;
