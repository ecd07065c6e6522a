import { dirOf, joinIn, type Root } from './root.js';

/**
 * Includes nest at most this deep. ldconfig itself has no bound (an include of its own file
 * recurses until it fails); 16 is far beyond any distribution's two levels.
 */
export const MAX_INCLUDE_DEPTH = 16;
/** Configuration files read at most, includes counted: a distribution has tens; a crafted tree may name thousands. */
export const MAX_CONF_FILES = 1000;

/**
 * The directories /etc/ld.so.conf adds to the loader's search, in order, as ldconfig reads it
 * (glibc elf/ldconfig.c parse_conf): `#` starts a comment, blanks around an entry are dropped,
 * `include PATTERN...` reads the files a glob matches in place (a relative pattern is relative to
 * the including file's directory as written; wildcards in the last component; C order), `hwcap`
 * lines and relative entries are skipped, trailing slashes removed.
 *
 * Bounded where ldconfig is not: each file is read once (a file already read adds only directories
 * already listed, so skipping it changes nothing ldconfig would print), includes nest at most
 * MAX_INCLUDE_DEPTH deep and at most MAX_CONF_FILES files are read, so includes that name
 * themselves or cycle through directory symlinks end quickly with the directories found.
 */
export function ldSoConfDirs(root: Root, file = '/etc/ld.so.conf'): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const read = (path: string, depth: number): void => {
    if (depth > MAX_INCLUDE_DEPTH || seen.size >= MAX_CONF_FILES) return;
    const key = root.resolve(path);
    if (key === null || seen.has(key)) return;
    const text = root.readText(path);
    if (text === null) return;
    seen.add(key);
    const base = dirOf(path);
    for (const raw of text.split('\n')) {
      const l = raw.replace(/#.*/, '').replace(/^[ \t]+|[ \t]+$/g, '');
      if (l === '') continue;
      const inc = /^include[ \t]+(.*)$/.exec(l);
      if (inc) {
        for (const pat of (inc[1] as string).split(/[ \t]+/).filter(Boolean)) {
          for (const f of root.glob(pat.startsWith('/') ? pat : joinIn(base, pat))) read(f, depth + 1);
        }
        continue;
      }
      if (/^hwcap[ \t]/.test(l) || !l.startsWith('/')) continue;
      out.push(l.replace(/(.)\/+$/, '$1'));
    }
  };
  read(file, 0);
  return out;
}
