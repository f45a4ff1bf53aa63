// Package bundled finds the programs Vivify may carry with it (ffmpeg and
// ffprobe, in the Windows installer and the macOS app): next to Vivify's
// own program first, then on the PATH.
package bundled

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Program is the path of the program name: the copy beside Vivify's own
// program (on macOS, also in the app's Resources), or the one on the PATH;
// "" when there is none.
func Program(name string) string {
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		if p := besides(filepath.Dir(exe), name); p != "" {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return ""
}

// besides is name in dir (or in a macOS app's Resources beside it), if it
// is a program there.
func besides(dir, name string) string {
	file := name
	if runtime.GOOS == "windows" {
		file += ".exe"
	}
	for _, d := range []string{dir, filepath.Join(dir, "..", "Resources")} {
		p := filepath.Join(d, file)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && (runtime.GOOS == "windows" || st.Mode()&0o111 != 0) {
			return p
		}
	}
	return ""
}

// Command is exec.CommandContext for one of these programs, run without a
// window of its own: on Windows a console program started by a windowed
// one gets a console window, which flashed black over Vivify every time
// ffmpeg ran.
func Command(ctx context.Context, path string, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, path, args...)
	noWindow(c)
	return c
}
