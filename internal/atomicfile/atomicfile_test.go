package atomicfile

import (
	"os"
	"path/filepath"
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
