import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CORPUS } from './corpus.js';

/** One image built by scripts/build-images.sh, as images.json describes it (paths made absolute). */
export interface TestImage {
  name: string;
  file: string;
  platform?: string;
  format: 'docker-save' | 'oci';
  ref: string | null;
  arch: string;
  layers: number;
  family: 'glibc' | 'musl' | 'unknown';
  /** The libc6 (or musl) .deb the image's libc came from. */
  libc6?: string;
  musl?: string;
  debs: string[];
  goBinaries: string[];
  removed: string[];
  present: string[];
  uncompressed?: number;
}

export const IMAGES = resolve(process.env.GOREADY_IMAGES ?? join(CORPUS, 'images'));

/** Builds the test images when missing or stale (cached by the script) and returns them by name. */
export function buildImages(): Record<string, TestImage> {
  try {
    execFileSync('bash', [join(import.meta.dirname, '..', '..', 'scripts', 'build-images.sh')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, GOREADY_IMAGES: IMAGES },
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`scripts/build-images.sh failed: ${err.stderr || err.message}`);
  }
  const raw = JSON.parse(readFileSync(join(IMAGES, 'images.json'), 'utf8')) as Record<string, Omit<TestImage, 'name'>>;
  const abs = (p: string) => join(IMAGES, p);
  return Object.fromEntries(
    Object.entries(raw).map(([name, im]) => [
      name,
      {
        ...im,
        name,
        file: abs(im.file),
        debs: im.debs.map(abs),
        ...(im.libc6 ? { libc6: abs(im.libc6) } : {}),
        ...(im.musl ? { musl: abs(im.musl) } : {}),
      },
    ]),
  );
}
