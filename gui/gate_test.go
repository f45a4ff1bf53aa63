package gui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/internal/plain"
	"vivify/jobs"
)

// window.json that is a pipe, a link, huge or nonsense: the window is
// made at once, at its usual size (before, a pipe blocked the window for
// ever and a huge file was read whole).
func TestWindowStateHeldToItsGate(t *testing.T) {
	w, _, _ := practiceWindow(t)
	path := stateFile(fyne.CurrentApp())
	if path == "" {
		t.Skip("no app storage")
	}
	os.MkdirAll(filepath.Dir(path), 0o700)
	elsewhere := filepath.Join(t.TempDir(), "other.json")
	os.WriteFile(elsewhere, []byte(`{"width":1500,"height":900}`), 0o600)
	cases := map[string]func() error{
		"huge": func() error {
			return os.WriteFile(path, []byte(`{"width":1500,"height":900,"x":"`+strings.Repeat("a", 2<<20)+`"}`), 0o600)
		},
		"link":     func() error { return os.Symlink(elsewhere, path) },
		"nonsense": func() error { return os.WriteFile(path, []byte(`{"width":1e39,"height":-5,"params":"x"}`), 0o600) },
	}
	if runtime.GOOS != "windows" {
		cases["pipe"] = func() error { return mkfifo(path) }
	}
	for name, create := range cases {
		os.Remove(path)
		if err := create(); err != nil {
			t.Fatal(err)
		}
		made := make(chan *Window, 1)
		go func() { made <- NewWindow(fyne.CurrentApp(), w.deps) }()
		select {
		case again := <-made:
			if s := again.Fyne().Canvas().Size(); s.Width == 1500 {
				t.Errorf("%s: the size was taken from it: %v", name, s)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: making the window blocks", name)
		}
	}
	os.Remove(path)
	if st, ok := decodeWindowState([]byte(`{"width":1200,"height":800,"params":{"prompt":"x"}}`)); !ok || st.Width != 1200 || st.Params == nil {
		t.Fatalf("a good state: %+v %v", st, ok)
	}
}

// FuzzWindowState: whatever window.json holds, the gate never panics and
// keeps only a window's size and at most a form's settings.
func FuzzWindowState(f *testing.F) {
	f.Add([]byte(`{"width":1200,"height":800,"params":{"prompt":"waves"}}`))
	f.Add([]byte(`{"width":-1,"height":1e38,"params":[1,2]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"picture":"/home/a/b.png","link":"https://x.example/a.png","end_picture":"../../etc/passwd","end_link":"file:///etc/passwd"}`))
	f.Add([]byte(`{"params":{"family":"video-fusion","model_id":"kling-v2-1-i2v","duration":"99","prompt":""}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, ok := decodeWindowState(data)
		if !ok {
			return
		}
		if !(st.Width >= 0 && st.Width <= 100_000 && st.Height >= 0 && st.Height <= 100_000) {
			t.Fatalf("size kept: %v × %v", st.Width, st.Height)
		}
		if st.Params != nil && (len(*st.Params) > maxStateFile/2 || (*st.Params)[0] != '{') {
			t.Fatalf("params kept: %q", *st.Params)
		}
		for _, p := range []string{st.Picture, st.EndPicture} {
			if p != "" && (!filepath.IsAbs(p) || !plain.Is(p, maxKeptPath)) {
				t.Fatalf("picture kept: %q", p)
			}
		}
		for _, l := range []string{st.Link, st.EndLink} {
			if l != "" && !plain.WebURL(l, false) {
				t.Fatalf("link kept: %q", l)
			}
		}
		if st.Params != nil {
			keptRequest(*st.Params) // never panics
		}
	})
}

// A library with folders Vivify did not write as they are: the window
// opens, its status line says how many things need a look, and the list
// says what each is in words; a damaged job says so in its details.
func TestLibraryProblemsAreShown(t *testing.T) {
	test.NewTempApp(t)
	lib := t.TempDir()
	write := func(name string, rec map[string]any) {
		dir := filepath.Join(lib, name)
		os.MkdirAll(dir, 0o755)
		data, _ := json.Marshal(rec)
		os.WriteFile(filepath.Join(dir, jobs.JobFile), data, 0o644)
	}
	write("2026-12-01 10-00 outside", map[string]any{"id": "a", "state": "done", "output": "../../x.gif", "created": time.Now()})
	write("2026-12-01 10-01 no links", map[string]any{"id": "b", "state": "downloading", "links": []string{}, "created": time.Now()})
	os.MkdirAll(filepath.Join(lib, "holiday photos"), 0o755)
	eng, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	q := make(uiQueue, 1024)
	w := NewWindow(test.NewApp(), Deps{Engine: eng, Practice: true, RunOnUI: q.post, StartNotice: "Vivify's settings file could not be used (it was damaged), so it was moved aside."})
	w.showProblems()
	if got := w.ProblemsText(); !strings.Contains(got, "need a look") {
		t.Fatalf("status line: %q", got)
	}
	lines := strings.Join(w.problemLines(), "\n")
	for _, want := range []string{"holiday photos: not a Vivify job", "not a file of its folder", "settings file"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the list lacks %q:\n%s", want, lines)
		}
	}
	w.ShowProblems()
	if len(w.deps.dialogs.open) == 0 {
		t.Fatal("no dialog")
	}
	j, _ := eng.Job("b")
	if j.State != jobs.Failed || j.Failure.Kind != "damaged" {
		t.Fatalf("the job without links: %s %+v", j.State, j.Failure)
	}
}

// A video of MaxVersions versions opens in the details at once: its
// versions are listed a page at a time, newest first, and "Show more"
// lists the next page (before, 1,000 rows froze the window for seconds).
func TestManyVersionsListedAPageAtATime(t *testing.T) {
	test.NewTempApp(t)
	lib := t.TempDir()
	dir := filepath.Join(lib, "2026-12-01 10-00 many")
	os.MkdirAll(dir, 0o755)
	var versions []map[string]any
	for i := range jobs.MaxVersions {
		versions = append(versions, map[string]any{"file": "v" + strings.Repeat("0", 4-len(itoa(i))) + itoa(i) + ".gif", "label": "loop " + itoa(i), "bytes": 1000})
	}
	data, _ := json.Marshal(map[string]any{"id": "many", "state": "done", "output": "video.gif", "created": time.Now(), "versions": versions})
	os.WriteFile(filepath.Join(dir, jobs.JobFile), data, 0o644)
	eng, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	q := make(uiQueue, 1024)
	w := NewWindow(test.NewApp(), Deps{Engine: eng, Practice: true, RunOnUI: q.post})
	j, _ := eng.Job("many")
	if !j.FullOfVersions() {
		t.Fatalf("%d versions", len(j.Versions))
	}
	start := time.Now()
	w.Details().Show(j)
	t.Logf("details of a video of %d versions shown in %v", len(j.Versions), time.Since(start))
	rows := w.details.versions.Objects
	if len(rows) != 2+versionsPage+1 { // the heading, the original, a page, "Show more"
		t.Fatalf("%d rows", len(rows))
	}
	if !strings.Contains(texts(rows[2]), "loop 499") {
		t.Fatalf("the newest is not first: %v", texts(rows[2]))
	}
	more := rows[len(rows)-1].(*widget.Button)
	if !strings.Contains(more.Text, "25 of 500") {
		t.Fatalf("%q", more.Text)
	}
	test.Tap(more)
	if n := len(w.details.versions.Objects); n != 2+2*versionsPage+1 {
		t.Fatalf("after Show more: %d rows", n)
	}
}
