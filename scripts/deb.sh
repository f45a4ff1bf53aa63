#!/usr/bin/env bash
# make deb: the Debian package, dist/vivify_VERSION_amd64.deb, from the
# program in the Linux tar.xz that make package builds. A creator
# double-clicks it in their file manager (Ubuntu's App Center or GNOME
# Software installs it). It holds:
# - the program, /usr/bin/vivify;
# - the desktop entry, which also offers "Open with Vivify" for pictures;
# - the icon at every size desktops ask for, and as SVG;
# - the AppStream metainfo software centres read;
# and depends on ffmpeg (MP4 results) and the libraries the window needs.
# The entry and the metainfo are validated first (desktop-file-validate,
# appstreamcli validate), so a package that a software centre would refuse
# is never built.
#
# Usage: deb.sh path/to/Vivify-VERSION-linux-amd64.tar.xz
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=${1:?usage: deb.sh Vivify-VERSION-linux-amd64.tar.xz}
version=${VERSION:-$(sed -n 's/^ *Version = "\(.*\)"$/\1/p' FyneApp.toml)}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$tarball" -C "$work"
program=$(find "$work/vivify" -path '*/bin/vivify' -type f | head -1)
[ -n "$program" ] || { echo "deb: no program in $tarball" >&2; exit 1; }

root=$work/root
install -D -m 755 "$program" "$root/usr/bin/vivify"
install -D -m 644 packaging/linux/io.vivify.app.desktop "$root/usr/share/applications/io.vivify.app.desktop"
install -d "$root/usr/share/metainfo"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" packaging/linux/io.vivify.app.metainfo.xml \
  >"$root/usr/share/metainfo/io.vivify.app.metainfo.xml"
for size in 16 24 32 48 64 128 256 512; do
  dir=$root/usr/share/icons/hicolor/${size}x${size}/apps
  install -d "$dir"
  go run ./cmd/mkicon -size "$size" -o "$dir/io.vivify.app.png" -ico ""
done
install -D -m 644 icons/vivify.svg "$root/usr/share/icons/hicolor/scalable/apps/io.vivify.app.svg"

desktop-file-validate "$root/usr/share/applications/io.vivify.app.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.vivify.app.metainfo.xml"

size_kb=$(du -sk "$root/usr" | cut -f1)
install -d "$root/DEBIAN"
# The window speaks Hindi, Japanese and Chinese in the system's fonts (Vivify
# carries Latin ones only): Noto has Devanagari and CJK.
cat >"$root/DEBIAN/control" <<CONTROL
Package: vivify
Version: $version
Architecture: amd64
Maintainer: The Vivify developers <vivify@users.noreply.github.com>
Installed-Size: $size_kb
Depends: ffmpeg, libgl1, libx11-6, libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1
Recommends: gnome-keyring | kwalletmanager, fonts-noto-core, fonts-noto-cjk
Section: video
Priority: optional
Homepage: https://github.com/vivify-app/vivify
Description: turn a still picture into a short video
 Vivify makes a short video from a picture with ModelsLab's image-to-video
 models: drop a picture in, choose how much it should move, and watch the
 result play. A practice mode makes simulated videos without a key.
CONTROL
mkdir -p dist
out=dist/vivify_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
ls -l "$out"
