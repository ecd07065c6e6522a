/** `goready check` on files, hosts and images: the target assembled, each binary read once, the checks run. */
import { basename } from 'node:path';
import type { Finding } from '../core/checks/finding.js';
import { runChecks } from '../core/checks/registry.js';
import type { HostSnapshot } from '../core/facts/host.js';
import { assembleTarget, type SeccompInput } from '../core/facts/target.js';
import { binaryFacts } from './binary-facts.js';
import { asInputError } from './errors.js';
import type { ImageLimits } from './image/limits.js';

export interface CheckOptions {
  /** Binaries to check; with an image and none given, every Go binary in the image. */
  binaries: string[];
  /** local, snapshot files or ssh://…: one, or an earlier and a later snapshot of one host. */
  hosts: string[];
  image?: string;
  platform?: string;
  env: Record<string, string>;
  unit?: string;
  sshOptions?: string[];
  skip?: ReadonlySet<string>;
  /** A seccomp profile (a JSON file, or docker-default) to judge against each binary's syscalls (GR-SECCOMP-002/003). */
  seccompProfile?: string;
  /** Raised image limits (the --max-image-* and --max-temp-bytes flags). */
  limits?: Partial<ImageLimits>;
  /** Called once with the opened image's notes (entries left out). */
  onImageNotes?: (notes: readonly string[]) => void;
}

/** local, a snapshot file, or ssh://[user@]host[:port]; errors name the host. */
async function snapshotOf(spec: string, unit: string | null, sshOptions: string[]): Promise<HostSnapshot> {
  try {
    if (spec === 'local') return (await import('./host/collect.js')).collect({ unit });
    if (spec.startsWith('ssh://')) return (await import('./host/ssh.js')).sshSnapshot(spec, { unit, sshOptions });
    return (await import('./host/snapshot-file.js')).readSnapshot(spec);
  } catch (e) {
    throw asInputError(spec, e);
  }
}

/** Evidence lines start with the target's name: a snapshot by its file name, an image by its tarball's. */
function shortName(spec: string): string {
  return spec === 'local' || spec.startsWith('ssh://') ? spec : basename(spec);
}

export async function checkFiles(opts: CheckOptions): Promise<Finding[]> {
  if (opts.hosts.length > 2) throw new Error('--host: at most two snapshots (an earlier and a later one of the same host)');
  const image = opts.image
    ? await (await import('./image/open.js')).openImage(opts.image, {
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(opts.limits ? { limits: opts.limits } : {}),
      })
    : null;
  if (image) opts.onImageNotes?.(image.notes);
  try {
    // Without --host, an image is checked on its own; a binary against this machine.
    const specs = opts.hosts.length ? opts.hosts : image ? [] : ['local'];
    const snaps: HostSnapshot[] = [];
    for (const s of specs) snaps.push(await snapshotOf(s, opts.unit ?? null, opts.sshOptions ?? []));
    const later = snaps.at(-1);
    const first = snaps[0];
    if (snaps.length === 2 && first && later && Date.parse(first.collectedAt) > Date.parse(later.collectedAt)) {
      // Counter deltas run from the first snapshot to the second: reversed, every delta is negative.
      throw new Error(`--host: ${specs[0]} (${first.collectedAt}) was taken after ${specs[1]} (${later.collectedAt}); give the older snapshot first`);
    }
    const target = assembleTarget({
      host: later ? { name: shortName(specs.at(-1) as string), snapshot: later } : null,
      before: snaps.length === 2 ? (snaps[0] as HostSnapshot) : null,
      image: image && opts.image ? { name: basename(opts.image), snapshot: image.snapshot } : null,
      env: opts.env,
    });
    const files = opts.binaries.length
      ? opts.binaries.map((b) => ({ file: b, shownAs: b }))
      : (image?.goBinaries ?? []).map((g) => ({ file: g.file, shownAs: `${opts.image}:${g.path}` }));
    // The syscall analysis (goready seccomp) runs only when a profile is to be judged.
    const seccomp = opts.seccompProfile ? await import('./seccomp/analyse.js') : null;
    const profile = seccomp && opts.seccompProfile ? seccomp.loadProfile(opts.seccompProfile) : null;
    const findings: Finding[] = [];
    for (const { file, shownAs } of files) {
      let facts: Awaited<ReturnType<typeof binaryFacts>>;
      try {
        facts = await binaryFacts(file, shownAs);
      } catch (e) {
        throw asInputError(shownAs, e);
      }
      let sc: SeccompInput | null = null;
      try {
        if (seccomp && profile) sc = await seccomp.seccompInput(file, profile, shownAs);
      } catch (e) {
        throw asInputError(shownAs, e);
      }
      for (const { report, code } of facts) findings.push(...runChecks({ binary: report, code, target, seccomp: sc }, opts.skip));
    }
    return findings;
  } finally {
    await image?.close();
  }
}
