package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteReplacesWholeAndLeavesNothing(t *testing.T) {
	for name, write := range map[string]func(string, []byte, os.FileMode) error{
		"Write": Write, "WriteUnsynced": WriteUnsynced,
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, "job.json")
		for _, content := range []string{"first", "second, longer"} {
			if err := write(p, []byte(content), 0o644); err != nil {
				t.Fatal(name, err)
			}
			if got, _ := os.ReadFile(p); string(got) != content {
				t.Fatalf("%s: %q", name, got)
			}
		}
		if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", name, st.Mode().Perm())
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("%s: left behind: %v", name, entries)
		}
		if err := write(filepath.Join(dir, "no", "such", "dir"), nil, 0o644); err == nil {
			t.Fatalf("%s: no error for a missing folder", name)
		}
	}
}

// Produce puts what fill wrote by name in place, with its permissions, and
// leaves nothing when fill fails.
func TestProduce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "clip.mp4")
	if err := Produce(path, 0o644, func(tmp string) error { return os.WriteFile(tmp, []byte("made"), 0o600) }); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if got, _ := os.ReadFile(path); err != nil || string(got) != "made" || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o644) {
		t.Fatalf("made %q, %v", got, err)
	}
	failed := errors.New("ffmpeg failed")
	other := filepath.Join(dir, "other.mp4")
	if err := Produce(other, 0o644, func(tmp string) error { os.WriteFile(tmp, []byte("half"), 0o600); return failed }); err != failed {
		t.Fatalf("a failed fill: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
