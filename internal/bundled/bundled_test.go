package bundled

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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

// A program that ends while another it started still holds its output
// pipe open (as a program Windows handed the pipe to does) is waited for
// about pipesLinger, not until that other one ends: it ended well, and
// one that failed says so.
func TestWaitDoesNotWaitForWhoHoldsThePipe(t *testing.T) {
	defer func(d time.Duration) { pipesLinger = d }(pipesLinger)
	pipesLinger = 500 * time.Millisecond
	if runtime.GOOS == "windows" {
		t.Skip("started through sh")
	}
	for _, c := range []struct {
		script string
		fails  bool
	}{{"sleep 20 >&2 & echo made", false}, {"sleep 20 >&2 & exit 3", true}} {
		cmd := Command(context.Background(), "/bin/sh", "-c", c.script)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		err := Wait(cmd)
		took := time.Since(start)
		if took > pipesLinger+5*time.Second {
			t.Fatalf("%q: waited %v for a pipe another program held", c.script, took)
		}
		var exit *exec.ExitError
		switch {
		case c.fails && !errors.As(err, &exit):
			t.Fatalf("%q: a program that failed: %v", c.script, err)
		case !c.fails && err != nil:
			t.Fatalf("%q: a program that ended well: %v", c.script, err)
		}
	}
}
