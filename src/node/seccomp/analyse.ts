import { readFileSync } from 'node:fs';
import { analyseSeccomp, type SeccompOptions } from '../../core/analyses/seccomp/analyse.js';
import { X86Decoder } from '../../core/code/amd64.js';
import type { SeccompReport } from '../../core/facts/seccomp.js';
import { DOCKER_DEFAULT } from '../../core/linux/docker-default.js';
import { asProfile, ProfileError, type SeccompProfile } from '../../core/linux/seccomp-profile.js';
import { loadIced } from '../code/iced.js';
import { errorText, FileSource } from '../files/inspect.js';

/** `goready seccomp FILE`'s analysis of a file on disk; iced-x86 is loaded only for amd64 binaries. */
export async function seccompFile(path: string, opts: Omit<SeccompOptions, 'x86' | 'path'> = {}): Promise<SeccompReport> {
  const src = new FileSource(path);
  try {
    return await analyseSeccomp(src, { ...opts, path, x86: () => new X86Decoder(loadIced()) });
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
    throw new Error(`${spec}: ${errorText(e)}`);
  }
  try {
    return { profile: asProfile(JSON.parse(text)), name: spec };
  } catch (e) {
    if (e instanceof SyntaxError) throw new Error(`${spec}: not JSON: ${e.message}`);
    if (e instanceof ProfileError) throw new Error(`${spec}: ${e.message}`);
    throw e;
  }
}
