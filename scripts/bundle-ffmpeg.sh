#!/usr/bin/env bash
# The ffmpeg and ffprobe Vivify carries where a creator has none (the
# Windows installer, the macOS app), so MP4 results play with nothing else
# installed. They come from the npm registry's @ffmpeg-installer and
# @ffprobe-installer packages, at the versions pinned here and checked by
# their SHA-256, and are kept in a cache so they are fetched once.
#
# The builds are GPLv3 (ffmpeg built with x264): they are separate programs
# that Vivify runs, shipped beside it with the licence's text and a note
# of where their source is.
#
# Usage: bundle-ffmpeg.sh PLATFORM OUTDIR   (PLATFORM: win32-x64, darwin-x64 or darwin-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."
platform=${1:?usage: bundle-ffmpeg.sh PLATFORM OUTDIR}
out=${2:?usage: bundle-ffmpeg.sh PLATFORM OUTDIR}

# package@version sha256 of its tarball, for each platform and program.
case $platform in
  win32-x64)
    ffmpeg="@ffmpeg-installer/win32-x64@4.1.0 2aa313be3585994d710197bc4196f5fcbb6a1469be1013b24d200e45d773592f"
    ffprobe="@ffprobe-installer/win32-x64@5.1.0 97992b5e3b651c7df625831fd369eecc5ec0e9532ac98921138b1c4fbc8de96e"
    exe=.exe ;;
  darwin-x64)
    ffmpeg="@ffmpeg-installer/darwin-x64@4.1.0 4f22b9ce0c0507e3f4cd6e822fb23214abc5fb70d48eb046ff94a1484299cdbf"
    ffprobe="@ffprobe-installer/darwin-x64@5.1.0 efe50b1fc86deb59a0263013a3f2c08ad5771ad1258a436e117e44b75ec8bd47"
    exe= ;;
  darwin-arm64)
    ffmpeg="@ffmpeg-installer/darwin-arm64@4.1.5 8a4306e64ed3ba3cb5e51093266c8c72f65314bec146c899a50426f21aaa0f44"
    ffprobe="@ffprobe-installer/darwin-arm64@5.0.1 27069fc32879761968823c3ce5353d3c6573f5df7d83d40b60bc2d878e886d39"
    exe= ;;
  *) echo "bundle-ffmpeg: unknown platform $platform" >&2; exit 2 ;;
esac

cache=${XDG_CACHE_HOME:-$HOME/.cache}/vivify-bundled
mkdir -p "$cache" "$out"
fetch() { # fetch "package@version sha256" program
  local spec=$1 program=$2 pkg sum tgz
  pkg=${spec% *}; sum=${spec#* }
  tgz="$cache/$(echo "$pkg" | tr '/@' '__').tgz"
  if [ ! -s "$tgz" ]; then
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
    mv "$tmp"/*.tgz "$tgz"
    rm -rf "$tmp"
  fi
  local got
  got=$( (command -v sha256sum >/dev/null && sha256sum "$tgz" || shasum -a 256 "$tgz") | cut -d' ' -f1)
  [ "$got" = "$sum" ] || { echo "bundle-ffmpeg: $pkg is not the file pinned" >&2; rm -f "$tgz"; exit 1; }
  tar -xzf "$tgz" -C "$out" --strip-components=1 "package/$program$exe"
  chmod 755 "$out/$program$exe"
  echo "$pkg"
}
got_ffmpeg=$(fetch "$ffmpeg" ffmpeg)
got_ffprobe=$(fetch "$ffprobe" ffprobe)
# The same text About shows: one copy, embedded by the window.
cp gui/licences/ffmpeg-gpl3.txt "$out/LICENSE-ffmpeg.txt"
cat >"$out/README-ffmpeg.txt" <<NOTE
Vivify carries ffmpeg and ffprobe to read and make MP4 videos.

They are FFmpeg (https://ffmpeg.org), licensed under the GNU General Public
License version 3 (LICENSE-ffmpeg.txt), as built by their packagers and
published on the npm registry as $got_ffmpeg and $got_ffprobe.
Their source code is at https://ffmpeg.org/download.html; the exact version
each program is shows with "ffmpeg -version". Vivify runs them as separate
programs; you may replace them with any other build.
NOTE
ls -l "$out"
