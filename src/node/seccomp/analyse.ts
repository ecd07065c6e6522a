import { readFileSync } from 'node:fs';
import { analyseSeccomp, type SeccompOptions } from '../../core/analyses/seccomp/analyse.js';
import type { Finding } from '../../core/checks/finding.js';
import { runChecks } from '../../core/checks/registry.js';
import { X86Decoder } from '../../core/code/amd64.js';
import { InputError } from '../../core/errors.js';
import type { SeccompReport } from '../../core/facts/seccomp.js';
import type { SeccompInput } from '../../core/facts/target.js';
import { DOCKER_DEFAULT } from '../../core/linux/docker-default.js';
import { asProfile, ProfileError, type SeccompProfile } from '../../core/linux/seccomp-profile.js';
import { loadIced } from '../code/iced.js';
import { errorText } from '../errors.js';
import { FileSource, inspectFile } from '../files/inspect.js';

/** `goready seccomp FILE`'s analysis of a file on disk; iced-x86 is loaded only for x86 (amd64, 386) binaries. */
export async function seccompFile(path: string, opts: Omit<SeccompOptions, 'x86' | 'path'> = {}): Promise<SeccompReport> {
  const src = new FileSource(path);
  try {
    return await analyseSeccomp(src, { ...opts, path, x86: (bits) => new X86Decoder(loadIced(), bits) });
  } finally {
    src.close();
  }
}

/** A profile named on the command line: `docker-default` (shipped) or a JSON file; errors name the file. */
export function loadProfile(spec: string): { profile: SeccompProfile; name: string } {
  if (spec === 'docker-default') return { profile: DOCKER_DEFAULT, name: 'docker-default' };
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (e) {
    throw new InputError(spec, errorText(e));
  }
  try {
    return { profile: asProfile(JSON.parse(text)), name: spec };
  } catch (e) {
    if (e instanceof SyntaxError) throw new InputError(spec, `not JSON: ${e.message}`);
    if (e instanceof ProfileError) throw new InputError(spec, e.message);
    throw e;
  }
}

/** What the seccomp checks need for one binary on disk: its syscall set (named `shownAs`) and the profile. */
export async function seccompInput(file: string, profile: { profile: SeccompProfile; name: string }, shownAs = file, runtime = 'runc'): Promise<SeccompInput> {
  const report = await seccompFile(file, { runtime });
  return { report: { ...report, path: shownAs }, profile: profile.profile, name: profile.name };
}

/** `goready seccomp BINARY --profile SPEC`: GR-SECCOMP-002/003 for the binary under that profile. */
export async function checkProfile(file: string, spec: string, runtime = 'runc'): Promise<Finding[]> {
  const profile = loadProfile(spec);
  const seccomp = await seccompInput(file, profile, file, runtime);
  const [binary] = await inspectFile(file);
  if (!binary) throw new InputError(file, 'no object to check');
  // Only the profile rules: the binary's other checks belong to goready check.
  return runChecks({ binary, code: null, target: null, seccomp }).filter((f) => f.id === 'GR-SECCOMP-002' || f.id === 'GR-SECCOMP-003');
}
