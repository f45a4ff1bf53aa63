#!/usr/bin/env bash
# make package: into dist/,
# - the Linux package: a tar.xz holding the program, its desktop entry and its
#   icon, laid out and compressed by the fyne tool pinned in go.mod;
# - the Windows program: a GUI .exe (no console window) carrying the icon,
#   cross-built with mingw-w64.
#
# Both are release builds: stripped (-s -w, -trimpath), without Fyne's emoji
# font (no_emoji: Vivify draws no emoji, and it is 4 MB), in Fyne's release
# mode, and with the fyneDo migration that FyneApp.toml asks for
# (migrated_fynedo). We build the programs with go build rather than through
# the fyne tool, to choose the tags, the C compiler and the linker flags.
#
# cgo compiles C with clang where it is installed (the Makefile says why: gcc
# takes minutes over Fyne's OpenGL bindings), for Windows too: clang targets
# mingw-w64 with its headers, and mingw-w64's gcc links the program.
#
# Each target builds in a copy of the source, side by side: the fyne tool
# writes into the tree it works in (it adds one to Build in FyneApp.toml),
# and this way git stays clean whatever happens.
#
# Usage: package.sh [linux|windows] (both when not told).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-linux windows}

version=${VERSION:-$(sed -n 's/^ *Version = "\(.*\)"$/\1/p' FyneApp.toml)}
tags=release,no_emoji,migrated_fynedo
ldflags="-s -w -X vivify/client.Version=$version"
if [[ $targets == *windows* ]] && ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  echo "package: x86_64-w64-mingw32-gcc is missing (Debian package gcc-mingw-w64-x86-64)" >&2
  exit 1
fi

if [ -z "${CC:-}" ] && command -v clang >/dev/null; then
  export CC=clang
fi
windows_cc=x86_64-w64-mingw32-gcc
if command -v clang >/dev/null; then
  windows_cc="clang --target=x86_64-w64-mingw32"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in $targets; do
  mkdir -p "$work/$target"
  tar -c --exclude=./.git --exclude=./bin --exclude=./dist --exclude=./demo-library \
    --exclude=./demo-out --exclude=./shots -f - . | tar -x -C "$work/$target"
done
# The fyne tool at the version go.mod pins, built for this machine.
if [[ $targets == *linux* ]]; then
  go build -o "$work/fyne" fyne.io/tools/cmd/fyne
fi

linux() {
  cd "$work/linux"
  go build -trimpath -tags "$tags" -ldflags "$ldflags" -o vivify .
  "$work/fyne" package --target linux --executable vivify --name Vivify --icon icons/vivify.png \
    --app-id io.vivify.app --app-version "$version" --release
  # The tool's Makefile in the package names the icon without its .png, so
  # its make install stopped at a file that is not there: put it right.
  mkdir fix
  tar -xJf Vivify.tar.xz -C fix
  sed -i 's/^Icon := "\(.*\)"$/Icon := "\1.png"/' fix/vivify/Makefile
  grep -q '^Icon := ".*\.png"$' fix/vivify/Makefile
  tar -cJf Vivify.tar.xz --owner=0 --group=0 -C fix vivify
}
windows() {
  cd "$work/windows"
  go run ./cmd/winres -version "$version" -o rsrc_windows_amd64.syso
  CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$windows_cc" CXX=x86_64-w64-mingw32-g++ \
    go build -trimpath -tags "$tags" \
    -ldflags "$ldflags -H windowsgui -extld=x86_64-w64-mingw32-gcc" -o Vivify.exe .
}
echo "package: building for $targets (a first build takes several minutes)"
pids=()
for target in $targets; do
  $target >"$work/$target.log" 2>&1 &
  pids+=($!)
done
failed=0
i=0
for target in $targets; do
  wait "${pids[$i]}" || { echo "package: the $target build failed:"; cat "$work/$target.log"; failed=1; } >&2
  i=$((i + 1))
done
[ $failed = 0 ] || exit 1

mkdir -p dist
for target in $targets; do
  case $target in
    linux) mv "$work/linux/Vivify.tar.xz" "dist/Vivify-$version-linux-amd64.tar.xz" ;;
    windows) mv "$work/windows/Vivify.exe" "dist/Vivify-$version-windows-amd64.exe" ;;
  esac
done
ls -l dist/
