package finish

import (
	"io"
	"os"
	"testing"
	"time"
)

// Two ffmpegs fed from one spill are fed side by side: a sender waiting
// for one's full pipe does not hold the spill's file from the other (the
// parts of Smoother took turns when it did).
func TestSendersShareASpill(t *testing.T) {
	sp, err := newSpillOf(t.TempDir(), 512, 512, "rgba") // 1 MB frames, more than a pipe holds
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	frame := make([]byte, 512*512*4)
	for range 2 {
		if err := sp.add(frame, time.Second/24); err != nil {
			t.Fatal(err)
		}
	}
	sp.end(nil)
	stuckR, stuckW, _ := os.Pipe() // nobody reads it
	defer stuckR.Close()
	defer stuckW.Close()
	go sendFrame(sp, 0, stuckW)
	time.Sleep(100 * time.Millisecond) // the first sender waits on its pipe
	r, w, _ := os.Pipe()
	defer r.Close()
	got := make(chan int64, 1)
	go func() { n, _ := io.Copy(io.Discard, r); got <- n }()
	sent := make(chan error, 1)
	go func() {
		ok, err := sendFrame(sp, 1, w)
		if !ok && err == nil {
			t.Error("splice is not used here")
		}
		w.Close()
		sent <- err
	}()
	select {
	case err := <-sent:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second sender waited for the first's pipe")
	}
	if n := <-got; n != int64(len(frame)) {
		t.Fatalf("%d bytes sent, want %d", n, len(frame))
	}
}
