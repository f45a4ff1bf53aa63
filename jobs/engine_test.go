package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/gif"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vivify/client/sandbox"
	"vivify/jobs"
)

func TestWholeLifecycleFromAFile(t *testing.T) {
	w := newWorld(t, nil, nil)
	src := writePNG(t, t.TempDir(), "beach photo.png", 900, 600)
	j, err := w.eng.Add(jobs.Spec{Request: smallRequest("waves"), File: src})
	if err != nil {
		t.Fatal(err)
	}
	if j.State != jobs.Queued || j.Source.Name != "beach photo" {
		t.Fatalf("added: %+v", j)
	}
	done := w.waitState(j.ID, 20*time.Second, jobs.Done, jobs.Failed)
	if done.State != jobs.Done {
		t.Fatalf("ended %s: %+v", done.State, done.Failure)
	}
	want := []jobs.State{jobs.Queued, jobs.Preparing, jobs.Submitting, jobs.Processing, jobs.Downloading, jobs.Done}
	w.events.waitFor(t, j.ID, jobs.Done)
	if got := w.events.states(j.ID); !slices.Equal(got, want) {
		t.Errorf("states %v, want %v", got, want)
	}
	if ev := w.events.all(); ev[0].Kind != jobs.JobAdded {
		t.Errorf("first event %v", ev[0].Kind)
	}
	if done.ServerID == "" || done.Seed == nil || done.Model != "wan2.2" || !done.ModelSubstituted() || len(done.Links) == 0 ||
		done.UploadURL == "" || done.Request.InitImage != done.UploadURL {
		t.Errorf("record: %+v", done)
	}
	for _, s := range want {
		if done.StepAt(s).IsZero() {
			t.Errorf("no time for step %s", s)
		}
	}
	if ok, _ := regexp.MatchString(`^\d{4}-\d\d-\d\d \d\d-\d\d beach photo$`, filepath.Base(done.Folder)); !ok {
		t.Errorf("folder name %q", filepath.Base(done.Folder))
	}
	f, err := os.Open(filepath.Join(done.Folder, done.Output))
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(f)
	f.Close()
	if err != nil || len(g.Image) != 3 {
		t.Fatalf("video: %v", err)
	}
	if done.Output != filepath.Base(done.Folder)+".gif" {
		t.Errorf("the video is called %q", done.Output)
	}
	for _, name := range []string{jobs.JobFile, done.SourceFile, done.Thumbnail} {
		if _, err := os.Stat(filepath.Join(done.Folder, name)); name == "" || err != nil {
			t.Errorf("missing %q in the folder: %v", name, err)
		}
	}
	var onDisk jobs.Job
	data, _ := os.ReadFile(filepath.Join(done.Folder, jobs.JobFile))
	if err := json.Unmarshal(data, &onDisk); err != nil || onDisk.State != jobs.Done || onDisk.ServerID != done.ServerID {
		t.Errorf("job.json: %v %+v", err, onDisk)
	}
	if strings.Contains(string(data), `"key"`) {
		t.Error("job.json has a key field")
	}
	noKeyOnDisk(t, w.lib)
}

func TestLifecycleFromALink(t *testing.T) {
	w := newWorld(t, nil, nil)
	j, err := w.eng.Add(jobs.Spec{Request: smallRequest("clouds"), URL: imageHost(t) + "/sky/sunset.png"})
	if err != nil {
		t.Fatal(err)
	}
	if j.Source.Name != "sunset" {
		t.Errorf("name %q", j.Source.Name)
	}
	done := w.waitState(j.ID, 20*time.Second, jobs.Done, jobs.Failed)
	if done.State != jobs.Done || done.Thumbnail == "" || done.SourceFile == "" {
		t.Fatalf("%s %+v (source copy %q)", done.State, done.Failure, done.SourceFile)
	}
	if _, err := os.Stat(filepath.Join(done.Folder, done.SourceFile)); err != nil {
		t.Errorf("no copy of the source image: %v", err)
	}
	want := []jobs.State{jobs.Queued, jobs.Submitting, jobs.Processing, jobs.Downloading, jobs.Done}
	w.events.waitFor(t, j.ID, jobs.Done)
	if got := w.events.states(j.ID); !slices.Equal(got, want) {
		t.Errorf("states %v, want %v", got, want)
	}
}

func TestAddRefusesBadInputAtOnce(t *testing.T) {
	w := newWorld(t, nil, nil)
	notImage := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(notImage, []byte("shopping list"), 0o644)
	bad := smallRequest("x")
	bad.Width = 5000
	for name, spec := range map[string]jobs.Spec{
		"not an image":   {Request: smallRequest("x"), File: notImage},
		"missing file":   {Request: smallRequest("x"), File: "/nowhere/at/all.png"},
		"bad link":       {Request: smallRequest("x"), URL: "ftp://example.com/a.png"},
		"bad settings":   {Request: bad, URL: "https://example.com/a.png"},
		"no image given": {Request: smallRequest("x")},
	} {
		if _, err := w.eng.Add(spec); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), testKey) {
			t.Errorf("%s: key in error", name)
		}
	}
	if n := len(w.eng.Jobs()); n != 0 {
		t.Errorf("%d jobs were recorded", n)
	}
	entries, _ := os.ReadDir(w.lib)
	entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return e.Name() == jobs.LockFile || e.Name() == jobs.IDFile })
	if len(entries) != 0 {
		t.Errorf("folders were left: %v", entries)
	}
}

// Many jobs added at once never hold more than the limit on the server.
func TestQueueHoldsTheLimit(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithJobDuration(400 * time.Millisecond)},
		func(o *jobs.Options) { o.MaxInFlight = 3 })
	host := imageHost(t)
	var peak atomic.Int32
	w.eng.Subscribe(func(jobs.Event) {
		if n := int32(w.eng.InFlight()); n > peak.Load() {
			peak.Store(n)
		}
	})
	var ids []string
	for i := range 10 {
		j, err := w.eng.Add(jobs.Spec{Request: smallRequest(fmt.Sprint("job ", i)), URL: host + "/a.png"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	for _, id := range ids {
		if j := w.waitState(id, 30*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
			t.Fatalf("%s: %+v", j.State, j.Failure)
		}
	}
	if p := w.srv.PeakActive(); p > 3 || p < 2 {
		t.Errorf("the server had up to %d jobs at once; the limit is 3", p)
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("the engine counted %d in flight", p)
	}
	if n := len(w.srv.Submissions()); n != 10 {
		t.Errorf("%d submissions for 10 jobs", n)
	}
}

// When the server's queue is fuller than the engine thinks (other apps use
// the account), the engine waits and tries again; nothing is sent twice.
func TestQueueFullWaitsAndRetries(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithQueueLimit(2), sandbox.WithJobDuration(300 * time.Millisecond)}, nil)
	host := imageHost(t)
	var ids []string
	for i := range 6 {
		j, _ := w.eng.Add(jobs.Spec{Request: smallRequest(fmt.Sprint("queued ", i)), URL: host + "/a.png"})
		ids = append(ids, j.ID)
	}
	sawNote := false
	w.eng.Subscribe(func(e jobs.Event) {
		if strings.Contains(e.Job.Note, "queue is full") {
			sawNote = true
		}
	})
	for _, id := range ids {
		if j := w.waitState(id, 30*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
			t.Fatalf("%s: %+v", j.State, j.Failure)
		}
	}
	seen := map[string]int{}
	for _, s := range w.srv.Submissions() {
		seen[s.Prompt]++
	}
	for p, n := range seen {
		if n != 1 {
			t.Errorf("%q was submitted %d times", p, n)
		}
	}
	if len(seen) != 6 || !sawNote {
		t.Errorf("%d prompts submitted; a note about the full queue seen: %v", len(seen), sawNote)
	}
}

func TestCancelAtEachStage(t *testing.T) {
	type stage struct {
		name       string
		sb         []sandbox.Option
		setup      func(w *world)
		spec       func(w *world) jobs.Spec
		waitFor    jobs.State
		charged    bool // the Failure must say the server may charge
		submitted  int  // submissions the sandbox must have seen
		keepServer bool // the server id is kept
	}
	file := func(w *world) jobs.Spec {
		return jobs.Spec{Request: smallRequest("cancel me"), File: writePNG(w.t, w.t.TempDir(), "in.png", 200, 100)}
	}
	link := func(w *world) jobs.Spec {
		return jobs.Spec{Request: smallRequest("cancel me"), URL: imageHost(w.t) + "/a.png"}
	}
	for _, st := range []stage{
		{name: "preparing", setup: func(w *world) {
			w.srv.Inject(sandbox.Fault{Kind: sandbox.Slow, Delay: 5 * time.Second, Endpoint: sandbox.EndpointUpload})
		}, spec: file, waitFor: jobs.Preparing},
		{name: "queued", setup: func(w *world) {
			// One long job holds the only slot.
			w.eng.Add(jobs.Spec{Request: smallRequest("long"), URL: imageHost(w.t) + "/a.png"})
		}, sb: []sandbox.Option{sandbox.WithJobDuration(5 * time.Second)}, spec: link, waitFor: jobs.Queued, submitted: 1},
		{name: "submitting", setup: func(w *world) {
			w.srv.Inject(sandbox.Fault{Kind: sandbox.Slow, Delay: 5 * time.Second, Endpoint: sandbox.EndpointSubmit})
		}, spec: link, waitFor: jobs.Submitting, charged: true},
		{name: "processing", sb: []sandbox.Option{sandbox.WithJobDuration(time.Minute)},
			spec: link, waitFor: jobs.Processing, charged: true, submitted: 1, keepServer: true},
		{name: "downloading", setup: func(w *world) { w.srv.SetQuirks(sandbox.Quirks{LinkDelay: time.Hour}) },
			spec: link, waitFor: jobs.Downloading, charged: true, submitted: 1, keepServer: true},
	} {
		t.Run(st.name, func(t *testing.T) {
			w := newWorld(t, st.sb, func(o *jobs.Options) { o.MaxInFlight = 1; o.LinkWindow = time.Minute })
			if st.setup != nil {
				st.setup(w)
			}
			time.Sleep(50 * time.Millisecond)
			j, err := w.eng.Add(st.spec(w))
			if err != nil {
				t.Fatal(err)
			}
			w.waitState(j.ID, 10*time.Second, st.waitFor)
			if st.name == "queued" {
				time.Sleep(100 * time.Millisecond) // it stays queued
				if got, _ := w.eng.Job(j.ID); got.State != jobs.Queued {
					t.Fatalf("not waiting: %s", got.State)
				}
			}
			start := time.Now()
			if err := w.eng.Cancel(j.ID); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("cancelling took %v", d)
			}
			got, _ := w.eng.Job(j.ID)
			if got.State != jobs.Cancelled || got.Failure == nil {
				t.Fatalf("%s %+v", got.State, got.Failure)
			}
			if got.Failure.MayBeCharged != st.charged {
				t.Errorf("may be charged: %v, want %v (%s)", got.Failure.MayBeCharged, st.charged, got.Failure.Message)
			}
			if st.charged && !strings.Contains(got.Failure.Message, "charge") {
				t.Errorf("the message does not warn about a charge: %q", got.Failure.Message)
			}
			if !st.charged && !strings.Contains(got.Failure.Message, "Nothing was charged") {
				t.Errorf("the message does not reassure: %q", got.Failure.Message)
			}
			if (got.ServerID != "") != st.keepServer {
				t.Errorf("server id %q", got.ServerID)
			}
			if n := len(w.srv.Submissions()); n != st.submitted && st.name != "submitting" {
				t.Errorf("%d submissions, want %d", n, st.submitted)
			}
			if err := w.eng.Cancel(j.ID); !errors.Is(err, jobs.ErrJobEnded) {
				t.Errorf("a second cancel: %v", err)
			}
		})
	}
}

func TestFaultsDuringJobs(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(*sandbox.Server)
		state   jobs.State
		kind    string
		charged bool
		retry   bool
	}{
		{"gateway pages while following", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.GatewayHTML, Endpoint: sandbox.EndpointFetch, Times: 3})
		}, jobs.Done, "", false, false},
		{"rate limit on submit", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.RateLimit, Endpoint: sandbox.EndpointSubmit, Times: 2, Delay: time.Second})
		}, jobs.Done, "", false, false},
		{"links missing for a while", func(s *sandbox.Server) { s.SetQuirks(sandbox.Quirks{LinkDelay: time.Second}) }, jobs.Done, "", false, false},
		{"truncated video", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.TruncateBody, Endpoint: sandbox.EndpointFiles, Times: 1})
		}, jobs.Done, "", false, false},
		{"success without links at first", func(s *sandbox.Server) { s.SetQuirks(sandbox.Quirks{SuccessNoLinksOnce: true}) }, jobs.Done, "", false, false},
		{"all answer quirks", func(s *sandbox.Server) {
			s.SetQuirks(sandbox.Quirks{StringIDs: true, EmptyOutputString: true, Messege: true, IntegerETA: true,
				EscapedSlashes: true, ExtraFields: true, StringNumbers: true, SuccessEmptyOutput: true, HTTPStatusCodes: true})
		}, jobs.Done, "", false, false},
		{"generation failed", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.FailGeneration, Times: 1}) },
			jobs.Failed, "generation_failed", false, true},
		{"invalid key", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.InvalidKey}) },
			jobs.Failed, "invalid_key", false, false},
		{"no credits", func(s *sandbox.Server) { s.SetBalance(0) }, jobs.Failed, "no_credits", false, true},
		{"answer lost after the job was made", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.DropConnection, Endpoint: sandbox.EndpointSubmit, AfterProcessing: true, Times: 1})
		}, jobs.Failed, "transient", true, true},
		{"server error on submit", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.ServerError, Endpoint: sandbox.EndpointSubmit, Times: 1})
		}, jobs.Failed, "transient", true, true},
		{"strict model", func(s *sandbox.Server) { s.SetQuirks(sandbox.Quirks{StrictModels: true}) },
			jobs.Failed, "validation", false, false},
		{"dropped connections while following", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.DropConnection, Endpoint: sandbox.EndpointFetch, Times: 3})
		}, jobs.Done, "", false, false},
		{"slow answers", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.Slow, Delay: 300 * time.Millisecond})
		}, jobs.Done, "", false, false},
		{"gateway page on upload", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.GatewayHTML, Endpoint: sandbox.EndpointUpload, Times: 1})
		}, jobs.Failed, "transient", false, true},
		{"image host refuses Vivify", nil, jobs.Done, "", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, nil, nil)
			if tc.setup != nil {
				tc.setup(w.srv)
			}
			req := smallRequest(tc.name)
			if tc.kind == "validation" {
				req.ModelID = "my-model"
			}
			spec := jobs.Spec{Request: req, URL: imageHost(t) + "/a.png"}
			if strings.Contains(tc.name, "upload") {
				spec = jobs.Spec{Request: req, File: writePNG(t, t.TempDir(), "up.png", 100, 80)}
			}
			if strings.Contains(tc.name, "refuses") {
				// The sandbox can fetch the image; Vivify's own copy cannot.
				spec.URL = refusingHost(t, w.srv) + "/a.png"
			}
			j, err := w.eng.Add(spec)
			if err != nil {
				t.Fatal(err)
			}
			got := w.waitState(j.ID, 30*time.Second, jobs.Done, jobs.Failed)
			if got.State != tc.state {
				t.Fatalf("%s, want %s: %+v", got.State, tc.state, got.Failure)
			}
			if tc.state == jobs.Failed {
				f := got.Failure
				if f.Kind != tc.kind || f.MayBeCharged != tc.charged || f.Retryable != tc.retry || f.Message == "" {
					t.Errorf("failure %+v", f)
				}
				if strings.Contains(f.Message+f.Details+f.Advice, testKey) {
					t.Error("the key is in the failure")
				}
			}
			noKeyOnDisk(t, w.lib)
		})
	}
}

// refusingHost serves an image to the sandbox's fetcher only, as a host
// that blocks some clients would.
func refusingHost(t *testing.T, _ *sandbox.Server) string {
	ok := imageHost(t)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.UserAgent(), "Vivify-sandbox") {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		http.Redirect(w, r, ok+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestRescanFollowsTheFolder(t *testing.T) {
	w := newWorld(t, nil, nil)
	host := imageHost(t)
	a, _ := w.eng.Add(jobs.Spec{Request: smallRequest("a"), URL: host + "/a.png"})
	b, _ := w.eng.Add(jobs.Spec{Request: smallRequest("b"), URL: host + "/b.png"})
	a = w.waitState(a.ID, 10*time.Second, jobs.Done)
	b = w.waitState(b.ID, 10*time.Second, jobs.Done)
	// Outside Vivify: a's folder is deleted, b's is copied to another library
	// and back in under a new job id.
	os.RemoveAll(a.Folder)
	data, _ := os.ReadFile(filepath.Join(b.Folder, jobs.JobFile))
	var c jobs.Job
	json.Unmarshal(data, &c)
	c.ID = "copied-in"
	data, _ = json.Marshal(c)
	os.MkdirAll(filepath.Join(w.lib, "copied"), 0o755)
	os.WriteFile(filepath.Join(w.lib, "copied", jobs.JobFile), data, 0o644)
	if err := w.eng.Rescan(); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, j := range w.eng.Jobs() {
		ids[j.ID] = true
	}
	if ids[a.ID] || !ids[b.ID] || !ids["copied-in"] || len(ids) != 2 {
		t.Fatalf("after rescan: %v", ids)
	}
	time.Sleep(50 * time.Millisecond)
	kinds := map[jobs.EventKind]int{}
	for _, e := range w.events.all() {
		if e.Job.ID == a.ID || e.Job.ID == "copied-in" {
			kinds[e.Kind]++
		}
	}
	if kinds[jobs.JobRemoved] != 1 || kinds[jobs.JobAdded] != 2 {
		t.Errorf("events: %v", kinds)
	}
}

// The engine is closed while jobs are being made; a new one on the same
// library follows them to the end. Nothing is submitted twice.
func TestRestartPicksUpProcessingJobs(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithJobDuration(1500 * time.Millisecond)}, nil)
	host := imageHost(t)
	var ids []string
	for i := range 4 {
		j, _ := w.eng.Add(jobs.Spec{Request: smallRequest(fmt.Sprint("restart ", i)), URL: host + "/a.png"})
		ids = append(ids, j.ID)
	}
	for _, id := range ids {
		w.waitState(id, 10*time.Second, jobs.Processing)
	}
	w.eng.Close()
	for _, id := range ids {
		if j, _ := w.eng.Job(id); j.State != jobs.Processing {
			t.Fatalf("closing changed a processing job to %s", j.State)
		}
	}
	w.open()
	for _, id := range ids {
		if j := w.waitState(id, 20*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
			t.Fatalf("%s: %+v", j.State, j.Failure)
		}
	}
	if n := len(w.srv.Submissions()); n != 4 {
		t.Fatalf("%d submissions for 4 jobs", n)
	}
}

// A job recorded as on its way, but never acknowledged, is marked
// interrupted at the next start and never sent on its own. Jobs that were
// still waiting (never sent) go on.
func TestInterruptedJobsAreNotResent(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.eng.Close()
	host := imageHost(t)
	for _, state := range []jobs.State{jobs.Submitting, jobs.Queued, jobs.Preparing} {
		dir := filepath.Join(w.lib, "2026-11-21 10-00 "+string(state))
		os.MkdirAll(dir, 0o755)
		req := smallRequest("killed while " + string(state))
		req.InitImage = host + "/a.png"
		rec := jobs.Job{Version: 1, ID: "id-" + string(state), State: state, Request: req,
			Source: jobs.Source{URL: req.InitImage, Name: "a"}, Created: time.Now(), Library: libraryIDOf(t, w.lib)}
		data, _ := json.Marshal(rec)
		os.WriteFile(filepath.Join(dir, jobs.JobFile), data, 0o644)
	}
	w.open()
	for _, id := range []string{"id-queued", "id-preparing"} {
		if j := w.waitState(id, 10*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
			t.Errorf("%s: %s %+v", id, j.State, j.Failure)
		}
	}
	j, _ := w.eng.Job("id-submitting")
	if j.State != jobs.Interrupted || j.Failure == nil || !j.Failure.MayBeCharged || !j.Failure.Retryable ||
		!strings.Contains(j.Failure.Advice, "dashboard") {
		t.Errorf("submitting: %s %+v", j.State, j.Failure)
	}
	for _, s := range w.srv.Submissions() {
		if s.Prompt == "killed while submitting" {
			t.Error("the interrupted job was sent again on its own")
		}
	}
	if n := len(w.srv.Submissions()); n != 2 {
		t.Errorf("%d submissions, want the 2 waiting jobs", n)
	}
	w.eng.Close()
	w.open()
	if j, _ := w.eng.Job("id-submitting"); j.State != jobs.Interrupted {
		t.Errorf("reopened: %s", j.State)
	}
	// The user may retry it.
	if err := w.eng.Retry("id-submitting"); err != nil {
		t.Fatal(err)
	}
	if j := w.waitState("id-submitting", 10*time.Second, jobs.Done, jobs.Failed); j.State != jobs.Done {
		t.Errorf("retried: %s", j.State)
	}
}

func TestRetry(t *testing.T) {
	t.Run("a failed generation is sent again", func(t *testing.T) {
		w := newWorld(t, nil, nil)
		w.srv.Inject(sandbox.Fault{Kind: sandbox.FailGeneration, Times: 1})
		j, _ := w.eng.Add(jobs.Spec{Request: smallRequest("again"), URL: imageHost(t) + "/a.png"})
		first := w.waitState(j.ID, 10*time.Second, jobs.Failed)
		if err := w.eng.Retry(j.ID); err != nil {
			t.Fatal(err)
		}
		done := w.waitState(j.ID, 10*time.Second, jobs.Done, jobs.Failed)
		if done.State != jobs.Done || done.ServerID == first.ServerID || len(w.srv.Submissions()) != 2 {
			t.Fatalf("%s %s→%s, %d submissions", done.State, first.ServerID, done.ServerID, len(w.srv.Submissions()))
		}
		if done.Failure != nil {
			t.Error("the old failure stayed")
		}
	})
	t.Run("a cancelled job is followed again, not sent again", func(t *testing.T) {
		w := newWorld(t, []sandbox.Option{sandbox.WithJobDuration(time.Second)}, nil)
		j, _ := w.eng.Add(jobs.Spec{Request: smallRequest("follow"), URL: imageHost(t) + "/a.png"})
		w.waitState(j.ID, 10*time.Second, jobs.Processing)
		w.eng.Cancel(j.ID)
		if err := w.eng.Retry(j.ID); err != nil {
			t.Fatal(err)
		}
		done := w.waitState(j.ID, 10*time.Second, jobs.Done, jobs.Failed)
		if done.State != jobs.Done || len(w.srv.Submissions()) != 1 {
			t.Fatalf("%s, %d submissions", done.State, len(w.srv.Submissions()))
		}
	})
	t.Run("a local file is prepared again from the folder's copy", func(t *testing.T) {
		w := newWorld(t, nil, nil)
		src := writePNG(t, t.TempDir(), "gone.png", 300, 200)
		w.srv.Inject(sandbox.Fault{Kind: sandbox.FailGeneration, Times: 1})
		j, _ := w.eng.Add(jobs.Spec{Request: smallRequest("copy"), File: src})
		w.waitState(j.ID, 10*time.Second, jobs.Failed)
		os.Remove(src) // the user moved the original away
		if err := w.eng.Retry(j.ID); err != nil {
			t.Fatal(err)
		}
		if done := w.waitState(j.ID, 10*time.Second, jobs.Done, jobs.Failed); done.State != jobs.Done {
			t.Fatalf("%+v", done.Failure)
		}
	})
	t.Run("only ended jobs", func(t *testing.T) {
		w := newWorld(t, []sandbox.Option{sandbox.WithJobDuration(time.Minute)}, nil)
		j, _ := w.eng.Add(jobs.Spec{Request: smallRequest("busy"), URL: imageHost(t) + "/a.png"})
		w.waitState(j.ID, 10*time.Second, jobs.Processing)
		if err := w.eng.Retry(j.ID); !errors.Is(err, jobs.ErrJobActive) {
			t.Fatalf("got %v", err)
		}
		if err := w.eng.Retry("nope"); !errors.Is(err, jobs.ErrUnknownJob) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestRunAgain(t *testing.T) {
	w := newWorld(t, nil, nil)
	src := writePNG(t, t.TempDir(), "cat.png", 300, 200)
	req := smallRequest("a cat")
	req.MotionBucketID = 40
	j, _ := w.eng.Add(jobs.Spec{Request: req, File: src})
	first := w.waitState(j.ID, 10*time.Second, jobs.Done)

	same, err := w.eng.RunAgain(j.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	other, err := w.eng.RunAgain(j.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	a := w.waitState(same.ID, 10*time.Second, jobs.Done)
	b := w.waitState(other.ID, 10*time.Second, jobs.Done)
	if a.Folder == first.Folder || a.Request.MotionBucketID != 40 || a.Source.File != src {
		t.Errorf("run again: %+v", a)
	}
	if a.Seed == nil || *a.Seed != *first.Seed || a.Request.Seed == nil {
		t.Errorf("same seed: asked %v, got %v, first %v", a.Request.Seed, a.Seed, *first.Seed)
	}
	if b.Request.Seed != nil {
		t.Errorf("a new seed was not left to the server: %v", *b.Request.Seed)
	}
	if w.srv.Requests(sandbox.EndpointUpload) != 1 {
		t.Errorf("%d uploads: a fresh upload should be used again", w.srv.Requests(sandbox.EndpointUpload))
	}
}

func TestDelete(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithJobDuration(time.Minute)}, nil)
	host := imageHost(t)
	running, _ := w.eng.Add(jobs.Spec{Request: smallRequest("running"), URL: host + "/a.png"})
	w.waitState(running.ID, 10*time.Second, jobs.Processing)
	if err := w.eng.Delete(running.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.eng.Job(running.ID); ok {
		t.Error("still listed")
	}
	if _, err := os.Stat(running.Folder); !os.IsNotExist(err) {
		t.Error("its folder is still there")
	}
	time.Sleep(50 * time.Millisecond) // the subscriber's goroutine delivers
	evs := w.events.all()
	if last := evs[len(evs)-1]; last.Kind != jobs.JobRemoved || last.Job.ID != running.ID {
		t.Errorf("last event %v %s", last.Kind, last.Job.State)
	}
	if err := w.eng.Delete(running.ID); !errors.Is(err, jobs.ErrUnknownJob) {
		t.Errorf("deleting twice: %v", err)
	}
}

// Every event reaches a subscriber, in order, whatever its speed.
func TestEventsArriveInOrder(t *testing.T) {
	w := newWorld(t, nil, nil)
	var slow []jobs.Event
	done := make(chan struct{})
	w.eng.Subscribe(func(e jobs.Event) {
		time.Sleep(2 * time.Millisecond) // a slow window
		slow = append(slow, e)
		if e.Kind == jobs.JobChanged && e.Job.State == jobs.Done {
			close(done)
		}
	})
	j, _ := w.eng.Add(jobs.Spec{Request: smallRequest("order"), File: writePNG(t, t.TempDir(), "o.png", 100, 100)})
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("no done event")
	}
	fast := w.events.all()
	var a, b []string
	for _, e := range fast {
		a = append(a, fmt.Sprint(e.Kind, e.Job.State, e.Job.Progress))
	}
	for _, e := range slow {
		b = append(b, fmt.Sprint(e.Kind, e.Job.State, e.Job.Progress))
	}
	if !slices.Equal(a, b) {
		t.Errorf("the slow subscriber saw\n%v\nthe fast one\n%v", b, a)
	}
	_ = j
}

func TestNoClientFailsClearly(t *testing.T) {
	w := newWorld(t, nil, func(o *jobs.Options) { o.Client = nil })
	j, _ := w.eng.Add(jobs.Spec{Request: smallRequest("no key"), URL: "https://example.com/a.png"})
	got := w.waitState(j.ID, 5*time.Second, jobs.Failed)
	if got.Failure.Kind != "invalid_key" || got.Failure.MayBeCharged {
		t.Errorf("%+v", got.Failure)
	}
	w.eng.SetClient(w.client)
	if err := w.eng.Retry(j.ID); err != nil { // at once: the failed job is retryable
		t.Fatal(err)
	}
	// example.com cannot be reached from here, so the sandbox cannot make
	// the video: what matters is that, with a key, the job was sent.
	w.waitState(j.ID, 10*time.Second, jobs.Done, jobs.Failed)
	if n := len(w.srv.Submissions()); n != 1 {
		t.Errorf("%d submissions after the key was set", n)
	}
}

func TestBalanceThroughTheEngine(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithBalance(12.5)}, nil)
	b, err := w.eng.Balance(context.Background())
	if err != nil || b.Amount != 12.5 || !w.eng.HasClient() {
		t.Fatalf("%+v %v", b, err)
	}
	w.eng.SetClient(nil)
	if _, err := w.eng.Balance(context.Background()); !errors.Is(err, jobs.ErrNoClient) || w.eng.HasClient() {
		t.Fatalf("without a client: %v", err)
	}
}

// One library, one engine: a second copy of Vivify opening the same library
// is refused and changes nothing, and once the first closes, it may.
func TestLibraryOpensOnce(t *testing.T) {
	w := newWorld(t, nil, nil)
	src := writePNG(t, t.TempDir(), "beach.png", 300, 200)
	j, err := w.eng.Add(jobs.Spec{Request: smallRequest("waves"), File: src})
	if err != nil {
		t.Fatal(err)
	}
	done := w.waitState(j.ID, 10*time.Second, jobs.Done, jobs.Failed)
	before, _ := os.ReadFile(filepath.Join(done.Folder, jobs.JobFile))

	second, err := jobs.Open(jobs.Options{Library: w.lib})
	if !errors.Is(err, jobs.ErrLibraryInUse) {
		if second != nil {
			second.Close()
		}
		t.Fatalf("a second engine on the library: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(done.Folder, jobs.JobFile)); string(after) != string(before) {
		t.Fatal("the refused open changed the job's file")
	}
	if _, ok := w.eng.Job(j.ID); !ok {
		t.Fatal("the first engine lost the job")
	}

	w.eng.Close()
	again, err := jobs.Open(jobs.Options{Library: w.lib})
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	defer again.Close()
	if got, ok := again.Job(j.ID); !ok || got.State != jobs.Done {
		t.Fatalf("reopened: %q, found %v", got.State, ok)
	}
}
