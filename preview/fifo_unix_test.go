//go:build !windows

package preview

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"vivify/internal/picture"
)

// A pipe named like a video is refused at once with words to show: given
// to ffprobe, it waited for a writer for ever, with no message.
func TestOpenRefusesAPipe(t *testing.T) {
	if !HasFFmpeg() {
		t.Skip("no ffmpeg")
	}
	path := filepath.Join(t.TempDir(), "video.mp4")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Open(context.Background(), path, 480, 480)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, picture.ErrNotRegular) {
			t.Fatalf("a pipe: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("opening a pipe as a video hangs")
	}
}
