package jobs_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
)

const testKey = "sk-JOBS-TEST-KEY-5e1f0ddba11"

// world is a sandbox, a client for it and an engine on a fresh library.
type world struct {
	t       testing.TB
	srv     *sandbox.Server
	client  *client.Client
	lib     string
	eng     *jobs.Engine
	events  *recorder
	options jobs.Options
}

func newWorld(t testing.TB, sb []sandbox.Option, tune func(*jobs.Options)) *world {
	t.Helper()
	base := []sandbox.Option{sandbox.WithJobDuration(300 * time.Millisecond), sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0)}
	srv := sandbox.NewServer(append(base, sb...)...)
	t.Cleanup(srv.Close)
	c, err := client.New(testKey, client.WithBaseURL(srv.URL), client.WithClock(shortSleeps{}))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, srv: srv, client: c, lib: t.TempDir()}
	w.options = jobs.Options{Library: w.lib, Client: c, Clock: shortSleeps{}, LinkWindow: 5 * time.Second, RetryWait: 100 * time.Millisecond}
	if tune != nil {
		tune(&w.options)
	}
	w.open()
	return w
}

func (w *world) open() {
	w.t.Helper()
	eng, err := jobs.Open(w.options)
	if err != nil {
		w.t.Fatal(err)
	}
	w.eng = eng
	w.events = &recorder{}
	unsub := eng.Subscribe(w.events.add)
	w.t.Cleanup(func() { unsub(); eng.Close() })
}

// shortSleeps: real time, sleeps of at most 20 ms.
type shortSleeps struct{}

func (shortSleeps) Now() time.Time { return time.Now() }
func (shortSleeps) Sleep(ctx context.Context, d time.Duration) error {
	return client.RealClock{}.Sleep(ctx, min(d, 20*time.Millisecond))
}

// recorder keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []jobs.Event
}

func (r *recorder) add(e jobs.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) states(id string) []jobs.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []jobs.State
	for _, e := range r.events {
		if e.Job.ID == id && e.Kind != jobs.JobProgress && (len(out) == 0 || out[len(out)-1] != e.Job.State) {
			out = append(out, e.Job.State)
		}
	}
	return out
}

// waitFor waits until an event shows job id in state s.
func (r *recorder) waitFor(t testing.TB, id string, s jobs.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if slices.Contains(r.states(id), s) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no event of job %s in state %s; saw %v", id, s, r.states(id))
}

func (r *recorder) all() []jobs.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]jobs.Event(nil), r.events...)
}

// waitState waits until job id is in one of the states.
func (w *world) waitState(id string, timeout time.Duration, want ...jobs.State) jobs.Job {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		j, ok := w.eng.Job(id)
		if !ok {
			w.t.Fatalf("job %s is gone", id)
		}
		for _, s := range want {
			if j.State == s {
				return j
			}
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("job %s is %s after %v, want %v (failure %+v, note %q)", id, j.State, timeout, want, j.Failure, j.Note)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func quarters(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	return img
}

func writePNG(t testing.TB, dir, name string, w, h int) string {
	t.Helper()
	var buf bytes.Buffer
	png.Encode(&buf, quarters(w, h))
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// imageHost serves a PNG at /<anything>.png over real HTTP.
func imageHost(t testing.TB) string {
	t.Helper()
	var buf bytes.Buffer
	png.Encode(&buf, quarters(120, 80))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(buf.Bytes())
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

func smallRequest(prompt string) client.Request {
	r := client.NewRequest("")
	r.Width, r.Height, r.NumFrames, r.FPS = 96, 64, 3, 8
	r.InstantResponse = true
	r.Prompt = prompt
	return r
}

// noKeyOnDisk fails if any file under dir holds the key.
func noKeyOnDisk(t testing.TB, dir string) {
	t.Helper()
	files := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		files++
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte(testKey)) {
			t.Errorf("the key is in %s", p)
		}
		return nil
	})
	if files == 0 {
		t.Error("no files to check")
	}
}

// libraryIDOf is the id of the library in dir, which a record of a job
// made there carries (an engine has opened it once).
func libraryIDOf(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, jobs.IDFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}
