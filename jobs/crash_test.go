//go:build unix

package jobs_test

import (
	"bufio"
	"fmt"
	"image/gif"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
)

// The child's side: environment variables name the library, the sandbox and
// the jobs to have; it adds the missing ones one by one and runs until every
// job has ended, then prints ALLDONE.
const (
	crashChild   = "VIVIFY_CRASH_CHILD"
	crashLibrary = "VIVIFY_CRASH_LIBRARY"
	crashBase    = "VIVIFY_CRASH_BASE"
	crashJobs    = "VIVIFY_CRASH_JOBS"
	crashImage   = "VIVIFY_CRASH_IMAGE"
	crashHost    = "VIVIFY_CRASH_HOST"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashChild) == "1" {
		os.Exit(crashChildMain())
	}
	os.Exit(m.Run())
}

func crashChildMain() int {
	c, err := client.New(testKey, client.WithBaseURL(os.Getenv(crashBase)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	eng, err := jobs.Open(jobs.Options{Library: os.Getenv(crashLibrary), Client: c,
		RetryWait: 200 * time.Millisecond, LinkWindow: 20 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	n, _ := strconv.Atoi(os.Getenv(crashJobs))
	have := map[string]bool{}
	for _, j := range eng.Jobs() {
		have[j.Request.Prompt] = true
	}
	for k := range n {
		prompt := fmt.Sprint("crash ", k)
		if have[prompt] {
			continue
		}
		spec := jobs.Spec{Request: smallRequest(prompt), URL: os.Getenv(crashHost) + "/a.png"}
		if k%3 == 0 { // a third from a local file: preparing and uploading
			spec = jobs.Spec{Request: smallRequest(prompt), File: os.Getenv(crashImage)}
		}
		if _, err := eng.Add(spec); err != nil {
			fmt.Fprintln(os.Stderr, "add:", err)
			return 2
		}
		time.Sleep(15 * time.Millisecond)
	}
	for {
		all := true
		for _, j := range eng.Jobs() {
			all = all && j.State.Ended()
		}
		if all {
			eng.Close()
			fmt.Println("ALLDONE")
			return 0
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A child runs the engine and is killed with SIGKILL at random moments, 50
// times, while the sandbox keeps running here. Afterwards the library loads,
// every finished video is whole, no job is lost, and no job was submitted
// twice.
func TestSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test takes about a minute")
	}
	const total, kills = 20, 50
	srv := sandbox.NewServer(sandbox.WithJobDuration(400*time.Millisecond), sandbox.WithHoldFor(0),
		sandbox.WithSpamWindow(0), sandbox.WithBalance(1e6))
	defer srv.Close()
	// Slow answers to submissions for the first 5 kills, so that some land
	// while a job is on its way: the case where only "interrupted" is
	// honest. Then normal answers, so that most jobs get made.
	srv.Inject(sandbox.Fault{Kind: sandbox.Slow, Endpoint: sandbox.EndpointSubmit, Delay: 250 * time.Millisecond})
	lib := t.TempDir()
	img := writePNG(t, t.TempDir(), "photo.png", 640, 480)
	host := imageHost(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42))

	child := func() (*exec.Cmd, *bufio.Reader) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChild+"=1", crashLibrary+"="+lib, crashBase+"="+srv.URL,
			crashJobs+"="+strconv.Itoa(total), crashImage+"="+img, crashHost+"="+host)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, bufio.NewReader(out)
	}
	finishedEarly := 0
	for i := range kills {
		if i == 5 {
			srv.ClearFaults()
		}
		cmd, _ := child()
		time.Sleep(time.Duration(20+rng.IntN(900)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			finishedEarly++ // it ended before the kill: all jobs were done
		}
	}
	cmd, out := child()
	done := make(chan string, 1)
	go func() { line, _ := out.ReadString('\n'); done <- line }()
	select {
	case line := <-done:
		if strings.TrimSpace(line) != "ALLDONE" {
			t.Fatalf("the last run said %q", line)
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the last run did not finish")
	}
	cmd.Wait()

	// The library loads, with nothing damaged.
	eng, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if w := eng.Warnings(); len(w) > 0 {
		t.Errorf("folders passed over: %v", w)
	}
	byPrompt := map[string]jobs.Job{}
	states := map[jobs.State]int{}
	for _, j := range eng.Jobs() {
		if prev, dup := byPrompt[j.Request.Prompt]; dup {
			t.Errorf("%q is in the library twice: %s and %s", j.Request.Prompt, prev.Folder, j.Folder)
		}
		byPrompt[j.Request.Prompt] = j
		states[j.State]++
		if !j.State.Ended() {
			t.Errorf("%s is still %s", j.Request.Prompt, j.State)
		}
		if j.State == jobs.Done {
			f, err := os.Open(filepath.Join(j.Folder, j.Output))
			if err != nil {
				t.Errorf("%s: %v", j.Request.Prompt, err)
				continue
			}
			g, err := gif.DecodeAll(f)
			f.Close()
			if err != nil || len(g.Image) != 3 {
				t.Errorf("%s: the video is not whole: %v", j.Request.Prompt, err)
			}
		}
		if j.State == jobs.Failed {
			t.Errorf("%s failed: %+v", j.Request.Prompt, j.Failure)
		}
	}
	// None lost: every job asked for is there.
	for k := range total {
		if _, ok := byPrompt[fmt.Sprint("crash ", k)]; !ok {
			t.Errorf("crash %d is not in the library", k)
		}
	}
	// Nothing submitted twice, and every job the server made is either in
	// the library as done, or was cut off before the answer came (and is
	// marked so, with the warning that it may be charged).
	seen := map[string]int{}
	for _, s := range srv.Submissions() {
		seen[s.Prompt]++
		j := byPrompt[s.Prompt]
		switch {
		case j.State == jobs.Done && j.ServerID == strconv.Itoa(s.ID):
		case j.State == jobs.Interrupted && j.Failure != nil && j.Failure.MayBeCharged:
		default:
			t.Errorf("the server made %q (id %d) but the library has it %s (server id %q)", s.Prompt, s.ID, j.State, j.ServerID)
		}
	}
	for p, n := range seen {
		if n > 1 {
			t.Errorf("%q was submitted %d times", p, n)
		}
	}
	t.Logf("%d kills (%d runs ended before their kill); %d submissions; states %v", kills, finishedEarly, len(srv.Submissions()), states)
	if states[jobs.Interrupted] == 0 {
		t.Log("no kill landed inside a submission this time")
	}
	if states[jobs.Done] < 3 {
		t.Errorf("only %d of %d jobs were done: too few to check that videos come out whole", states[jobs.Done], total)
	}
}
