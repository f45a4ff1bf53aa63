package gui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"vivify/jobs"
	"vivify/keychain"
)

// BenchmarkNewWindow builds the main window over a library of 1,000
// finished jobs, as start-up does once the library is read: the gallery's
// first filter, the form, the layout at the default size.
func BenchmarkNewWindow(b *testing.B) {
	lib := b.TempDir()
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		at := start.Add(time.Duration(i) * time.Minute)
		name := fmt.Sprintf("%s photo %d", at.Format("2006-01-02 15-04"), i)
		data, _ := json.Marshal(map[string]any{"version": 1, "id": fmt.Sprintf("%016x", i), "state": "done",
			"model": "svd", "output": name + ".gif", "created": at,
			"source":  map[string]any{"name": fmt.Sprint("photo ", i)},
			"request": map[string]any{"prompt": "a slow pan across a mountain lake at dawn"}})
		dir := filepath.Join(lib, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, jobs.JobFile), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	eng, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	if n := len(eng.Jobs()); n != 1000 {
		b.Fatalf("%d jobs read", n)
	}
	a := test.NewApp()
	q := make(uiQueue, 4096)
	for b.Loop() {
		w := NewWindow(a, Deps{Engine: eng, Practice: true, RunOnUI: q.post, Keys: &keychain.Memory{}})
		w.win.Resize(fyne.NewSize(1200, 760))
		w.win.Canvas().Content().MinSize()
		w.win.Close()
		for len(q) > 0 {
			<-q
		}
	}
}
