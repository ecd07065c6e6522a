import { lines, read } from './read.js';

/** One row of /proc/self/mountinfo: what the cgroup and container topics need. */
export interface Mount {
  root: string;
  point: string;
  fstype: string;
  superOptions: string[];
}

/** Undoes the octal escapes (\040 for space ...) of /proc/self/mountinfo. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** The mounts this process sees, in file order. */
export function mounts(): Mount[] {
  const text = read('/proc/self/mountinfo');
  if (text === null) return [];
  const out: Mount[] = [];
  for (const l of lines(text)) {
    const f = l.split(' ');
    const sep = f.indexOf('-', 6);
    if (sep < 0 || f.length < sep + 4) continue;
    out.push({
      root: unescapeOctal(f[3] as string),
      point: unescapeOctal(f[4] as string),
      fstype: f[sep + 1] as string,
      superOptions: (f[sep + 3] as string).split(','),
    });
  }
  return out;
}
