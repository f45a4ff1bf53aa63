package jobs_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vivify/internal/atomicfile"
	"vivify/jobs"
)

// A version is a file of its own in the job's folder, listed with the job,
// kept across a restart, found by search, and removable; a version file
// the record does not name (written just before a crash) is not lost.
func TestVersionsOfAJob(t *testing.T) {
	w := newWorld(t, nil, nil)
	src := writePNG(t, t.TempDir(), "beach: photo.png", 96, 64)
	j, err := w.eng.Add(jobs.Spec{Request: smallRequest("waves"), File: src})
	if err != nil {
		t.Fatal(err)
	}
	j = w.waitState(j.ID, 20*time.Second, jobs.Done)
	original, _ := os.ReadFile(j.Path(j.Output))

	name := jobs.VersionFile(j, "boomerang 24fps", ".gif")
	if name != "beach photo boomerang 24fps.gif" {
		t.Errorf("version file %q", name)
	}
	if _, err := w.eng.AddVersion(j.ID, jobs.Version{File: name, Label: "boomerang 24fps"}); !errors.Is(err, jobs.ErrNoVersion) {
		t.Errorf("a version with no file was listed: %v", err)
	}
	os.WriteFile(filepath.Join(j.Folder, name), []byte("GIF89a not really"), 0o644)
	if again := jobs.VersionFile(j, "boomerang 24fps", ".gif"); again != "beach photo boomerang 24fps (2).gif" {
		t.Errorf("a taken name was given again: %q", again)
	}
	for _, bad := range []string{j.Output, "../elsewhere.gif", jobs.JobFile + "/x"} {
		if _, err := w.eng.AddVersion(j.ID, jobs.Version{File: bad}); err == nil {
			t.Errorf("%q was listed as a version", bad)
		}
	}
	got, err := w.eng.AddVersion(j.ID, jobs.Version{File: name, Label: "boomerang 24fps", Width: 96, Height: 64, Seconds: 0.6})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Versions) != 1 || got.Versions[0].Bytes != int64(len("GIF89a not really")) || got.Versions[0].Created.IsZero() {
		t.Fatalf("versions %+v", got.Versions)
	}
	if !strings.Contains(got.VersionsText(), "boomerang") {
		t.Errorf("search text %q", got.VersionsText())
	}
	// A version written just before a crash, not yet in the record.
	os.WriteFile(filepath.Join(j.Folder, "beach photo square.mp4"), []byte("mp4"), 0o644)
	os.WriteFile(filepath.Join(j.Folder, ".beach photo wide.mp4.tmp-123"), []byte("part"), 0o644)
	// The frames an export at full size keeps on the disk, when killed.
	spill := filepath.Join(j.Folder, atomicfile.SpillPrefix+"4711")
	os.MkdirAll(spill, 0o700)
	os.WriteFile(filepath.Join(spill, "frames.rgba"), make([]byte, 4096), 0o600)
	// While Vivify runs, that may be a version being written: a rescan of
	// the library leaves it.
	if err := w.eng.Rescan(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(j.Folder, ".beach photo wide.mp4.tmp-123")); err != nil {
		t.Error("a rescan removed a file being written")
	}

	w.eng.Close()
	w.open()
	after, _ := w.eng.Job(j.ID)
	if len(after.Versions) != 2 || after.Versions[0].Label != "boomerang 24fps" || after.Versions[0].Width != 96 ||
		after.Versions[1].File != "beach photo square.mp4" || after.Versions[1].Label != "square" {
		t.Fatalf("after a restart: %+v", after.Versions)
	}
	if _, err := os.Stat(filepath.Join(j.Folder, ".beach photo wide.mp4.tmp-123")); err == nil {
		t.Error("a partial file was left in the folder")
	}
	if _, err := os.Stat(spill); !os.IsNotExist(err) {
		t.Error("a killed export's frames were left in the folder")
	}
	after, err = w.eng.DeleteVersion(j.ID, name)
	if err != nil || len(after.Versions) != 1 {
		t.Fatalf("delete: %v %+v", err, after.Versions)
	}
	if _, err := os.Stat(filepath.Join(j.Folder, name)); !os.IsNotExist(err) {
		t.Error("the deleted version's file is still there")
	}
	if now, _ := os.ReadFile(j.Path(j.Output)); string(now) != string(original) {
		t.Error("the original video was changed")
	}
	if _, err := w.eng.DeleteVersion(j.ID, j.Output); !errors.Is(err, jobs.ErrNoVersion) {
		t.Errorf("deleting the original as a version: %v", err)
	}
}
