#!/usr/bin/env bash
# make macos-app: Vivify.app for this Mac's processor, zipped into
# dist/Vivify-VERSION-macos-ARCH.zip, carrying ffmpeg and ffprobe (from the
# npm registry, scripts/bundle-ffmpeg.sh) in Contents/Resources, where the
# program looks before the PATH. It needs a Mac: the release workflow runs
# it on GitHub's macOS runners, once for Apple silicon and once for Intel.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" != Darwin ]; then
  echo "macos-app: this needs a Mac (the release workflow builds it on GitHub's macOS runners)" >&2
  exit 1
fi
version=${VERSION:-$(sed -n 's/^ *Version = "\(.*\)"$/\1/p' FyneApp.toml)}
case $(uname -m) in
  arm64) arch=arm64 npm=darwin-arm64 ;;
  x86_64) arch=amd64 npm=darwin-x64 ;;
  *) echo "macos-app: unknown processor $(uname -m)" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -c --exclude=./.git --exclude=./dist -f - . | tar -x -C "$work"
(
  cd "$work"
  go build -trimpath -tags release,no_emoji,migrated_fynedo -ldflags "-s -w -X vivify/client.Version=$version" -o vivify .
  go run fyne.io/tools/cmd/fyne package --target darwin --executable vivify --name Vivify --icon icons/vivify.png \
    --app-id io.vivify.app --app-version "$version" --release
)
bash scripts/bundle-ffmpeg.sh "$npm" "$work/Vivify.app/Contents/Resources"
mkdir -p dist
(cd "$work" && ditto -c -k --keepParent Vivify.app "Vivify-$version-macos-$arch.zip")
mv "$work/Vivify-$version-macos-$arch.zip" dist/
ls -l dist/*.zip
