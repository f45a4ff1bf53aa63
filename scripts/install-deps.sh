#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Vivify needs to build and test, when they
# are missing. Does nothing when all are present, and never fails the build on a
# system without apt: it says what is missing and leaves the rest to the caller.
set -euo pipefail

# Build: cgo, OpenGL and X11/Wayland headers for Fyne. cgo compiles with clang
# when it is there (see the Makefile): gcc takes minutes over Fyne's OpenGL
# bindings. gcc stays, for the linker and for builds outside make.
build_pkgs="gcc clang pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev"
# Tests: a real window (Xvfb), a real Secret Service (gnome-keyring on a D-Bus
# session), screenshots (ImageMagick), MP4 output (ffmpeg), finding the window
# (xdotool), timing its appearance (xev, in x11-utils), and running the
# Windows program (wine64; its stand-in DLL is built with mingw-w64, below);
# the system's file choosers Browse opens (the desktop portal with its GTK
# chooser, and zenity, its fallback).
test_pkgs="xvfb xauth dbus-x11 gnome-keyring imagemagick ffmpeg xdotool x11-utils wine64 xdg-desktop-portal xdg-desktop-portal-gtk zenity"

# Packages: the Windows program is cross-built with mingw-w64; the Linux
# package is an xz-compressed tar, and a .deb whose desktop entry and
# AppStream metainfo are validated (desktop-file-utils, appstream); the
# Windows installer is made with NSIS and carries ffmpeg from the npm
# registry (npm fetches it).
package_pkgs="gcc-mingw-w64-x86-64 xz-utils desktop-file-utils appstream nsis npm imagemagick"

want="$build_pkgs"
case "${1:-}" in
  --test) want="$build_pkgs $test_pkgs $package_pkgs" ;;
  --package) want="$build_pkgs $package_pkgs" ;;
  --build|"") ;;
  *) echo "usage: $0 [--build|--test|--package]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  # npm may come with another Node.js than Debian's (NodeSource's has it
  # built in, and its package conflicts with Debian's npm): any npm does.
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: not a Debian/Ubuntu system; please install:$missing" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-deps: need root to install:$missing" >&2; exit 1
  fi
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
