package prefsfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`{"window.width":1200}`), 0o600)
	if msg := Check(good); msg != "" {
		t.Fatalf("a good file: %s", msg)
	}
	if msg := Check(filepath.Join(dir, "missing.json")); msg != "" {
		t.Fatalf("no file: %s", msg)
	}
	cases := map[string]func(string) error{
		"damaged": func(p string) error { return os.WriteFile(p, []byte(`{"x":`), 0o600) },
		"huge": func(p string) error {
			return os.WriteFile(p, []byte(`{"x":"`+strings.Repeat("a", MaxBytes)+`"}`), 0o600)
		},
		"link": func(p string) error { return os.Symlink(good, p) },
	}
	if runtime.GOOS != "windows" {
		cases["pipe"] = mkfifo
	}
	for name, create := range cases {
		p := filepath.Join(dir, name, "preferences.json")
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := create(p); err != nil {
			t.Fatal(err)
		}
		done := make(chan string, 1)
		go func() { done <- Check(p) }()
		select {
		case msg := <-done:
			if !strings.Contains(msg, "moved aside") {
				t.Errorf("%s: %q", name, msg)
			}
			if _, err := os.Lstat(p); !os.IsNotExist(err) {
				t.Errorf("%s: still there", name)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Check blocks", name)
		}
	}
	if got := Path("io.vivify.app"); !strings.HasSuffix(got, filepath.Join("fyne", "io.vivify.app", "preferences.json")) {
		t.Fatal(got)
	}
}
