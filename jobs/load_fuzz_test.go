package jobs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vivify/internal/plain"
)

// FuzzLoadJob feeds job.json files to the loader: it never panics, and a
// job it accepts holds only what Vivify itself would write: files that are
// plain names in its own folder, each once, versions among them; a state
// the engine knows; links and the server id in their shapes; text with no
// control or direction characters; counts within the record's limits; and
// written back, a record the loader reads again whole.
func FuzzLoadJob(f *testing.F) {
	f.Add([]byte(`{"version":1,"id":"a","state":"done","output":"video.gif","thumbnail":"thumb.png","source_file":"source.jpg","created":"2026-11-21T18:32:00Z"}`))
	f.Add([]byte(`{"version":1,"id":"b","state":"queued","source":{"file":"/etc/passwd"},"source_file":"../../x.png"}`))
	f.Add([]byte(`{"version":1,"id":"c","state":"warp","output":"C:\\x.gif","server_id":"7"}`))
	f.Add([]byte(`{"id":"d","state":"failed","failure":{"message":"x"},"steps":[{"state":"z"}]}`))
	f.Add([]byte(`{"id":"e","state":"downloading","request":{"output_type":"/../../../.profile"},"links":["https://x/y"]}`))
	f.Add([]byte(`{"id":"f","state":"downloading","links":[]}`))
	f.Add([]byte(`{"id":"g","state":"done","output":"a.mp4","versions":[{"file":"source.png"},{"file":"../b.gif"},{"file":"a.mp4"},{"file":"c.gif"},{"file":"c.gif"}],"source_file":"source.png"}`))
	f.Add([]byte(`{"id":"h","state":"processing","server_id":"../../v6/x?key=","note":"a\u202eb"}`))
	f.Add([]byte(`[]`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		folder := filepath.Join(dir, "job")
		os.MkdirAll(folder, 0o755)
		if err := os.WriteFile(filepath.Join(folder, JobFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		j, w := loadFolder(folder, "lib", nil)
		if j == nil && len(w) == 0 {
			t.Fatalf("neither a job nor a warning")
		}
		if j == nil {
			return
		}
		checkAdmitted(t, j, folder)
		// What Vivify writes of it, it reads back whole.
		saved := *j
		if err := saveJob(&saved); err != nil {
			t.Fatal(err)
		}
		again, _ := loadFolder(folder, "lib", nil)
		if again == nil || again.ID != j.ID || len(again.Versions) != len(j.Versions) {
			t.Fatalf("its own record was not read back: %+v", again)
		}
	})
}

// checkAdmitted fails t when j holds anything the gate should have kept out.
func checkAdmitted(t *testing.T, j *Job, folder string) {
	t.Helper()
	names := map[string]bool{}
	for _, name := range []string{j.SourceFile, j.Output, j.Thumbnail, j.EndFile} {
		if name == "" {
			continue
		}
		if !localName(name) || names[name] || name == JobFile {
			t.Fatalf("kept a file name that is not its own: %q", name)
		}
		names[name] = true
		if p := j.Path(name); p != "" && filepath.Dir(p) != folder {
			t.Fatalf("Path(%q) = %q, outside %s", name, p, folder)
		}
	}
	if len(j.Versions) > MaxVersions {
		t.Fatalf("%d versions kept", len(j.Versions))
	}
	for _, v := range j.Versions {
		if !localName(v.File) || names[v.File] || !slices.Contains(videoExts, strings.ToLower(filepath.Ext(v.File))) {
			t.Fatalf("kept a version that is not a video of its own: %q", v.File)
		}
		names[v.File] = true
		if !plain.Is(v.Label, maxNameLen) {
			t.Fatalf("a version's label is not plain: %q", v.Label)
		}
	}
	if !known(j.State) {
		t.Fatalf("unknown state kept: %q", j.State)
	}
	if j.State == Done && j.Output == "" {
		t.Fatal("done without a video")
	}
	if j.State == Downloading && len(j.Links) == 0 {
		t.Fatal("downloading with no link")
	}
	if j.ServerID != "" && !plain.Token(j.ServerID, maxServerID) {
		t.Fatalf("server id kept: %q", j.ServerID)
	}
	if len(j.Links) > maxLinks || len(j.Steps) > maxSteps {
		t.Fatalf("%d links, %d steps kept", len(j.Links), len(j.Steps))
	}
	for _, l := range append(slices.Clone(j.Links), j.UploadURL, j.Source.URL, j.Request.InitImage, j.Request.EndImage, j.Request.Webhook) {
		if l != "" && !plain.WebURL(l, false) {
			t.Fatalf("kept a link that is not a web address: %q", l)
		}
	}
	switch j.Request.OutputType {
	case "", "gif", "mp4":
	default:
		t.Fatalf("output type kept: %q", j.Request.OutputType)
	}
	for _, s := range []string{j.Note, j.Model, j.Source.Name, j.Source.File, j.Source.EndName} {
		if !plain.Is(s, 0) {
			t.Fatalf("text kept with control or direction characters: %q", s)
		}
	}
	if f := j.Failure; f != nil && (!plain.Is(f.Message, 0) || !plain.Is(f.Advice, 0) || !slices.Contains(failureKinds, f.Kind)) {
		t.Fatalf("failure kept as read: %+v", f)
	}
	if _, err := json.Marshal(j); err != nil {
		t.Fatal(err)
	}
}
