// Package bundled finds the programs Vivify may carry with it (ffmpeg and
// ffprobe, in the Windows installer and the macOS app): next to Vivify's
// own program first, then on the PATH.
package bundled

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
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
//
// Once the program has ended, its output is waited for at most
// pipesLinger: a program started while it ran may hold its pipes open
// (Windows hands a program's handles to the programs started after it
// wherever the list of handles to hand on is not honoured, as under Wine),
// and waiting for that one to end could wait forever, when it is the
// encoder waiting for this decoder's frames.
func Command(ctx context.Context, path string, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, path, args...)
	c.WaitDelay = pipesLinger
	noWindow(c)
	return c
}

// pipesLinger is how long a program's output pipes are read after it ends.
var pipesLinger = 3 * time.Second

// Wait is c.Wait for a Command: a program that ended well, its pipes still
// held open by another after pipesLinger, ended well.
func Wait(c *exec.Cmd) error { return ended(c.Wait()) }

// Run is c.Run for a Command: started by Start, ending as Wait does.
func Run(c *exec.Cmd) error {
	if err := Start(c); err != nil {
		return err
	}
	return Wait(c)
}

// Output is c.Output for a Command: what it writes, run as Run does.
func Output(c *exec.Cmd) ([]byte, error) {
	var out bytes.Buffer
	c.Stdout = &out
	err := Run(c)
	return out.Bytes(), err
}

func ended(err error) error {
	if errors.Is(err, exec.ErrWaitDelay) {
		return nil
	}
	return err
}
