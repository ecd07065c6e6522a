// Crafted inputs, field by field, for the hostile-input tests and as seeds of the fuzzer
// (scripts/fuzz.mjs): tar archives (ustar + PAX), docker-save and OCI image layouts, and the image
// shapes of issue 15 (nested indexes, repeated layers, bombs, long paths, many entries). Plain
// JavaScript so the fuzzer runs on node alone; types in shapes.d.mts for the TypeScript tests.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const enc = new TextEncoder();

function octal(b, off, len, v) {
  const s = v.toString(8).padStart(len - 1, '0');
  b.set(enc.encode(s.slice(-(len - 1))), off);
  b[off + len - 1] = 0;
}

/** A 512-byte ustar header with its checksum. */
export function tarHeader({ name, size = 0, type = '0', mode = 0o644, linkname = '' }) {
  const b = new Uint8Array(512);
  b.set(enc.encode(name).subarray(0, 100), 0);
  octal(b, 100, 8, mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  if (size > 0o77777777777) {
    // GNU base-256 for sizes over 8 GiB.
    b[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      b[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  } else octal(b, 124, 12, size);
  octal(b, 136, 12, 0);
  b[156] = type.charCodeAt(0);
  b.set(enc.encode(linkname).subarray(0, 100), 157);
  b.set(enc.encode('ustar\0'), 257);
  b.set(enc.encode('00'), 263);
  fixChecksum(b);
  return b;
}

/** Recomputes a header block's checksum (after a field was changed). */
export function fixChecksum(b) {
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i];
  const s = sum.toString(8).padStart(6, '0');
  b.set(enc.encode(s), 148);
  b[154] = 0;
  b[155] = 0x20;
}

function paxRecord(key, value) {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

const pad = (n) => (512 - (n % 512)) % 512;

/**
 * A tar stream of ENTRIES ({name, type: 'file'|'dir'|'symlink'|'hardlink', data, linkname, mode}).
 * Names or link targets over 100 bytes get a PAX header. Returns the chunks (a big archive is never
 * one buffer): concatenate with concat() or stream them.
 */
export function* tarChunks(entries, { end = true } = {}) {
  const typeflag = { file: '0', dir: '5', symlink: '2', hardlink: '1' };
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    const size = e.size ?? data.length;
    const linkname = e.linkname ?? '';
    if (enc.encode(e.name).length > 100 || enc.encode(linkname).length > 100) {
      const pax = enc.encode(paxRecord('path', e.name) + (linkname ? paxRecord('linkpath', linkname) : ''));
      yield tarHeader({ name: 'PaxHeaders/x', size: pax.length, type: 'x' });
      yield pax;
      yield new Uint8Array(pad(pax.length));
    }
    yield tarHeader({
      name: e.name,
      size: (e.type ?? 'file') === 'file' ? size : 0,
      type: typeflag[e.type ?? 'file'],
      mode: e.mode ?? (e.type === 'dir' ? 0o755 : 0o644),
      linkname,
    });
    if ((e.type ?? 'file') === 'file') {
      if (e.chunks) yield* e.chunks;
      else yield data;
      yield new Uint8Array(pad(size));
    }
  }
  if (end) yield new Uint8Array(1024);
}

export function concat(chunks) {
  const list = [...chunks];
  const out = new Uint8Array(list.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of list) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const tar = (entries) => concat(tarChunks(entries));

export const sha256 = (b) => createHash('sha256').update(b).digest('hex');

/** F with its results kept by argument (a layer named 600 times is hashed once). */
function memo(f) {
  const seen = new Map();
  return (x) => {
    if (!seen.has(x)) seen.set(x, f(x));
    return seen.get(x);
  };
}

const json = (v) => enc.encode(JSON.stringify(v));

/** A minimal image config for LAYERS (uncompressed tars, for their diff_ids). */
export function imageConfig(uncompressed, extra = {}) {
  return json({
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/bin'] },
    rootfs: { type: 'layers', diff_ids: uncompressed.map(memo(sha256)).map((d) => `sha256:${d}`) },
    ...extra,
  });
}

/**
 * A docker-save tarball: manifest.json naming the config and the layer members; `order` lists the
 * layer indexes as the manifest names them (repeats allowed: the same blob named many times).
 */
export function dockerSave(layers, { order = layers.map((_, i) => i), compress = null } = {}) {
  const stored = layers.map((l) => (compress === 'gzip' ? gzipSync(l, { level: 1 }) : l));
  const config = imageConfig(order.map((i) => layers[i]));
  const cfgName = `${sha256(config)}.json`;
  const names = stored.map((l) => `blobs/sha256/${sha256(l)}`);
  const manifest = json([{ Config: cfgName, RepoTags: ['crafted:latest'], Layers: order.map((i) => names[i]) }]);
  const seen = new Set();
  const members = [{ name: cfgName, data: config }];
  for (const [i, l] of stored.entries()) {
    if (seen.has(names[i])) continue;
    seen.add(names[i]);
    members.push({ name: names[i], data: l });
  }
  members.push({ name: 'manifest.json', data: manifest });
  return tar(members);
}

/**
 * An OCI image layout tarball. `layers` are blobs as stored (`uncompressed` gives their tars for the
 * diff_ids when they are compressed); `mediaTypes` per layer. `nest`: indexes `depth` deep, each
 * listing the next `fanout` times (one digest, many descriptors).
 */
export function ociLayout(
  layers,
  { uncompressed = layers, mediaTypes = layers.map(() => 'application/vnd.oci.image.layer.v1.tar'), nest = null, extraBlobs = [] } = {},
) {
  const blobs = new Map();
  const put = (b) => {
    const d = sha256(b);
    blobs.set(d, b);
    return { digest: `sha256:${d}`, size: b.length };
  };
  const config = put(imageConfig(uncompressed));
  const layerDescs = layers.map((l, i) => ({ mediaType: mediaTypes[i], ...put(l) }));
  const manifest = put(
    json({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layerDescs,
    }),
  );
  let top = { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: { os: 'linux', architecture: 'amd64' } };
  for (let d = 0; nest && d < nest.depth; d++) {
    const idx = put(
      json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: Array.from({ length: nest.fanout }, () => top) }),
    );
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', ...idx };
  }
  for (const b of extraBlobs) put(b);
  const index = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: nest ? Array.from({ length: nest.fanout }, () => top) : [top],
  });
  return tar([
    { name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', data: index },
    ...[...blobs].map(([d, b]) => ({ name: `blobs/sha256/${d}`, data: b })),
  ]);
}

/** The ELF magic and zeros: an "executable" the image reader keeps (it checks the magic only). */
export function elfStub(size = 64) {
  const b = new Uint8Array(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  return b;
}

/** A small layer with a library, a loader, ld.so.conf and an executable: what the image reader extracts. */
export function smallLayer() {
  return tar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/os-release', data: enc.encode('ID=crafted\nVERSION_ID=1\n') },
    { name: 'etc/ld.so.conf', data: enc.encode('include /etc/ld.so.conf.d/*.conf\n') },
    { name: 'etc/ld.so.conf.d/', type: 'dir' },
    { name: 'etc/ld.so.conf.d/x.conf', data: enc.encode('/opt/lib\n') },
    { name: 'usr/', type: 'dir' },
    { name: 'usr/lib/', type: 'dir' },
    { name: 'usr/lib/libcrafted.so.1', data: elfStub(256) },
    { name: 'usr/lib/libcrafted.so', type: 'symlink', linkname: 'libcrafted.so.1' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'usr/bin/', type: 'dir' },
    { name: 'usr/bin/app', data: elfStub(512), mode: 0o755 },
    { name: 'usr/bin/app2', type: 'hardlink', linkname: 'usr/bin/app' },
  ]);
}
