/** dpkg's database as files: which package ships a path (info/*.list) and which version is installed (status). */

/**
 * The other name of a path on a merged-/usr system (/bin/x and /usr/bin/x are one file): dpkg
 * records the path a package unpacked, which may be either. null for paths outside /bin, /sbin,
 * /lib* and their /usr twins.
 */
export function usrMergedTwin(path: string): string | null {
  const m = /^(\/usr)?(\/(?:bin|sbin|lib[^/]*)\/.+)$/.exec(path);
  if (!m) return null;
  return m[1] ? (m[2] as string) : `/usr${m[2]}`;
}

/** A package as its list file names it (info/NAME.list): the package, and the architecture of a multiarch one (libc6:amd64). */
export function listPackage(listFile: string): { name: string; arch: string | null } {
  const base = listFile.replace(/\.list$/, '');
  const i = base.indexOf(':');
  return i < 0 ? { name: base, arch: null } : { name: base.slice(0, i), arch: base.slice(i + 1) };
}

/**
 * The Version of a package installed according to dpkg's status file: the paragraph whose Package
 * (and Architecture, for a multiarch name) matches and whose Status ends in "installed".
 */
export function installedVersion(status: string, pkg: { name: string; arch: string | null }): string | null {
  for (const para of status.split(/\n\n+/)) {
    const field = (k: string) => new RegExp(`^${k}:[ \\t]*(.*)$`, 'm').exec(para)?.[1]?.replace(/[ \t]+$/, '') ?? null;
    if (field('Package') !== pkg.name) continue;
    if (pkg.arch !== null && field('Architecture') !== pkg.arch) continue;
    if (!/ installed$/.test(field('Status') ?? '')) continue;
    return field('Version');
  }
  return null;
}
