package picker

import (
	"os"
	"path/filepath"
	"testing"
)

// The creator's Pictures and Videos folders are found where the desktop
// keeps their names (a German desktop's "Bilder"), else by their usual
// names, else the home folder.
func TestPicturesAndVideosFolders(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	if got := Pictures(); got != home {
		t.Fatalf("with no Pictures folder: %q, want the home folder", got)
	}
	os.MkdirAll(filepath.Join(home, "Pictures"), 0o755)
	if got := Pictures(); got != filepath.Join(home, "Pictures") {
		t.Fatalf("Pictures: %q", got)
	}
	os.MkdirAll(filepath.Join(home, ".config"), 0o755)
	os.MkdirAll(filepath.Join(home, "Bilder"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"),
		[]byte("# written by xdg-user-dirs-update\nXDG_PICTURES_DIR=\"$HOME/Bilder\"\nXDG_VIDEOS_DIR=\"$HOME\"\n"), 0o644)
	if got := Pictures(); got != filepath.Join(home, "Bilder") {
		t.Fatalf("the desktop's pictures folder: %q", got)
	}
	if got := Videos(); got != home { // "$HOME" turns the folder off; no Videos here
		t.Fatalf("Videos: %q", got)
	}
	if r := (Request{Start: InPictures}).Resolved(); r.Folder != filepath.Join(home, "Bilder") {
		t.Fatalf("resolved: %q", r.Folder)
	}
	if r := (Request{Start: InPictures, Folder: "/elsewhere"}).Resolved(); r.Folder != "/elsewhere" {
		t.Fatalf("a folder given is kept: %q", r.Folder)
	}
}

// The macOS script quotes what it is given: a title with quotes or a
// backslash cannot end the string and run as script.
func TestAppleScript(t *testing.T) {
	s := appleScript(Request{Kind: Open, Title: `Pick "this" \ one`, Folder: "/Users/a/Pictures",
		Filters: []Filter{{Patterns: []string{"*.png", "*.jpg"}}}})
	want := `POSIX path of (choose file with prompt "Pick \"this\" \\ one" of type {"png", "jpg"} default location (POSIX file "/Users/a/Pictures"))`
	if s != want {
		t.Fatalf("%s\nwant %s", s, want)
	}
	if s := appleScript(Request{Kind: Save, Title: "Save", Name: "a.mp4"}); s != `POSIX path of (choose file name with prompt "Save" default name "a.mp4")` {
		t.Fatalf("save: %s", s)
	}
}

// VIVIFY_PICKER=none leaves the choosing to Vivify's own dialog.
func TestPickerTurnedOff(t *testing.T) {
	t.Setenv("VIVIFY_PICKER", "none")
	if _, err := Pick(t.Context(), Request{Title: "x"}); err != ErrNone {
		t.Fatalf("%v", err)
	}
}
