import { describeRootView, type RootFacts } from '../../core/facts/describe-root.js';
import { RootFs } from '../files/root.js';

/**
 * What the files of a root filesystem tell, read from ROOT only (no /proc, nothing run): its
 * os-release, its libc and the libraries its loader can find. ROOT '' is this machine; any other
 * directory (an extracted container image, a chroot) is read with its symlinks resolved inside it.
 * ARCH (GOARCH-style) picks the multiarch library directories; null searches only the default ones.
 */
export function describeRoot(root: string, arch: string | null): Promise<RootFacts> {
  return describeRootView(new RootFs(root), arch);
}
