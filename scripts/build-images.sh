#!/usr/bin/env bash
# Builds the container image tarballs the image reader's tests open, into
# ${GOREADY_IMAGES:-<corpus>/images} (<corpus> is ${GOREADY_CORPUS:-<repo>/.corpus}). No docker engine
# is needed: root filesystems are unpacked from real Debian packages (apt-get download + dpkg-deb -x),
# the Go binaries come from the test corpus (scripts/build-corpus.sh), and python3 writes the tarballs.
#
#   bookworm.tar  docker save layout (manifest.json, config, <id>/layer.tar), libc6 2.36 with
#                 usrmerge symlinks (/lib -> usr/lib ...). Layer 1 (gzip): the root filesystem;
#                 layer 2 (gzip): Go binaries, a hardlink, a whiteout (written through the /lib
#                 symlink) and an opaque library directory; layer 3 (uncompressed): an
#                 ld.so.conf.d entry naming a library directory of layer 1.
#   bullseye.tar  OCI image layout (oci-layout, index.json, blobs/sha256/*), libc6 2.31 from Debian
#                 bullseye, zstd layers (layer 2 is two zstd frames). index.json also names a
#                 linux/arm64 image holding the arm64 Go fixture.
#   musl.tar      docker save layout, uncompressed layers: Debian's musl, an os-release and the apk
#                 database line Alpine would have.
#   escape.tar    hostile entries: names with ../, symlinks to /etc/passwd and ../../.., a hardlink
#                 out of the root, files written through symlinked directories.
#   zeros-gzip.tar, zeros-zstd.tar   a 256 MiB file of zeros in one layer (streaming checks).
#   images.json   what was built: per image, the .deb files used (paths relative to the images
#                 directory), the Go binaries placed, the paths a whiteout removed, ...
#   debs/, rootfs/  the downloaded packages and the unpacked root filesystems (kept for the tests).
#
# Cached: exits at once when images.json exists and .stamp holds the hash of this script, the
# corpus binaries used and the package versions apt would download.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT="$ROOT/scripts/build-images.sh"
CORPUS="${GOREADY_CORPUS:-$ROOT/.corpus}"
OUT="${GOREADY_IMAGES:-$CORPUS/images}"

die() { echo "images: error: $*" >&2; exit 1; }
for tool in python3 apt-get apt-cache dpkg-deb zstd; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH (bash scripts/setup.sh installs what is needed)"
done
[ -f "$CORPUS/manifest.json" ] || die "test corpus missing: $CORPUS/manifest.json (run: npm run corpus)"
for f in go/linux-amd64 go/linux-amd64-cgo go/linux-amd64-stripped go/linux-arm64 misc/c-hello; do
  [ -f "$CORPUS/$f" ] || die "corpus file missing: $CORPUS/$f (run: npm run corpus)"
done

BOOKWORM_PKGS="base-files libc6 libgcc-s1 libseccomp2"
BULLSEYE_PKGS="base-files libc6 libgcc-s1"
MUSL_PKGS="musl"

# The bullseye suite comes from scripts/apt-sources.sh (the mirror apt already uses, pinned low).
bullseye_ready() { apt-cache policy libc6 2>/dev/null | grep -q ' bullseye/main '; }
if ! bullseye_ready; then
  [ "$(id -u)" = 0 ] || die "apt has no Debian bullseye source: as root this script adds it; otherwise run: sudo bash scripts/apt-sources.sh"
  bash "$ROOT/scripts/apt-sources.sh" || die "adding Debian's bullseye suite failed"
  bullseye_ready || die "apt still has no libc6 from bullseye after scripts/apt-sources.sh"
fi

# Candidate versions (for the cache stamp and the downloads).
version_of() { # PKG RELEASE
  apt-cache policy "$1" | awk -v rel="$2" '
    /^     [^ ]/ || /^ \*\*\* / { v = ($1 == "***") ? $2 : $1 }
    / [0-9]+ http/ && index($0, " " rel "/") { print v; exit }'
}
VERSIONS=""
for p in $BOOKWORM_PKGS $MUSL_PKGS; do VERSIONS="$VERSIONS $p=$(version_of "$p" bookworm)"; done
for p in $BULLSEYE_PKGS; do VERSIONS="$VERSIONS $p/bullseye=$(version_of "$p" bullseye)"; done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
HASH=$(
  {
    sha256sum <"$SCRIPT"
    (cd "$CORPUS" && sha256sum go/linux-amd64 go/linux-amd64-cgo go/linux-amd64-stripped go/linux-arm64 misc/c-hello)
    echo "$VERSIONS"
  } | sha256sum | cut -d' ' -f1
)
if [ -f "$OUT/images.json" ] && [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$HASH" ]; then
  echo "images: up to date ($OUT)"
  exit 0
fi
echo "images: building into $OUT"
rm -f "$OUT/images.json" "$OUT/.stamp"
rm -rf "$OUT/debs" "$OUT/rootfs" "$OUT/tmp"
mkdir -p "$OUT/debs/bookworm" "$OUT/debs/bullseye" "$OUT/debs/musl" "$OUT/rootfs" "$OUT/tmp"

download() { # DIR RELEASE PKG...
  local dir=$1 rel=$2
  shift 2
  local -a specs=()
  local p
  for p in "$@"; do specs+=("$p:amd64/$rel"); done
  # apt's sandbox user cannot write to most directories: download in a world-writable temp dir.
  local tmp
  tmp=$(mktemp -d)
  chmod 777 "$tmp"
  (cd "$tmp" && apt-get download -qq "${specs[@]}" 2>&1 | grep -v 'unsandboxed' || true) >&2
  for p in "$@"; do
    ls "$tmp/${p}_"*.deb >/dev/null 2>&1 || { rm -rf "$tmp"; die "apt-get download $p:amd64/$rel failed"; }
  done
  mv "$tmp"/*.deb "$dir/"
  rm -rf "$tmp"
}
# shellcheck disable=SC2086
download "$OUT/debs/bookworm" bookworm $BOOKWORM_PKGS
# shellcheck disable=SC2086
download "$OUT/debs/bullseye" bullseye $BULLSEYE_PKGS
# shellcheck disable=SC2086
download "$OUT/debs/musl" bookworm $MUSL_PKGS

unpack() { # ROOTFS DEBDIR
  mkdir -p "$1"
  local d
  local d pkg list
  mkdir -p "$1/var/lib/dpkg/info"
  for d in "$2"/*.deb; do
    dpkg-deb -x "$d" "$1"
    # What dpkg itself records on install: the package's paths in var/lib/dpkg/info/PKG[:ARCH].list
    # (Multi-Arch: same packages carry the architecture), which goready licenses maps libraries with.
    pkg=$(dpkg-deb -f "$d" Package)
    if [ "$(dpkg-deb -f "$d" Multi-Arch)" = same ]; then pkg="$pkg:$(dpkg-deb -f "$d" Architecture)"; fi
    list="$1/var/lib/dpkg/info/$pkg.list"
    dpkg-deb --fsys-tarfile "$d" | tar -t | sed -e 's#^\./#/#' -e 's#/$##' -e 's#^$#/.#' >"$list"
  done
  # Documentation is of no use to the tests, but the copyright files are (licences); keep the images small.
  find "$1/usr/share/doc" -type f ! -name copyright -delete 2>/dev/null || true
  rm -rf "$1/usr/share/man" "$1/usr/share/info" "$1/usr/share/lintian" "$1/usr/share/locale"
}

# bookworm: merged /usr like a debootstrapped bookworm (/bin, /sbin, /lib, /lib64 -> usr/...).
unpack "$OUT/tmp/bookworm" "$OUT/debs/bookworm"
R="$OUT/rootfs/bookworm"
mkdir -p "$R/usr"
cp -a "$OUT/tmp/bookworm/." "$R/"
for d in bin sbin lib lib64; do
  if [ -d "$R/$d" ] && [ ! -L "$R/$d" ]; then
    mkdir -p "$R/usr/$d"
    cp -a "$R/$d/." "$R/usr/$d/"
    rm -rf "${R:?}/$d"
  fi
  mkdir -p "$R/usr/$d"
  ln -s "usr/$d" "$R/$d"
done
unpack "$OUT/rootfs/bullseye" "$OUT/debs/bullseye"
unpack "$OUT/rootfs/musl" "$OUT/debs/musl"

python3 - "$OUT" "$CORPUS" <<'PY'
import gzip, hashlib, io, json, os, subprocess, sys, tarfile

out, corpus = sys.argv[1], sys.argv[2]
rootfs = os.path.join(out, "rootfs")
MTIME = 1700000000


def info(name, kind=tarfile.REGTYPE, mode=0o644, size=0, linkname=""):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.size, ti.linkname = kind, mode, size, linkname
    ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = MTIME, 0, 0, "root", "root"
    return ti


class Layer:
    """An uncompressed layer tar written to a temp file, entries in the order added."""

    def __init__(self, name):
        self.path = os.path.join(out, "tmp", name + ".tar")
        self.tar = tarfile.open(self.path, "w", format=tarfile.PAX_FORMAT)

    def tree(self, root, prefix=""):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel = os.path.relpath(dirpath, root)
            for n in sorted(dirnames) + sorted(filenames):
                full = os.path.join(dirpath, n)
                arc = os.path.normpath(os.path.join(prefix, rel, n)).lstrip("/")
                st = os.lstat(full)
                if os.path.islink(full):
                    self.tar.addfile(info(arc, tarfile.SYMTYPE, 0o777, 0, os.readlink(full)))
                elif os.path.isdir(full):
                    self.tar.addfile(info(arc + "/", tarfile.DIRTYPE, st.st_mode & 0o7777))
                else:
                    with open(full, "rb") as f:
                        self.tar.addfile(info(arc, mode=st.st_mode & 0o7777, size=st.st_size), f)
            # os.walk does not descend into symlinked directories: they were added as links above.
            dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]

    def dir(self, name, mode=0o755):
        self.tar.addfile(info(name.rstrip("/") + "/", tarfile.DIRTYPE, mode))

    def file(self, name, data=b"", mode=0o644, src=None):
        if src is not None:
            with open(src, "rb") as f:
                data = f.read()
        self.tar.addfile(info(name, mode=mode, size=len(data)), io.BytesIO(data))

    def symlink(self, name, target):
        self.tar.addfile(info(name, tarfile.SYMTYPE, 0o777, 0, target))

    def hardlink(self, name, target):
        self.tar.addfile(info(name, tarfile.LNKTYPE, 0o755, 0, target))

    def zeros(self, name, size):
        class Zeros(io.RawIOBase):
            def __init__(self, n):
                self.n = n

            def readable(self):
                return True

            def readinto(self, b):
                k = min(len(b), self.n)
                b[:k] = bytes(k)
                self.n -= k
                return k

        self.tar.addfile(info(name, size=size), io.BufferedReader(Zeros(size), 1 << 20))

    def close(self):
        self.tar.close()
        return self.path


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def compress(path, kind, frames=1):
    """Returns the path of the blob: the tar itself, gzip, or zstd (frames > 1: independent frames concatenated)."""
    if kind == "none":
        return path
    if kind == "gzip":
        dst = path + ".gz"
        with open(path, "rb") as src, open(dst, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                for b in iter(lambda: src.read(1 << 20), b""):
                    gz.write(b)
        return dst
    dst = path + ".zst"
    size = os.path.getsize(path)
    cut = (size // frames // 512) * 512
    with open(path, "rb") as src, open(dst, "wb") as o:
        for i in range(frames):
            part = src.read(cut) if i < frames - 1 else src.read()
            o.write(subprocess.run(["zstd", "-q", "-c", "-3"], input=part, stdout=subprocess.PIPE, check=True).stdout)
    return dst


MEDIA = {
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}


def config_json(arch, diff_ids, **cfg):
    c = {
        "architecture": arch,
        "os": "linux",
        "created": "2023-11-14T22:13:20Z",
        "config": cfg,
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "scripts/build-images.sh"} for _ in diff_ids],
    }
    if arch == "arm64":
        c["variant"] = "v8"
    return json.dumps(c, sort_keys=True).encode()


def add_bytes(t, name, data):
    t.addfile(info(name, size=len(data)), io.BytesIO(data))


def docker_save(dst, tag, arch, layers, **cfg):
    """layers: [(tar path, compression)] -> docker save tarball: <id>/layer.tar files, <hex>.json, manifest.json."""
    diff_ids = [sha256_file(p) for p, _ in layers]
    config = config_json(arch, diff_ids, **cfg)
    cfg_name = hashlib.sha256(config).hexdigest() + ".json"
    with tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as t:
        names = []
        for (p, kind), d in zip(layers, diff_ids):
            blob = compress(p, kind)
            t.addfile(info(d + "/", tarfile.DIRTYPE, 0o755))
            add_bytes(t, d + "/VERSION", b"1.0")
            ti = info(d + "/layer.tar", size=os.path.getsize(blob))
            with open(blob, "rb") as f:
                t.addfile(ti, f)
            names.append(d + "/layer.tar")
        add_bytes(t, cfg_name, config)
        manifest = [{"Config": cfg_name, "RepoTags": [tag] if tag else None, "Layers": names}]
        add_bytes(t, "manifest.json", json.dumps(manifest).encode())
        if tag:
            repo, _, version = tag.rpartition(":")
            add_bytes(t, "repositories", json.dumps({repo: {version: names[-1].split("/")[0]}}).encode())


def oci_layout(dst, images):
    """images: [(ref, arch, [(tar path, compression, frames)], cfg)] -> OCI image layout tarball."""
    blobs = {}

    def blob(data=None, path=None):
        if path is None:
            d = hashlib.sha256(data).hexdigest()
            blobs[d] = ("bytes", data)
            return d, len(data)
        d = sha256_file(path)
        blobs[d] = ("file", path)
        return d, os.path.getsize(path)

    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}
    for ref, arch, layers, cfg in images:
        diff_ids = [sha256_file(p) for p, _, _ in layers]
        descs = []
        for p, kind, frames in layers:
            d, n = blob(path=compress(p, kind, frames))
            descs.append({"mediaType": MEDIA[kind], "digest": "sha256:" + d, "size": n})
        cd, cn = blob(config_json(arch, diff_ids, **cfg))
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cd, "size": cn},
            "layers": descs,
        }
        md, mn = blob(json.dumps(manifest).encode())
        platform = {"architecture": arch, "os": "linux"}
        if arch == "arm64":
            platform["variant"] = "v8"
        index["manifests"].append({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + md,
            "size": mn,
            "platform": platform,
            "annotations": {"org.opencontainers.image.ref.name": ref},
        })
    with tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as t:
        add_bytes(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add_bytes(t, "index.json", json.dumps(index).encode())
        t.addfile(info("blobs/", tarfile.DIRTYPE, 0o755))
        t.addfile(info("blobs/sha256/", tarfile.DIRTYPE, 0o755))
        for d, (kind, v) in sorted(blobs.items()):
            if kind == "bytes":
                add_bytes(t, "blobs/sha256/" + d, v)
            else:
                with open(v, "rb") as f:
                    t.addfile(info("blobs/sha256/" + d, size=os.path.getsize(v)), f)


def deb(rel, pkg):
    d = os.path.join(out, "debs", rel)
    return os.path.join("debs", rel, next(n for n in sorted(os.listdir(d)) if n.startswith(pkg + "_")))


def c(name):
    return os.path.join(corpus, name)


images = {}
libgcc = "usr/lib/x86_64-linux-gnu/libgcc_s.so.1"

# ---------------------------------------------------------------- bookworm (docker save, gzip)
l1 = Layer("bookworm-1")
l1.tree(os.path.join(rootfs, "bookworm"))
l1.file("usr/lib/x86_64-linux-gnu/libremoved.so.1", src=os.path.join(rootfs, "bookworm", libgcc))
l1.dir("usr/local/lib")
l1.file("usr/local/lib/libold.so.1", src=os.path.join(rootfs, "bookworm", libgcc))
# What libc-bin installs (the libc6 package alone has no /etc/ld.so.conf).
l1.file("etc/ld.so.conf", b"include /etc/ld.so.conf.d/*.conf\n\n")
l1.dir("opt/goready/lib")
l1.file("opt/goready/lib/libgoready.so.1", src=os.path.join(rootfs, "bookworm", libgcc))
l1 = l1.close()
l2 = Layer("bookworm-2")
l2.dir("app")
l2.file("app/hello-cgo", mode=0o755, src=c("go/linux-amd64-cgo"))
l2.hardlink("app/hello-cgo-link", "app/hello-cgo")
# Written through the /bin -> usr/bin symlink of layer 1: lands in /usr/bin.
l2.file("bin/hello-static", mode=0o755, src=c("go/linux-amd64"))
l2.file("usr/local/bin/c-hello", mode=0o755, src=c("misc/c-hello"))
l2.file("usr/local/bin/script.sh", b"#!/bin/sh\necho hello\n", mode=0o755)
l2.file("usr/local/bin/hello-not-executable", mode=0o644, src=c("go/linux-amd64-stripped"))
# Through the /lib -> usr/lib symlink: removes /usr/lib/x86_64-linux-gnu/libremoved.so.1.
l2.file("lib/x86_64-linux-gnu/.wh.libremoved.so.1")
l2.dir("usr/local/lib")
l2.file("usr/local/lib/.wh..wh..opq")
l2.file("usr/local/lib/libnew.so.1", src=os.path.join(rootfs, "bookworm", libgcc))
l2 = l2.close()
l3 = Layer("bookworm-3")
l3.dir("etc/ld.so.conf.d")
l3.file("etc/ld.so.conf.d/goready.conf", b"# added by layer 3\n/opt/goready/lib\n")
l3 = l3.close()
docker_save(os.path.join(out, "bookworm.tar"), "goready/bookworm:test", "amd64",
            [(l1, "gzip"), (l2, "gzip"), (l3, "none")],
            Env=["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOREADY=1"],
            Entrypoint=["/app/hello-cgo"], Cmd=["--serve"], User="65534:65534", WorkingDir="/app")
images["bookworm"] = {
    "file": "bookworm.tar", "format": "docker-save", "ref": "goready/bookworm:test", "arch": "amd64", "layers": 3,
    "libc6": deb("bookworm", "libc6"), "family": "glibc",
    "debs": [deb("bookworm", p) for p in ("base-files", "libc6", "libgcc-s1", "libseccomp2")],
    "goBinaries": ["/app/hello-cgo", "/app/hello-cgo-link", "/usr/bin/hello-static"],
    "removed": ["/usr/lib/x86_64-linux-gnu/libremoved.so.1", "/usr/local/lib/libold.so.1"],
    "present": ["/usr/local/lib/libnew.so.1", "/opt/goready/lib/libgoready.so.1"],
}

# ---------------------------------------------------------------- bullseye (OCI, zstd) + arm64
b1 = Layer("bullseye-1")
b1.tree(os.path.join(rootfs, "bullseye"))
b1 = b1.close()
b2 = Layer("bullseye-2")
b2.dir("usr/local/bin")
b2.file("usr/local/bin/hello-cgo", mode=0o755, src=c("go/linux-amd64-cgo"))
b2.file("usr/local/bin/hello-stripped", mode=0o755, src=c("go/linux-amd64-stripped"))
b2.file("usr/local/bin/c-hello", mode=0o755, src=c("misc/c-hello"))
b2 = b2.close()
a1 = Layer("arm64-1")
a1.dir("etc")
a1.file("etc/os-release", b'ID=goready-arm64\nPRETTY_NAME="goready arm64 test image"\n')
a1.dir("bin")
a1.file("bin/hello", mode=0o755, src=c("go/linux-arm64"))
a1 = a1.close()
oci_layout(os.path.join(out, "bullseye.tar"), [
    ("goready/bullseye:test", "amd64", [(b1, "zstd", 1), (b2, "zstd", 2)], {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "Cmd": ["/usr/local/bin/hello-cgo"]}),
    ("goready/arm64:test", "arm64", [(a1, "gzip", 1)], {"Cmd": ["/bin/hello"]}),
])
images["bullseye"] = {
    "file": "bullseye.tar", "format": "oci", "ref": "goready/bullseye:test", "arch": "amd64", "layers": 2,
    "libc6": deb("bullseye", "libc6"), "family": "glibc",
    "debs": [deb("bullseye", p) for p in ("base-files", "libc6", "libgcc-s1")],
    "goBinaries": ["/usr/local/bin/hello-cgo", "/usr/local/bin/hello-stripped"], "removed": [], "present": [],
}
images["arm64"] = {
    "file": "bullseye.tar", "platform": "linux/arm64", "format": "oci", "ref": "goready/arm64:test", "arch": "arm64",
    "layers": 1, "debs": [], "family": "unknown", "goBinaries": ["/bin/hello"], "removed": [], "present": [],
}

# ---------------------------------------------------------------- musl (docker save, uncompressed)
m1 = Layer("musl-1")
m1.tree(os.path.join(rootfs, "musl"))
m1.dir("etc")
m1.file("etc/os-release", b'NAME="goready musl"\nID=goready-musl\nVERSION_ID=1\nPRETTY_NAME="goready musl test image"\n')
musl_version = subprocess.run(["dpkg-deb", "-f", os.path.join(out, deb("musl", "musl")), "Version"], stdout=subprocess.PIPE, check=True, text=True).stdout.strip()
# The apk database entry Alpine's musl package writes (Debian packages have none).
m1.dir("lib/apk/db")
m1.file("lib/apk/db/installed", f"C:Q1goready=\nP:musl\nV:{musl_version.split('-')[0]}-r0\nA:x86_64\n\n".encode())
m1 = m1.close()
m2 = Layer("musl-2")
m2.dir("usr/local/bin")
m2.file("usr/local/bin/hello", mode=0o755, src=c("go/linux-amd64"))
m2 = m2.close()
docker_save(os.path.join(out, "musl.tar"), None, "amd64", [(m1, "none"), (m2, "none")], Cmd=["/usr/local/bin/hello"])
images["musl"] = {
    "file": "musl.tar", "format": "docker-save", "ref": None, "arch": "amd64", "layers": 2,
    "musl": deb("musl", "musl"), "family": "musl", "debs": [deb("musl", "musl")],
    "goBinaries": ["/usr/local/bin/hello"], "removed": [], "present": [],
}

# ---------------------------------------------------------------- escape (hostile entries)
e1 = Layer("escape-1")
e1.dir("etc")
e1.file("etc/passwd", b"ID=inside-the-image\n")
e1.symlink("etc/os-release", "/etc/passwd")
e1.dir("usr/lib")
e1.dir("lib")
e1.symlink("lib/x86_64-linux-gnu", "../../../../../../../../../../usr/lib")
e1.file("../../../../../../lib/libdotdot.so.1", b"a name with ../ lands inside the image\n")
e1.file("lib/x86_64-linux-gnu/libescape.so.1", b"written through a symlink that climbs above the root\n")
e1.hardlink("lib/libhard.so.1", "../../../../../../etc/passwd")
e1.symlink("lib/libabs.so.1", "/etc/passwd")
e1.dir("usr/local/bin")
e1.file("usr/local/bin/hello", mode=0o755, src=c("go/linux-amd64-stripped"))
e1.symlink("usr/local/bin/passwd-link", "/etc/passwd")
e1.symlink("usr/local/bin/loop", "loop")
e1 = e1.close()
docker_save(os.path.join(out, "escape.tar"), "goready/escape:test", "amd64", [(e1, "none")])
images["escape"] = {
    "file": "escape.tar", "format": "docker-save", "ref": "goready/escape:test", "arch": "amd64", "layers": 1,
    "debs": [], "family": "unknown", "goBinaries": ["/usr/local/bin/hello"], "removed": [],
    "present": ["/lib/libdotdot.so.1", "/usr/lib/libescape.so.1", "/lib/libhard.so.1", "/lib/libabs.so.1"],
}

# ---------------------------------------------------------------- zeros (streaming)
ZEROS = 256 << 20
for kind in ("gzip", "zstd"):
    z = Layer("zeros-" + kind)
    z.dir("data")
    z.zeros("data/zeros", ZEROS)
    z.dir("usr/lib")
    z.zeros("usr/lib/libzeros.so.1", ZEROS)
    z = z.close()
    oci_layout(os.path.join(out, f"zeros-{kind}.tar"), [(f"goready/zeros-{kind}:test", "amd64", [(z, kind, 1)], {})])
    images[f"zeros-{kind}"] = {
        "file": f"zeros-{kind}.tar", "format": "oci", "ref": f"goready/zeros-{kind}:test", "arch": "amd64", "layers": 1,
        "debs": [], "family": "unknown", "goBinaries": [], "removed": [], "present": ["/usr/lib/libzeros.so.1"],
        "uncompressed": 2 * ZEROS,
    }

with open(os.path.join(out, "images.json"), "w") as f:
    json.dump(images, f, indent=2)
    f.write("\n")
PY
rm -rf "$OUT/tmp"
echo "$HASH" >"$OUT/.stamp"
echo "images: $(cd "$OUT" && ls ./*.tar | wc -l) tarballs, $(du -sh "$OUT" | cut -f1) in $OUT"
