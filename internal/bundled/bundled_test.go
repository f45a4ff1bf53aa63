package bundled

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A program beside Vivify's own comes before the PATH's; a file that is
// not a program does not count.
func TestBesides(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the executable bit is Unix's")
	}
	dir := t.TempDir()
	if besides(dir, "ffmpeg") != "" {
		t.Fatal("found in an empty folder")
	}
	os.WriteFile(filepath.Join(dir, "ffmpeg"), []byte("not a program"), 0o644)
	if besides(dir, "ffmpeg") != "" {
		t.Fatal("a file that cannot run counts")
	}
	os.Chmod(filepath.Join(dir, "ffmpeg"), 0o755)
	if got := besides(dir, "ffmpeg"); got != filepath.Join(dir, "ffmpeg") {
		t.Fatalf("got %q", got)
	}
	// A macOS app: Contents/MacOS/vivify, Contents/Resources/ffprobe.
	app := filepath.Join(t.TempDir(), "Contents")
	os.MkdirAll(filepath.Join(app, "MacOS"), 0o755)
	os.MkdirAll(filepath.Join(app, "Resources"), 0o755)
	os.WriteFile(filepath.Join(app, "Resources", "ffprobe"), []byte("#!/bin/sh\n"), 0o755)
	if got := besides(filepath.Join(app, "MacOS"), "ffprobe"); got == "" {
		t.Fatal("not found in the app's Resources")
	}
}
