package jobs_test

import (
	"strings"
	"testing"
	"time"

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
