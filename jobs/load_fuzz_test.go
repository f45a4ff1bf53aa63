package jobs

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadJob feeds job.json files to the loader: it never panics, and a
// job it accepts names only files in its own folder and is in a state the
// engine knows.
func FuzzLoadJob(f *testing.F) {
	f.Add([]byte(`{"version":1,"id":"a","state":"done","output":"video.gif","thumbnail":"thumb.png","source_file":"source.jpg","created":"2026-11-21T18:32:00Z"}`))
	f.Add([]byte(`{"version":1,"id":"b","state":"queued","source":{"file":"/etc/passwd"},"source_file":"../../x.png"}`))
	f.Add([]byte(`{"version":1,"id":"c","state":"warp","output":"C:\\x.gif","server_id":"7"}`))
	f.Add([]byte(`{"id":"d","state":"failed","failure":{"message":"x"},"steps":[{"state":"z"}]}`))
	f.Add([]byte(`[]`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		folder := filepath.Join(dir, "job")
		os.MkdirAll(folder, 0o755)
		if err := os.WriteFile(filepath.Join(folder, JobFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		j, w := loadFolder(folder, nil)
		if (j == nil) == (w == nil) {
			t.Fatalf("want a job or a warning: %v %v", j, w)
		}
		if j == nil {
			return
		}
		for _, name := range []string{j.SourceFile, j.Output, j.Thumbnail} {
			if name != "" && !localName(name) {
				t.Fatalf("kept a name outside the folder: %q", name)
			}
			if p := j.Path(name); p != "" && filepath.Dir(p) != folder {
				t.Fatalf("Path(%q) = %q, outside %s", name, p, folder)
			}
		}
		switch j.State {
		case Queued, Preparing, Submitting, Processing, Downloading, Done, Failed, Cancelled, Interrupted:
		default:
			t.Fatalf("unknown state kept: %q", j.State)
		}
		if j.State == Done && j.Output == "" {
			t.Fatal("done without a video")
		}
	})
}
