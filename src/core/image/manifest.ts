/**
 * The image's metadata: `docker save` (manifest.json + config + layer tars) and the OCI image
 * layout (oci-layout, index.json -> [index ->] manifest -> config + layer blobs). Picks the linux
 * image that matches a platform. Pure: the tarball is read through an `ArchiveReader`.
 */

/** Access to the members of the image tarball. */
export interface ArchiveReader {
  has(name: string): boolean;
  /** Parses a member as JSON; throws a one-line Error (without the file name) when it is missing or not JSON. */
  readJson(name: string): Promise<unknown>;
}

export interface LayerRef {
  /** Member of the tarball holding the layer blob. */
  member: string;
  /** OCI descriptor media type; null in docker save manifests. */
  mediaType: string | null;
  /** sha256 hex of the blob (OCI descriptors; docker save blobs/sha256/ paths), null when not known. */
  digest: string | null;
  /** sha256 hex of the uncompressed layer (config rootfs.diff_ids), null when the config has none. */
  diffId: string | null;
  /** The blob's size from its descriptor, null when not known. */
  size: number | null;
}

/** How the tarball lays out the image. */
export type ImageFormat = 'docker-save' | 'oci';

export interface SelectedImage {
  format: ImageFormat;
  ref: string | null;
  layers: LayerRef[];
  config: ImageConfig;
}

export interface ImageConfig {
  os: string | null;
  architecture: string | null;
  variant: string | null;
  env: string[];
  user: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  diffIds: string[];
}

export interface Platform {
  os: string;
  architecture: string | null;
  variant: string | null;
}

/** GOARCH names for the architecture names images and `uname -m` use. */
export function normalizeArch(a: string): string {
  switch (a) {
    case 'x86_64':
    case 'x86-64':
      return 'amd64';
    case 'aarch64':
      return 'arm64';
    case 'i386':
    case 'i686':
      return '386';
    case 'armhf':
    case 'armel':
      return 'arm';
    default:
      return a;
  }
}

/** "linux/arm64/v8", "linux/amd64", "arm64": os defaults to linux. Throws on an empty or malformed value. */
export function parsePlatform(s: string): Platform {
  const p = s.trim().split('/');
  if (p.some((x) => x === '') || p.length > 3) throw new Error(`bad platform "${s}" (expected os/arch[/variant], e.g. linux/amd64)`);
  if (p.length === 1) return { os: 'linux', architecture: normalizeArch(p[0] as string), variant: null };
  return { os: p[0] as string, architecture: normalizeArch(p[1] as string), variant: p[2] ?? null };
}

export function formatPlatform(c: { os: string | null; architecture: string | null; variant: string | null }): string {
  return [c.os ?? '?', c.architecture ?? '?', ...(c.variant ? [c.variant] : [])].join('/');
}

function matches(want: Platform, c: { os: string | null; architecture: string | null; variant: string | null }): boolean {
  if (c.os !== want.os) return false;
  if (want.architecture !== null && (c.architecture === null || normalizeArch(c.architecture) !== want.architecture)) return false;
  if (want.variant !== null && c.variant !== want.variant) return false;
  return true;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strList = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);

function hexDigest(d: unknown): string | null {
  if (typeof d !== 'string') return null;
  const m = /^sha256:([0-9a-f]{64})$/.exec(d);
  return m ? (m[1] as string) : null;
}

export function parseConfig(json: unknown, where: string): ImageConfig {
  if (!isObj(json)) throw new Error(`${where}: the image config is not a JSON object`);
  const c = isObj(json.config) ? json.config : {};
  const rootfs = isObj(json.rootfs) ? json.rootfs : {};
  const diffIds = Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids.map((d) => hexDigest(d) ?? '') : [];
  return {
    os: str(json.os),
    architecture: str(json.architecture) === null ? null : normalizeArch(json.architecture as string),
    variant: str(json.variant),
    env: strList(c.Env) ?? [],
    user: str(c.User),
    entrypoint: strList(c.Entrypoint),
    cmd: strList(c.Cmd),
    workingDir: str(c.WorkingDir),
    diffIds,
  };
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** Reads the image metadata and picks one image: the one matching `platform`, else the only (or first) linux image. */
export async function selectImage(ar: ArchiveReader, platform: Platform | null): Promise<SelectedImage> {
  if (ar.has('manifest.json')) return dockerSave(ar, platform);
  if (ar.has('index.json')) return ociLayout(ar, platform);
  throw new Error('no manifest.json or index.json: not a docker save or OCI image layout tarball');
}

function choose<T extends { config: ImageConfig }>(cands: T[], platform: Platform | null): T {
  if (cands.length === 0) throw new Error('the manifest lists no image');
  if (platform) {
    const hit = cands.find((c) => matches(platform, c.config));
    if (!hit) {
      const seen = cands.map((c) => formatPlatform(c.config)).join(', ');
      throw new Error(`no image for platform ${formatPlatform(platform)} (the tarball has: ${seen})`);
    }
    return hit;
  }
  return cands.find((c) => c.config.os === 'linux') ?? (cands[0] as T);
}

async function dockerSave(ar: ArchiveReader, platform: Platform | null): Promise<SelectedImage> {
  const m = await ar.readJson('manifest.json');
  if (!Array.isArray(m) || m.length === 0) throw new Error('manifest.json is not a non-empty JSON array');
  const cands: (SelectedImage & { config: ImageConfig })[] = [];
  for (const [i, e] of m.entries()) {
    if (!isObj(e) || typeof e.Config !== 'string' || !strList(e.Layers)) {
      throw new Error(`manifest.json entry ${i} lacks Config or Layers`);
    }
    const config = parseConfig(await ar.readJson(clean(e.Config)), clean(e.Config));
    const names = (e.Layers as string[]).map(clean);
    cands.push({
      format: 'docker-save',
      ref: strList(e.RepoTags)?.[0] ?? null,
      config,
      layers: names.map((member, j) => ({
        member,
        mediaType: null,
        digest: /^blobs\/sha256\/([0-9a-f]{64})$/.exec(member)?.[1] ?? null,
        diffId: config.diffIds[j] || null,
        size: null,
      })),
    });
  }
  return choose(cands, platform);
}

function clean(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

const blobPath = (hex: string) => `blobs/sha256/${hex}`;

/**
 * Distinct manifests and indexes read from one OCI layout at most. A multi-platform image lists a
 * dozen, an image store a few hundred; a crafted layout that fans out further (indexes nested four
 * deep, each listing the next 200 times: 1.6e9 paths to a manifest) ends here instead.
 */
export const MAX_MANIFESTS = 4096;

async function ociLayout(ar: ArchiveReader, platform: Platform | null): Promise<SelectedImage> {
  const cands: (SelectedImage & { config: ImageConfig; declared: Platform | null })[] = [];
  // Each manifest or index is visited once, by digest, however many descriptors name it.
  const seen = new Set<string>();
  const visit = async (json: unknown, where: string, ref: string | null, depth: number): Promise<void> => {
    if (depth > 4) throw new Error(`${where}: image indexes nested too deep`);
    if (!isObj(json) || !Array.isArray(json.manifests)) throw new Error(`${where} is not an OCI image index (no manifests array)`);
    for (const d of json.manifests) {
      if (!isObj(d)) continue;
      const hex = hexDigest(d.digest);
      if (!hex) throw new Error(`${where}: a manifest descriptor has no sha256 digest`);
      if (seen.has(hex)) continue;
      seen.add(hex);
      if (seen.size > MAX_MANIFESTS) throw new Error(`more than ${MAX_MANIFESTS} distinct manifests and indexes: not an image layout a builder writes`);
      const annotations = isObj(d.annotations) ? d.annotations : {};
      // Build attestations (BuildKit) are manifests too: not images.
      if (annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
      const name = str(annotations['org.opencontainers.image.ref.name']) ?? str(annotations['io.containerd.image.name']) ?? ref;
      if (!ar.has(blobPath(hex))) throw new Error(`missing blob sha256:${hex} (manifest named by ${where})`);
      const body = await ar.readJson(blobPath(hex));
      const mt = str(d.mediaType) ?? (isObj(body) ? str(body.mediaType) : null);
      if ((mt && INDEX_TYPES.has(mt)) || (isObj(body) && Array.isArray(body.manifests))) {
        await visit(body, `index sha256:${hex.slice(0, 12)}`, name, depth + 1);
        continue;
      }
      if (!isObj(body) || !isObj(body.config) || !Array.isArray(body.layers)) {
        throw new Error(`manifest sha256:${hex.slice(0, 12)} has no config or layers`);
      }
      const chex = hexDigest(body.config.digest);
      if (!chex) throw new Error(`manifest sha256:${hex.slice(0, 12)}: the config descriptor has no sha256 digest`);
      if (!ar.has(blobPath(chex))) throw new Error(`missing blob sha256:${chex} (config of manifest sha256:${hex.slice(0, 12)})`);
      const config = parseConfig(await ar.readJson(blobPath(chex)), `config sha256:${chex.slice(0, 12)}`);
      const layers: LayerRef[] = body.layers.map((l: unknown, j: number) => {
        const lhex = isObj(l) ? hexDigest(l.digest) : null;
        if (!isObj(l) || !lhex) throw new Error(`manifest sha256:${hex.slice(0, 12)}: layer ${j + 1} has no sha256 digest`);
        return {
          member: blobPath(lhex),
          mediaType: str(l.mediaType),
          digest: lhex,
          diffId: config.diffIds[j] || null,
          size: typeof l.size === 'number' ? l.size : null,
        };
      });
      const p = isObj(d.platform) ? d.platform : null;
      const declared = p && typeof p.os === 'string' ? { os: p.os, architecture: str(p.architecture), variant: str(p.variant) } : null;
      // The config is the truth about the image; a descriptor's platform only fills what it lacks.
      if (declared) {
        config.os ??= declared.os;
        config.architecture ??= declared.architecture === null ? null : normalizeArch(declared.architecture);
        config.variant ??= declared.variant;
      }
      cands.push({ format: 'oci', ref: name, config, layers, declared });
    }
  };
  await visit(await ar.readJson('index.json'), 'index.json', null, 0);
  const { declared: _, ...chosen } = choose(cands, platform);
  return chosen;
}
