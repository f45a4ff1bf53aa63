package jobs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
)

// Practice jobs are made by the practice server and real ones with the
// key, whatever the mode is when they run again: a practice job run again
// after the creator switched to real videos stays in practice, unless they
// ask for it with their key. The mode is kept in job.json.
func TestJobsKeepTheModeTheyWereMadeIn(t *testing.T) {
	practice := sandbox.NewServer(sandbox.WithJobDuration(200*time.Millisecond), sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0))
	t.Cleanup(practice.Close)
	pc, err := client.New("practice", client.WithBaseURL(practice.URL))
	if err != nil {
		t.Fatal(err)
	}
	started := 0
	w := newWorld(t, nil, func(o *jobs.Options) {
		o.InPractice = true
		o.Practice = func() (*client.Client, error) { started++; return pc, nil }
	})
	dir := t.TempDir()
	pic := writePNG(t, dir, "harbour.png", 64, 48)

	first, err := w.eng.Add(jobs.Spec{Request: smallRequest("practice"), File: pic})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Practice {
		t.Fatal("a job added in practice mode is not a practice job")
	}
	w.waitState(first.ID, 20*time.Second, jobs.Done)
	if practice.Requests(sandbox.EndpointSubmit) != 1 || w.srv.Requests(sandbox.EndpointSubmit) != 0 {
		t.Fatalf("submissions: practice %d, real %d", practice.Requests(sandbox.EndpointSubmit), w.srv.Requests(sandbox.EndpointSubmit))
	}
	data, _ := os.ReadFile(filepath.Join(w.eng.Jobs()[0].Folder, "job.json"))
	if !strings.Contains(string(data), `"practice": true`) && !strings.Contains(string(data), `"practice":true`) {
		t.Fatalf("job.json does not keep the mode:\n%s", data)
	}

	// The creator switches to real videos.
	w.eng.SetPractice(false)
	again, err := w.eng.RunAgain(first.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Practice {
		t.Fatal("Run again of a practice job left practice")
	}
	w.waitState(again.ID, 20*time.Second, jobs.Done)
	if practice.Requests(sandbox.EndpointSubmit) != 2 || w.srv.Requests(sandbox.EndpointSubmit) != 0 {
		t.Fatalf("after Run again: practice %d, real %d", practice.Requests(sandbox.EndpointSubmit), w.srv.Requests(sandbox.EndpointSubmit))
	}

	// Asked for with the key, it goes to the real service, uploaded
	// there (not with the practice server's link).
	real, err := w.eng.RunAgainIn(first.ID, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if real.Practice {
		t.Fatal("Run again with the key made a practice job")
	}
	w.waitState(real.ID, 20*time.Second, jobs.Done)
	if w.srv.Requests(sandbox.EndpointSubmit) != 1 || w.srv.Requests(sandbox.EndpointUpload) != 1 {
		t.Fatalf("real service: %d submissions, %d uploads", w.srv.Requests(sandbox.EndpointSubmit), w.srv.Requests(sandbox.EndpointUpload))
	}
	for _, s := range w.srv.Submissions() {
		if strings.HasPrefix(s.InitImage, practice.URL) {
			t.Fatalf("the real service was sent the practice server's link %s", s.InitImage)
		}
	}
	// New jobs follow the mode.
	fresh, err := w.eng.Add(jobs.Spec{Request: smallRequest("real"), File: pic})
	if err != nil || fresh.Practice {
		t.Fatalf("a job added outside practice: practice %v, %v", fresh.Practice, err)
	}
	w.waitState(fresh.ID, 20*time.Second, jobs.Done)
	if started == 0 {
		t.Fatal("the practice server was never asked for")
	}
}

// A practice job whose practice server cannot start fails with the reason
// and costs nothing; Retry tries again.
func TestPracticeServerThatCannotStart(t *testing.T) {
	w := newWorld(t, nil, func(o *jobs.Options) {
		o.InPractice = true
		o.Practice = func() (*client.Client, error) { return nil, os.ErrPermission }
	})
	pic := writePNG(t, t.TempDir(), "harbour.png", 64, 48)
	j, err := w.eng.Add(jobs.Spec{Request: smallRequest(""), File: pic})
	if err != nil {
		t.Fatal(err)
	}
	got := w.waitState(j.ID, 10*time.Second, jobs.Failed)
	if got.Failure == nil || !got.Failure.Retryable || !strings.Contains(got.Failure.Details, "permission") {
		t.Fatalf("failure: %+v", got.Failure)
	}
	if w.srv.Requests(sandbox.EndpointSubmit) != 0 {
		t.Fatal("a practice job went to the real service")
	}
}
