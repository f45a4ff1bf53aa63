#!/usr/bin/env bash
# make installer: the Windows installer, dist/Vivify-VERSION-windows-setup.exe,
# built here with NSIS (makensis) from the Windows program that make package
# builds and the ffmpeg Vivify carries (scripts/bundle-ffmpeg.sh).
#
# Usage: installer.sh path/to/Vivify-VERSION-windows-amd64.exe
set -euo pipefail
cd "$(dirname "$0")/.."
exe=$(realpath "${1:?usage: installer.sh Vivify-VERSION-windows-amd64.exe}")
version=${VERSION:-$(sed -n 's/^ *Version = "\(.*\)"$/\1/p' FyneApp.toml)}
command -v makensis >/dev/null || { echo "installer: makensis is missing (Debian package nsis)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash scripts/bundle-ffmpeg.sh win32-x64 "$work/ffmpeg" >/dev/null
# The welcome page's picture: the icon on the icon's colours (ImageMagick),
# instead of NSIS's own.
side=()
if command -v convert >/dev/null; then
  convert -size 164x314 gradient:'#5b2bd6'-'#c2399b' \( icons/vivify.png -resize 112x112 \) \
    -gravity center -composite -type TrueColor BMP3:"$work/side.bmp"
  side=(-DSIDE="$work/side.bmp")
fi
mkdir -p dist
out=$(realpath dist)/Vivify-$version-windows-setup.exe
makensis -V2 -DVERSION="$version" -DEXE="$exe" -DFFDIR="$work/ffmpeg" -DICON="$(realpath icons/vivify.ico)" \
  -DOUT="$out" "${side[@]}" packaging/windows/vivify.nsi
chmod 755 "$out"
ls -l "$out"
