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

// Removing by name, the way RemoveAll falls back to where the system's
// delete call is missing, removes the whole tree, files, folders and
// links, and never what a link points at outside it.
func TestRemoveTreeRemovesAllAndNothingOutside(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	os.MkdirAll(outside, 0o755)
	kept := filepath.Join(outside, "kept.txt")
	os.WriteFile(kept, []byte("mine"), 0o644)
	tree := filepath.Join(dir, SpillPrefix+"x")
	os.MkdirAll(filepath.Join(tree, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(tree, "frames.rgba"), make([]byte, 1000), 0o644)
	os.WriteFile(filepath.Join(tree, "a", "b", "f"), []byte("x"), 0o444)
	if runtime.GOOS != "windows" {
		if err := os.Symlink(outside, filepath.Join(tree, "a", "link")); err != nil {
			t.Fatal(err)
		}
	}
	for name, remove := range map[string]func(string) error{"removeTree": removeTree, "RemoveAll": RemoveAll} {
		if err := remove(tree); err != nil {
			t.Fatal(name, err)
		}
		if _, err := os.Lstat(tree); !os.IsNotExist(err) {
			t.Fatalf("%s: the tree stays: %v", name, err)
		}
		if b, err := os.ReadFile(kept); err != nil || string(b) != "mine" {
			t.Fatalf("%s: what a link pointed at was touched: %q %v", name, b, err)
		}
		if err := remove(filepath.Join(dir, "never-was")); err != nil {
			t.Fatalf("%s: a path that does not exist: %v", name, err)
		}
		os.MkdirAll(filepath.Join(tree, "a"), 0o755)
		os.WriteFile(filepath.Join(tree, "a", "f"), []byte("x"), 0o644)
	}
}

// RemoveFolders removes the folders with the prefix and all in them, and
// leaves alone a file with the prefix, a link with it (and what it points
// to), and every other folder.
func TestRemoveFoldersWithThePrefixOnly(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk(filepath.Join(dir, ".spill-1", "deep"))
	write(filepath.Join(dir, ".spill-1", "deep", "frames"))
	mk(filepath.Join(dir, ".spill-2"))
	write(filepath.Join(dir, ".spill-file"))
	mk(filepath.Join(dir, "kept"))
	write(filepath.Join(outside, "theirs"))
	linked := os.Symlink(outside, filepath.Join(dir, ".spill-link")) == nil
	RemoveFolders(dir, ".spill-")
	for _, gone := range []string{".spill-1", ".spill-2"} {
		if _, err := os.Lstat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", gone, err)
		}
	}
	kept := []string{filepath.Join(dir, ".spill-file"), filepath.Join(dir, "kept"), filepath.Join(outside, "theirs")}
	if linked {
		kept = append(kept, filepath.Join(dir, ".spill-link"))
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}
