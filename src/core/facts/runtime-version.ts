/**
 * How a container runtime's version is read without running it, as both collectors do (the Node
 * collector with goready's readers, collector.sh with od and awk): the same rules, the same text.
 */
import type { BuildInfoData } from '../go/modinfo.js';
import type { RuntimeProgram } from './host.js';

/** A version that starts with a dotted number (after an optional "v"): "1.2" or "1.2.3". */
function leadingDotted(s: string): string | null {
  return /^v?([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(s)?.[1] ?? null;
}

/** A Go pseudo-version (v0.0.0-20240102150405-abcdef012345 …) names a commit, not a release. */
const PSEUDO = /[0-9]{14}-[0-9a-f]{12}/;

/** From dpkg: the installed package's Debian version, epoch dropped ("5:20.10.24~3-0~debian" → 20.10.24). */
export function dpkgRuntimeVersion(pkg: string, debianVersion: string): Pick<RuntimeProgram, 'version' | 'source' | 'evidence'> | null {
  const version = leadingDotted(debianVersion.replace(/^[0-9]+:/, ''));
  return version === null ? null : { version, source: 'dpkg', evidence: `${pkg} ${debianVersion}` };
}

/**
 * From Go build info (Go ≥ 1.18, which records build settings): the main module's version when it
 * is a release (not "(devel)", not a pseudo-version); else the first `-X NAME=VALUE` of -ldflags
 * whose variable is named Version, version or gitVersion (dockerd's dockerversion.Version, runc's
 * main.version, kubelet's version.gitVersion) and whose value starts with a dotted number. Debian
 * builds its Go programs in GOPATH mode (no module version) and only some stamp -X: dpkg comes first.
 */
export function buildInfoRuntimeVersion(bi: Pick<BuildInfoData, 'main' | 'settings'>): Pick<RuntimeProgram, 'version' | 'source' | 'evidence'> | null {
  const main = bi.main;
  if (main && main.version !== '(devel)' && !PSEUDO.test(main.version)) {
    const version = leadingDotted(main.version);
    if (version) return { version, source: 'buildinfo', evidence: `mod ${main.path} ${main.version}` };
  }
  const ldflags = bi.settings.find((s) => s.key === '-ldflags')?.value;
  if (ldflags === undefined) return null;
  // The go command splits -ldflags on blanks, honouring quotes; a quote here only ends a word.
  const words = ldflags.replace(/["']/g, ' ').split(/[ \t\n]+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    let assignment: string | undefined;
    if (w === '-X' || w === '--X') assignment = words[++i];
    else if (w.startsWith('-X=') || w.startsWith('--X=')) assignment = w.slice(w.indexOf('=') + 1);
    if (assignment === undefined) continue;
    const eq = assignment.indexOf('=');
    if (eq < 0) continue;
    const name = assignment.slice(0, eq);
    const last = name.slice(Math.max(name.lastIndexOf('.'), name.lastIndexOf('/')) + 1);
    if (last !== 'Version' && last !== 'version' && last !== 'gitVersion') continue;
    const version = leadingDotted(assignment.slice(eq + 1));
    if (version) return { version, source: 'buildinfo', evidence: `-X ${assignment}` };
  }
  return null;
}
