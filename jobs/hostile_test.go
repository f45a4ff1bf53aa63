package jobs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
)

// A server that echoes the key \u-escaped in every answer (meta.model_id
// and a field of its own) leaves it nowhere: not in a job, not on disk.
func TestEscapedKeyEchoReachesNoJob(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.srv.SetQuirks(sandbox.Quirks{EchoKeyEscaped: true})
	done, err := w.eng.Add(jobs.Spec{Request: smallRequest("echo"), File: writePNG(t, t.TempDir(), "a.png", 90, 60)})
	if err != nil {
		t.Fatal(err)
	}
	got := w.waitState(done.ID, 30*time.Second, jobs.Done, jobs.Failed)
	if got.State != jobs.Done {
		t.Fatalf("%s: %+v", got.State, got.Failure)
	}
	if !strings.Contains(got.Model, "[key removed]") {
		t.Fatalf("model %q: the sandbox did not echo the key, the test is not testing", got.Model)
	}
	w.srv.Inject(sandbox.Fault{Kind: sandbox.FailGeneration, Times: 1})
	failed, err := w.eng.Add(jobs.Spec{Request: smallRequest("echo fails"), URL: imageHost(t) + "/b.png"})
	if err != nil {
		t.Fatal(err)
	}
	f := w.waitState(failed.ID, 30*time.Second, jobs.Done, jobs.Failed)
	for _, j := range []jobs.Job{got, f} {
		text := j.ServerID + j.Model + strings.Join(j.Links, " ")
		if j.Failure != nil {
			text += j.Failure.Message + j.Failure.Details + j.Failure.Advice
		}
		if strings.Contains(text, testKey) || strings.Contains(text, testKey[1:]) {
			t.Errorf("the key is in job %s: %s", j.ID, text)
		}
	}
	noKeyOnDisk(t, w.lib)
}

// writeJobFolder writes a job folder by hand, as a creator copying one in
// (or an attacker handing one over) would.
func writeJobFolder(t *testing.T, lib, name string, record map[string]any) string {
	t.Helper()
	dir := filepath.Join(lib, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(record)
	if err := os.WriteFile(filepath.Join(dir, jobs.JobFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func reopen(t *testing.T, w *world) {
	t.Helper()
	w.eng.Close()
	w.open()
}

// Paths in job.json never reach outside the job's folder: a queued job
// whose source_file climbs out is not uploaded from there, and Run again
// on one pointing at an outside file copies nothing.
func TestJobPathsConfinedToTheirFolder(t *testing.T) {
	w := newWorld(t, nil, nil)
	outside := t.TempDir()
	secret := writePNG(t, outside, "private.png", 64, 48)
	rel, _ := filepath.Rel(filepath.Join(w.lib, "queued"), secret)
	req := smallRequest("hostile")
	writeJobFolder(t, w.lib, "queued", map[string]any{
		"version": 1, "id": "hostile-queued", "state": "queued", "request": req, "library": libraryIDOf(t, w.lib),
		"source": map[string]any{"file": secret, "name": "private.png"}, "source_file": rel,
		"created": time.Now().Add(-time.Minute),
	})
	writeJobFolder(t, w.lib, "done", map[string]any{
		"version": 1, "id": "hostile-done", "state": "done", "request": req,
		"source": map[string]any{"file": secret, "name": "private.png"}, "source_file": rel,
		"output": "../../" + filepath.Base(outside) + "/private.png", "thumbnail": secret,
		"created": time.Now().Add(-2 * time.Minute),
	})
	reopen(t, w)
	got := w.waitState("hostile-queued", 10*time.Second, jobs.Failed, jobs.Done)
	if got.State != jobs.Failed || !strings.Contains(got.Failure.Message+got.Failure.Advice, "folder") {
		t.Fatalf("queued job with an outside picture: %s %+v", got.State, got.Failure)
	}
	if n := w.srv.Requests(sandbox.EndpointUpload); n != 0 {
		t.Fatalf("%d uploads: the outside picture was sent", n)
	}
	done, _ := w.eng.Job("hostile-done")
	if done.Output != "" || done.Thumbnail != "" || done.SourceFile != "" {
		t.Fatalf("outside names kept: %+v", done)
	}
	if done.File(done.Output) != "" || done.File(rel) != "" || done.File(secret) != "" {
		t.Fatal("File reaches outside the folder")
	}
	if _, err := w.eng.RunAgain("hostile-done", false); !errors.Is(err, jobs.ErrNoPicture) {
		t.Fatalf("Run again of a job with an outside picture: %v, want ErrNoPicture", err)
	}
	// Nothing under the library is a copy of the outside picture.
	want, _ := os.ReadFile(secret)
	filepath.WalkDir(w.lib, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); bytes.Equal(data, want) {
				t.Errorf("the outside picture was copied to %s", p)
			}
		}
		return nil
	})
}

// A link in a job folder is not followed, even with a plain name.
func TestJobFileRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	secret := writePNG(t, t.TempDir(), "private.png", 8, 8)
	if err := os.Symlink(secret, filepath.Join(dir, "source.png")); err != nil {
		t.Skip(err)
	}
	j := jobs.Job{Folder: dir, SourceFile: "source.png"}
	if p := j.File(j.SourceFile); p != "" {
		t.Fatalf("File followed a link: %s", p)
	}
	for _, name := range []string{"..", ".", "a/b.png", `a\b.png`, "C:x.png", "/etc/passwd", ""} {
		if p := j.File(name); p != "" {
			t.Errorf("File(%q) = %q", name, p)
		}
	}
}

// The creator's picture is copied into the job's folder when the job is
// added, so a job cut off before its upload still has it after a restart,
// wherever the original goes.
func TestAddedPictureKeptInFolder(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.srv.Inject(sandbox.Fault{Kind: sandbox.Hang, Endpoint: sandbox.EndpointUpload, Times: 1})
	orig := writePNG(t, t.TempDir(), "mine.png", 80, 60)
	j, err := w.eng.Add(jobs.Spec{Request: smallRequest("kept"), File: orig})
	if err != nil {
		t.Fatal(err)
	}
	if j.File(j.SourceFile) == "" {
		t.Fatalf("no copy of the picture in the folder: %+v", j)
	}
	os.Remove(orig)
	reopen(t, w)
	w.srv.ClearFaults()
	got := w.waitState(j.ID, 30*time.Second, jobs.Done, jobs.Failed, jobs.Interrupted)
	if got.State == jobs.Interrupted {
		if err := w.eng.Retry(j.ID); err != nil {
			t.Fatal(err)
		}
		got = w.waitState(j.ID, 30*time.Second, jobs.Done, jobs.Failed)
	}
	if got.State != jobs.Done {
		t.Fatalf("%s %+v", got.State, got.Failure)
	}
}

// A state this Vivify does not know is shown as interrupted with its
// reason, and can be retried; before, Cancel said "already ended" and Retry
// "still running".
func TestUnknownStateIsInterrupted(t *testing.T) {
	w := newWorld(t, nil, nil)
	req := smallRequest("odd")
	req.InitImage = imageHost(t) + "/a.png"
	writeJobFolder(t, w.lib, "odd", map[string]any{
		"version": 1, "id": "odd-state", "state": "teleporting", "request": req,
		"source": map[string]any{"url": req.InitImage, "name": "a.png"}, "created": time.Now(),
	})
	reopen(t, w)
	j, ok := w.eng.Job("odd-state")
	if !ok || j.State != jobs.Interrupted || j.Failure == nil || !strings.Contains(j.Failure.Message, "teleporting") {
		t.Fatalf("%v %+v", ok, j)
	}
	if err := w.eng.Retry(j.ID); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	if got := w.waitState(j.ID, 30*time.Second, jobs.Done, jobs.Failed); got.State != jobs.Done {
		t.Fatalf("%s %+v", got.State, got.Failure)
	}
}

// A huge job.json is passed over without being read whole, and a FIFO in
// its place does not hang the start.
func TestOversizedOrPipeJobFilePassedOver(t *testing.T) {
	w := newWorld(t, nil, nil)
	dir := filepath.Join(w.lib, "huge")
	os.MkdirAll(dir, 0o755)
	f, _ := os.Create(filepath.Join(dir, jobs.JobFile))
	f.Truncate(100 << 20) // sparse: 100 MB that cost no disk
	f.Close()
	pipeDir := filepath.Join(w.lib, "pipe")
	os.MkdirAll(pipeDir, 0o755)
	fifo := runtime.GOOS != "windows" && mkfifo(filepath.Join(pipeDir, jobs.JobFile)) == nil
	opened := make(chan struct{})
	go func() { reopen(t, w); close(opened) }()
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("opening the library hung")
	}
	var reasons []string
	for _, warn := range w.eng.Warnings() {
		reasons = append(reasons, warn.String())
	}
	text := strings.Join(reasons, "\n")
	if !strings.Contains(text, "huge") || (fifo && !strings.Contains(text, "pipe")) {
		t.Fatalf("warnings: %s", text)
	}
}

// A FIFO chosen as the picture gets an error at once rather than a job that
// waits for ever.
func TestFIFOPictureRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	w := newWorld(t, nil, nil)
	p := filepath.Join(t.TempDir(), "pipe.png")
	if err := mkfifo(p); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 2)
	go func() { _, err := w.eng.Add(jobs.Spec{Request: smallRequest("pipe"), File: p}); done <- err }()
	go func() { _, err := client.PrepareImageFile(p); done <- err }()
	for range 2 {
		select {
		case err := <-done:
			if !errors.Is(err, client.ErrNotImage) || !strings.Contains(err.Error(), "ordinary file") {
				t.Errorf("got %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a FIFO as the picture hangs")
		}
	}
}
