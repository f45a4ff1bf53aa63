package jobs_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vivify/client/sandbox"
	"vivify/jobs"
)

// addSet adds n takes of one picture with seeds 11, 22, …
func addSet(t *testing.T, w *world, n int) []jobs.Job {
	t.Helper()
	set := jobs.NewSetID()
	url := imageHost(t) + "/a.png"
	var out []jobs.Job
	for k := 1; k <= n; k++ {
		r := smallRequest("a set")
		seed := int64(11 * k)
		r.Seed = &seed
		j, err := w.eng.Add(jobs.Spec{Request: r, URL: url, Set: set, Take: k})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	return out
}

// Four takes are four jobs of one set, each with its own seed, kept; the
// practice videos of other seeds differ; the set is whole after a restart.
func TestFourTakesOfASet(t *testing.T) {
	w := newWorld(t, nil, nil)
	takes := addSet(t, w, 4)
	var videos [][]byte
	for k, j := range takes {
		got := w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed)
		if got.State != jobs.Done || got.Set != takes[0].Set || got.Take != k+1 {
			t.Fatalf("take %d: %s, set %q take %d", k+1, got.State, got.Set, got.Take)
		}
		if got.Seed == nil || *got.Seed != int64(11*(k+1)) {
			t.Fatalf("take %d: seed %v", k+1, got.Seed)
		}
		data, err := os.ReadFile(got.File(got.Output))
		if err != nil {
			t.Fatal(err)
		}
		for i, other := range videos {
			if bytes.Equal(data, other) {
				t.Fatalf("takes %d and %d are the same video", i+1, k+1)
			}
		}
		videos = append(videos, data)
	}
	reopen(t, w)
	if set := w.eng.Set(takes[0].Set); len(set) != 4 || set[0].Take != 1 || set[3].Take != 4 {
		t.Fatalf("after a restart the set has %d takes", len(set))
	}
	if n := w.srv.Requests(sandbox.EndpointSubmit); n != 4 {
		t.Fatalf("sent %d times", n)
	}
}

// The credits run out after 2 of 4 takes: the next one sent is refused by
// the server (nothing charged), the last is not sent at all and says why,
// the two made are kept, and nothing is sent twice. (Takes are sent one
// after another, in the order they are ready.)
func TestCreditsRunOutInASet(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithBalance(2*sandbox.CostPerVideo + 0.01)}, nil)
	takes := addSet(t, w, 4)
	var done, refused, unsent int
	for _, j := range takes {
		got := w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed)
		switch {
		case got.State == jobs.Done:
			done++
		case got.Failure.Kind != "no_credits" || got.Failure.MayBeCharged:
			t.Fatalf("take %d: %+v", got.Take, got.Failure)
		case strings.HasPrefix(got.Failure.Message, "Not sent"):
			unsent++
			if !strings.Contains(got.Failure.Message, "credits ran out at take") {
				t.Fatalf("take %d says %q", got.Take, got.Failure.Message)
			}
		default:
			refused++
		}
	}
	if done != 2 || refused != 1 || unsent != 1 {
		t.Fatalf("%d made, %d refused, %d not sent", done, refused, unsent)
	}
	if n := w.srv.Requests(sandbox.EndpointSubmit); n != 3 {
		t.Fatalf("sent %d times, want 3 (the last never)", n)
	}
}

// A starred take is kept: Remove the others moves only the unstarred ones
// to the library's trash, which is not read as jobs; Undo brings them
// back; a starred one is refused.
func TestStarAndRemoveTheOthers(t *testing.T) {
	w := newWorld(t, nil, nil)
	takes := addSet(t, w, 3)
	for _, j := range takes {
		w.waitState(j.ID, 60*time.Second, jobs.Done)
	}
	if _, err := w.eng.SetStarred(takes[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.RemoveToTrash([]string{takes[0].ID, takes[1].ID}); !errors.Is(err, jobs.ErrStarred) {
		t.Fatalf("removing a starred take: %v", err)
	}
	if len(w.eng.Set(takes[0].Set)) != 3 {
		t.Fatal("a take went although the removal was refused")
	}
	removed, err := w.eng.RemoveToTrash([]string{takes[0].ID, takes[2].ID})
	if err != nil {
		t.Fatal(err)
	}
	if set := w.eng.Set(takes[0].Set); len(set) != 1 || !set[0].Starred {
		t.Fatalf("left: %+v", set)
	}
	trashed, _ := filepath.Glob(filepath.Join(w.lib, jobs.TrashFolder, "*", jobs.JobFile))
	if len(trashed) != 2 {
		t.Fatalf("%d in the trash", len(trashed))
	}
	reopen(t, w)
	if len(w.eng.Jobs()) != 1 {
		t.Fatalf("after a restart %d jobs: the trash was read as jobs", len(w.eng.Jobs()))
	}
	if err := w.eng.Undo(removed); err != nil {
		t.Fatal(err)
	}
	if set := w.eng.Set(takes[0].Set); len(set) != 3 {
		t.Fatalf("after Undo the set has %d", len(set))
	}
}

// The app killed in the middle of a set: after the next start every take
// is followed or retried exactly as a single job is (one cut off while
// being sent is interrupted, and Retry sends it), and the set is whole.
func TestSetAfterARestart(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithJobDuration(1500 * time.Millisecond)}, nil)
	takes := addSet(t, w, 3)
	w.waitState(takes[0].ID, 20*time.Second, jobs.Processing, jobs.Done)
	reopen(t, w)
	for _, j := range takes {
		got := w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed, jobs.Interrupted)
		if got.State == jobs.Interrupted {
			if err := w.eng.Retry(j.ID); err != nil {
				t.Fatal(err)
			}
			got = w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed)
		}
		if got.State != jobs.Done || got.Set != takes[0].Set {
			t.Fatalf("take %d: %s %+v", j.Take, got.State, got.Failure)
		}
	}
	if set := w.eng.Set(takes[0].Set); len(set) != 3 {
		t.Fatalf("the set has %d takes", len(set))
	}
}
