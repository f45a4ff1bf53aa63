package jobs_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"vivify/client"
	"vivify/jobs"
)

// gifBytes is a small real GIF of two frames, as a service would send.
func gifBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	pal := color.Palette{color.Black, color.White}
	g := &gif.GIF{}
	for i := range 2 {
		img := image.NewPaletted(image.Rect(0, 0, 16, 12), pal)
		img.SetColorIndex(i, i, 1)
		g.Image, g.Delay = append(g.Image, img), append(g.Delay, 10)
	}
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A job to download whose request names "/../../../.profile" as its output
// type, and whose link has no extension, is downloaded into its own folder
// under a name Vivify chose: the file outside the library is untouched.
// (Before the gate, the output name was built from the recorded output
// type, and this wrote over the file outside.)
func TestRecordedOutputTypeNeverNamesAFile(t *testing.T) {
	video := gifBytes(t)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(video) }))
	t.Cleanup(files.Close)
	w := newWorld(t, nil, nil)
	w.eng.Close()
	home := t.TempDir()
	victim := filepath.Join(home, "profile")
	os.WriteFile(victim, []byte("export PATH=/usr/bin\n"), 0o644)
	rel, _ := filepath.Rel(filepath.Join(w.lib, "x"), victim)
	req := smallRequest("hostile")
	req.OutputType = "/" + rel
	for i, state := range []string{"downloading", "processing"} {
		writeJobFolder(t, w.lib, "2026-12-01 10-0"+string(rune('0'+i))+" out "+state, map[string]any{
			"version": 1, "id": "out-" + state, "state": state, "request": req,
			"server_id": "", "links": []string{files.URL + "/video"},
			"created": time.Now(),
		})
	}
	w.open()
	for _, id := range []string{"out-downloading", "out-processing"} {
		j := w.waitState(id, 10*time.Second, jobs.Done, jobs.Failed)
		if j.State != jobs.Done {
			t.Fatalf("%s: %s %+v", id, j.State, j.Failure)
		}
		if j.Output != filepath.Base(j.Folder)+".gif" || j.File(j.Output) == "" {
			t.Errorf("%s: output %q in %s", id, j.Output, j.Folder)
		}
		if j.Request.OutputType != client.OutputGIF {
			t.Errorf("%s: output type kept as %q", id, j.Request.OutputType)
		}
	}
	if data, _ := os.ReadFile(victim); string(data) != "export PATH=/usr/bin\n" {
		t.Fatalf("the file outside the library was changed: %q", data)
	}
	entries, _ := os.ReadDir(w.lib)
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a file was written in the library's own folder: %s", e.Name())
		}
	}
}

// A job to download with no link: with an id, it is followed again and
// finishes; without one, it is marked damaged and the engine starts.
// (Before the gate, the empty list panicked at every start.)
func TestDownloadingWithoutLinks(t *testing.T) {
	w := newWorld(t, nil, nil)
	made, err := w.eng.Add(jobs.Spec{Request: smallRequest("first"), URL: imageHost(t) + "/a.png"})
	if err != nil {
		t.Fatal(err)
	}
	first := w.waitState(made.ID, 20*time.Second, jobs.Done, jobs.Failed)
	if first.ServerID == "" {
		t.Fatalf("no server id: %+v", first)
	}
	w.eng.Close()
	writeJobFolder(t, w.lib, "2026-12-01 10-00 no links", map[string]any{
		"version": 1, "id": "no-links", "state": "downloading", "request": smallRequest("x"), "links": []string{},
		"created": time.Now(),
	})
	writeJobFolder(t, w.lib, "2026-12-01 10-01 id only", map[string]any{
		"version": 1, "id": "id-only", "state": "downloading", "request": smallRequest("x"), "links": []string{"not a link"},
		"server_id": first.ServerID, "created": time.Now(),
	})
	// The case that panicked at every start: an id, and an empty list.
	writeJobFolder(t, w.lib, "2026-12-01 10-02 empty list", map[string]any{
		"version": 1, "id": "empty-list", "state": "downloading", "request": smallRequest("x"), "links": []string{},
		"server_id": first.ServerID, "created": time.Now(),
	})
	w.open()
	if j := w.waitState("empty-list", 20*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
		t.Errorf("an id and no links: %s %+v", j.State, j.Failure)
	}
	bad := w.waitState("no-links", 5*time.Second, jobs.Failed)
	if bad.Failure.Kind != "damaged" || !strings.Contains(bad.Failure.Message, "changed outside Vivify") || bad.Failure.Retryable {
		t.Errorf("no links: %+v", bad.Failure)
	}
	if err := w.eng.Retry("no-links"); !errors.Is(err, jobs.ErrDamaged) {
		t.Errorf("Retry of a damaged job: %v", err)
	}
	if j := w.waitState("id-only", 20*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
		t.Errorf("id only: %s %+v", j.State, j.Failure)
	}
	warned := false
	for _, wr := range w.eng.Warnings() {
		warned = warned || strings.Contains(wr.Reason, "not a web address")
	}
	if !warned {
		t.Errorf("no warning for the dropped link: %v", w.eng.Warnings())
	}
}

// Versions read from a record are the job's own videos: not its picture,
// not a path, not a link, each once. Delete this version cannot remove
// the job's picture, for a finished job or a failed one.
func TestVersionsConfinedAndDistinct(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.eng.Close()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.gif")
	os.WriteFile(secret, []byte("GIF89a secret"), 0o644)
	for _, state := range []string{"done", "failed"} {
		dir := writeJobFolder(t, w.lib, "2026-12-01 10-00 "+state, map[string]any{
			"version": 1, "id": "v-" + state, "state": state, "request": smallRequest("v"),
			"output": "video.gif", "source_file": "source.png", "created": time.Now(),
			"versions": []map[string]any{
				{"file": "source.png", "label": "the picture"}, {"file": "../" + filepath.Base(outside) + "/secret.gif"},
				{"file": secret}, {"file": "linked.gif"}, {"file": "video.gif"}, {"file": "job.json"},
				{"file": "good.gif", "label": "good\u202e one"}, {"file": "good.gif"},
			},
		})
		writePNG(t, dir, "source.png", 40, 30)
		os.WriteFile(filepath.Join(dir, "video.gif"), gifBytes(t), 0o644)
		os.WriteFile(filepath.Join(dir, "good.gif"), gifBytes(t), 0o644)
		if err := os.Symlink(secret, filepath.Join(dir, "linked.gif")); err != nil && runtime.GOOS != "windows" {
			t.Fatal(err)
		}
	}
	w.open()
	for _, state := range []string{"done", "failed"} {
		j, _ := w.eng.Job("v-" + state)
		var files []string
		for _, v := range j.Versions {
			files = append(files, v.File)
		}
		if state == "done" && !slices.Equal(files, []string{"linked.gif", "good.gif"}) ||
			state == "failed" && !slices.Equal(files, []string{"linked.gif", "good.gif"}) {
			t.Errorf("%s: versions %q", state, files)
		}
		for _, v := range j.Versions {
			if strings.ContainsRune(v.Label, '\u202e') {
				t.Errorf("label kept its direction override: %q", v.Label)
			}
		}
		if p := j.File("linked.gif"); p != "" {
			t.Errorf("a linked version is a file of the job: %s", p)
		}
		if _, err := w.eng.DeleteVersion(j.ID, "source.png"); !errors.Is(err, jobs.ErrNoVersion) {
			t.Errorf("%s: deleting the picture as a version: %v", state, err)
		}
		if _, err := os.Stat(filepath.Join(j.Folder, "source.png")); err != nil {
			t.Errorf("%s: the picture is gone: %v", state, err)
		}
	}
	if data, _ := os.ReadFile(secret); string(data) != "GIF89a secret" {
		t.Fatal("the file outside was changed")
	}
}

// A video keeps at most MaxVersions versions: a record listing more keeps
// the latest, one more is refused with words the window shows, and the
// record written stays one the loader reads (before, one more version past
// 1 MB made the job disappear at the next start).
func TestVersionsAreCapped(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.eng.Close()
	var versions []map[string]any
	long := strings.Repeat("a long label ", 40)
	for i := range 2000 {
		versions = append(versions, map[string]any{"file": "v" + strings.Repeat("x", 200) + strconv.Itoa(i) + ".gif", "label": long, "bytes": 1})
	}
	dir := writeJobFolder(t, w.lib, "2026-12-01 10-00 many", map[string]any{
		"version": 1, "id": "many", "state": "done", "request": smallRequest("v"), "output": "video.gif",
		"created": time.Now(), "versions": versions,
	})
	os.WriteFile(filepath.Join(dir, "video.gif"), gifBytes(t), 0o644)
	start := time.Now()
	w.open()
	t.Logf("opened a job of 2,000 versions in %v", time.Since(start))
	j, _ := w.eng.Job("many")
	if len(j.Versions) != jobs.MaxVersions || !j.FullOfVersions() {
		t.Fatalf("%d versions kept", len(j.Versions))
	}
	os.WriteFile(filepath.Join(dir, "one more.gif"), gifBytes(t), 0o644)
	if _, err := w.eng.AddVersion("many", jobs.Version{File: "one more.gif", Label: "one more"}); !errors.Is(err, jobs.ErrTooManyVersions) ||
		!strings.Contains(err.Error(), "delete one") {
		t.Fatalf("one more version: %v", err)
	}
	// Make room, then add: the record written is read back whole.
	if _, err := w.eng.DeleteVersion("many", j.Versions[0].File); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.AddVersion("many", jobs.Version{File: "one more.gif", Label: long}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, jobs.JobFile))
	t.Logf("job.json of %d versions: %d bytes", jobs.MaxVersions, st.Size())
	reopen(t, w)
	if j, ok := w.eng.Job("many"); !ok || len(j.Versions) != jobs.MaxVersions {
		t.Fatalf("after a restart: %v, %d versions", ok, len(j.Versions))
	}
}

// A job never sent, whose folder was copied in from another library, is
// not sent on its own: it waits for Retry. One made here goes on.
func TestCopiedInQueuedJobIsNotSent(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.eng.Close()
	host := imageHost(t)
	req := smallRequest("copied")
	req.InitImage = host + "/a.png"
	for id, lib := range map[string]any{"foreign": "0123456789abcdef", "no-library": nil, "ours": libraryIDOf(t, w.lib)} {
		rec := map[string]any{"version": 1, "id": id, "state": "queued", "request": req,
			"source": map[string]any{"url": req.InitImage, "name": "a"}, "created": time.Now()}
		if lib != nil {
			rec["library"] = lib
		}
		writeJobFolder(t, w.lib, "2026-12-01 10-00 "+id, rec)
	}
	w.open()
	if j := w.waitState("ours", 20*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
		t.Fatalf("ours: %s %+v", j.State, j.Failure)
	}
	for _, id := range []string{"foreign", "no-library"} {
		j, _ := w.eng.Job(id)
		if j.State != jobs.Interrupted || j.Failure == nil || !strings.Contains(j.Failure.Message, "another library") {
			t.Errorf("%s: %s %+v", id, j.State, j.Failure)
		}
	}
	if n := len(w.srv.Submissions()); n != 1 {
		t.Fatalf("%d submissions, want only ours", n)
	}
	if err := w.eng.Retry("foreign"); err != nil {
		t.Fatal(err)
	}
	if j := w.waitState("foreign", 20*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
		t.Fatalf("foreign after Retry: %s %+v", j.State, j.Failure)
	}
}

// The library's lock holds however its lock file is removed or replaced:
// a second engine on the same folder is refused.
func TestLibraryLockHoldsWithoutItsFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not let a file held open be deleted")
	}
	w := newWorld(t, nil, nil)
	for _, change := range []string{"removed", "replaced"} {
		lock := filepath.Join(w.lib, jobs.LockFile)
		os.Remove(lock)
		if change == "replaced" {
			os.WriteFile(lock, nil, 0o644)
		}
		opts := w.options
		if eng, err := jobs.Open(opts); !errors.Is(err, jobs.ErrLibraryInUse) {
			if eng != nil {
				eng.Close()
			}
			t.Fatalf("lock file %s: a second engine opened the library (%v)", change, err)
		}
	}
	w.eng.Close()
	eng, err := jobs.Open(w.options)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	eng.Close()
}
