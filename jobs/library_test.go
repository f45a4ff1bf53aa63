package jobs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vivify/client"
)

func TestFolderNames(t *testing.T) {
	at := time.Date(2026, 11, 21, 18, 32, 5, 0, time.Local)
	for _, tc := range []struct {
		src  Source
		want string
	}{
		{Source{File: "/home/ana/Pictures/beach.jpg"}, "2026-11-21 18-32 beach"},
		{Source{File: `C:\Users\ana\my: "best" photo?.png`}, "2026-11-21 18-32 my best photo"},
		{Source{URL: "https://cdn.example.com/a/b/sunset.webp?x=1"}, "2026-11-21 18-32 sunset"},
		{Source{URL: "https://example.com/"}, "2026-11-21 18-32 example.com"},
		{Source{File: "/tmp/...png"}, "2026-11-21 18-32 image"},
		{Source{File: "/tmp/" + strings.Repeat("long name ", 10) + ".png"}, "2026-11-21 18-32 long name long name long name long name"},
		{Source{}, "2026-11-21 18-32 image"},
	} {
		if got := folderName(at, sourceName(tc.src)); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestPlaceFolderNeverReusesOne(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 11, 21, 18, 32, 0, 0, time.Local)
	seen := map[string]bool{}
	for i := range 3 {
		tmp, _ := os.MkdirTemp(dir, newFolderPrefix)
		os.WriteFile(filepath.Join(tmp, "n"), []byte{byte(i)}, 0o644)
		p, err := placeFolder(dir, tmp, at, "beach")
		if err != nil || seen[p] {
			t.Fatalf("%s %v", p, err)
		}
		seen[p] = true
	}
	if !seen[filepath.Join(dir, "2026-11-21 18-32 beach (3)")] {
		t.Errorf("names: %v", seen)
	}
	for p := range seen {
		if _, err := os.Stat(filepath.Join(p, "n")); err != nil {
			t.Errorf("%s lost its contents", p)
		}
	}
	os.MkdirAll(filepath.Join(dir, newFolderPrefix+"crashed"), 0o755)
	removeUnplaced(dir)
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("after cleaning: %v", entries)
	}
}

func TestDefaultLibrary(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	want := filepath.Join(home, "Videos", "Vivify")
	if runtime.GOOS == "darwin" {
		want = filepath.Join(home, "Movies", "Vivify")
	}
	if got := DefaultLibrary(); got != want {
		t.Errorf("%s, want %s", got, want)
	}
	if runtime.GOOS != "linux" {
		return
	}
	os.MkdirAll(filepath.Join(home, ".config"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"),
		[]byte("# comment\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_VIDEOS_DIR=\"$HOME/Filme\"\n"), 0o644)
	if got := DefaultLibrary(); got != filepath.Join(home, "Filme", "Vivify") {
		t.Errorf("with user-dirs: %s", got)
	}
}

// A damaged, foreign, copied or future folder is passed over and reported;
// the rest loads.
func TestLoadPassesOverBadFolders(t *testing.T) {
	dir := t.TempDir()
	good := func(name, id string, created time.Time) {
		f := filepath.Join(dir, name)
		os.MkdirAll(f, 0o755)
		j := &Job{ID: id, State: Done, Created: created, Request: client.NewRequest("https://e.com/a.png"), Folder: f}
		if err := saveJob(j); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	good("2026-11-20 10-00 a", "aaa", now.Add(-2*time.Hour))
	good("2026-11-21 10-00 b", "bbb", now.Add(-time.Hour))
	good("copy of b", "bbb", now)
	os.MkdirAll(filepath.Join(dir, "holiday photos"), 0o755)
	os.MkdirAll(filepath.Join(dir, "broken"), 0o755)
	os.WriteFile(filepath.Join(dir, "broken", JobFile), []byte(`{"id":"x","state":`), 0o644)
	os.MkdirAll(filepath.Join(dir, "empty record"), 0o755)
	os.WriteFile(filepath.Join(dir, "empty record", JobFile), []byte(`{}`), 0o644)
	os.MkdirAll(filepath.Join(dir, "future"), 0o755)
	os.WriteFile(filepath.Join(dir, "future", JobFile), []byte(`{"version":99,"id":"f","state":"done"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hi"), 0o644)
	os.MkdirAll(filepath.Join(dir, ".hidden"), 0o755)

	jobs, warns, err := loadLibrary(dir, "lib", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[0].ID != "bbb" || jobs[1].ID != "aaa" {
		t.Fatalf("loaded %d jobs: %+v", len(jobs), jobs)
	}
	reasons := map[string]string{}
	for _, w := range warns {
		reasons[filepath.Base(w.Folder)] = w.Reason
	}
	for folder, text := range map[string]string{
		"holiday photos": "not a Vivify job", "broken": "damaged", "empty record": "no job id",
		"future": "newer Vivify",
	} {
		if !strings.Contains(reasons[folder], text) {
			t.Errorf("%s: %q, want %q", folder, reasons[folder], text)
		}
	}
	dup := reasons["copy of b"] + reasons["2026-11-21 10-00 b"]
	if !strings.Contains(dup, "same job id") {
		t.Errorf("the copy was not reported: %v", reasons)
	}
	if len(warns) != 5 {
		t.Errorf("%d warnings: %v", len(warns), warns)
	}
}

func TestWriteAtomicLeavesNoPart(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.json")
	for i := range 3 {
		data, _ := json.Marshal(map[string]int{"n": i})
		if err := writeAtomic(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("%v", entries)
	}
	if data, _ := os.ReadFile(p); string(data) != `{"n":2}` {
		t.Fatalf("%s", data)
	}
	os.WriteFile(filepath.Join(dir, ".job.json.tmp-123"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, ".x.gif.part-9"), nil, 0o644)
	removeLeftovers(dir)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("leftovers stayed: %v", entries)
	}
}

func TestRemainingUsesHistory(t *testing.T) {
	clk := client.NewFakeClock(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC))
	e := &Engine{jobs: map[string]*Job{}, clock: clk}
	now := clk.Now()
	past := func(id string, frames int, eta, took time.Duration) {
		start := now.Add(-time.Hour)
		r := client.NewRequest("https://e.com/a.png")
		r.NumFrames = frames
		e.jobs[id] = &Job{ID: id, State: Done, Request: r, ETA: eta,
			Steps: []Step{{Submitting, start}, {Processing, start.Add(time.Second)}, {Downloading, start.Add(took)}, {Done, start.Add(took + time.Second)}}}
	}
	r := client.NewRequest("https://e.com/a.png")
	r.NumFrames = 25
	e.jobs["now"] = &Job{ID: "now", State: Processing, Request: r, ETA: 100 * time.Second,
		Steps: []Step{{Submitting, now.Add(-30 * time.Second)}, {Processing, now.Add(-29 * time.Second)}}}

	est, ok := e.Remaining("now")
	if !ok || est.Basis != "server" || est.Left != 70*time.Second {
		t.Fatalf("no history: %+v %v", est, ok)
	}
	// Similar jobs took twice their eta; dissimilar ones (few frames) took half.
	past("a", 25, 50*time.Second, 100*time.Second)
	past("b", 24, 60*time.Second, 120*time.Second)
	past("c", 25, 40*time.Second, 80*time.Second)
	past("d", 4, 100*time.Second, 50*time.Second)
	est, ok = e.Remaining("now")
	if !ok || est.Basis != "history" || est.Left != 170*time.Second {
		t.Fatalf("with history: %+v", est)
	}
	clk.Advance(200 * time.Second)
	if est, _ = e.Remaining("now"); !est.Overdue || est.Left != 0 {
		t.Fatalf("overdue: %+v", est)
	}
	// No eta at all: the similar jobs' times.
	e.jobs["now"].ETA = 0
	e.jobs["now"].Steps = []Step{{Submitting, clk.Now().Add(-10 * time.Second)}}
	if est, _ = e.Remaining("now"); est.Left != 90*time.Second {
		t.Fatalf("no eta: %+v", est)
	}
	if _, ok := e.Remaining("a"); ok {
		t.Error("a finished job has time left")
	}
}
