package instance

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestHandReachesTheRunningCopy(t *testing.T) {
	dir := t.TempDir()
	got := make(chan string, 4)
	stop, err := Serve(dir, func(p string) bool { got <- p; return true })
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(filepath.Join(dir, File)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("the address file: %v %v", fi, err)
		}
	}
	for _, picture := range []string{"/home/ana/Pictures/my beach.png", ""} {
		if err := Hand(dir, picture, time.Second); err != nil {
			t.Fatal(err)
		}
		if p := <-got; p != picture {
			t.Fatalf("handed %q, got %q", picture, p)
		}
	}
	stop()
	if _, err := os.Stat(filepath.Join(dir, File)); !os.IsNotExist(err) {
		t.Fatalf("the address file is left after stop: %v", err)
	}
	if err := Hand(dir, "x.png", 300*time.Millisecond); err == nil {
		t.Fatal("handed to a copy that has stopped")
	}
}

// A program that does not know the token hands nothing in.
func TestWrongTokenIsRefused(t *testing.T) {
	dir := t.TempDir()
	got := make(chan string, 1)
	stop, err := Serve(dir, func(p string) bool { got <- p; return true })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	data, _ := os.ReadFile(filepath.Join(dir, File))
	var addr address
	json.Unmarshal(data, &addr)
	for _, line := range []string{`{"token":"0123","picture":"/etc/passwd"}`, `not json`, ``} {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", addr.Port))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(c, line)
		reply := make([]byte, 8)
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _ := c.Read(reply)
		c.Close()
		if n != 0 {
			t.Errorf("%q: answered %q", line, reply[:n])
		}
	}
	select {
	case p := <-got:
		t.Fatalf("handed in %q", p)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestHandWithNoCopyRunning(t *testing.T) {
	dir := t.TempDir()
	if err := Hand(dir, "x.png", 500*time.Millisecond); err == nil {
		t.Fatal("handed with nothing running")
	}
	os.WriteFile(filepath.Join(dir, File), []byte("{damaged"), 0o600)
	if err := Hand(dir, "x.png", 0); err == nil {
		t.Fatal("handed through a damaged file")
	}
}

// A copy whose window does not come forward (a process stuck closing) does
// not answer "ok", so the later start does not give its picture away and
// end.
func TestHandFailsWhenTheWindowDoesNotComeForward(t *testing.T) {
	dir := t.TempDir()
	stop, err := Serve(dir, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := Hand(dir, "x.png", 300*time.Millisecond); err == nil {
		t.Fatal("handed to a copy that did not come forward")
	}
}

// flakyListener fails its first Accepts as a process out of file handles
// does.
type flakyListener struct {
	net.Listener
	fails atomic.Int32
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// One "too many open files" does not end the listening for good.
func TestAcceptErrorsAreSurvived(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := &flakyListener{Listener: l}
	fl.fails.Store(3)
	got := make(chan string, 1)
	stop, err := serveOn(fl, dir, func(p string) bool { got <- p; return true })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := Hand(dir, "after.png", 5*time.Second); err != nil {
		t.Fatalf("after accept errors: %v", err)
	}
	if p := <-got; p != "after.png" {
		t.Fatalf("got %q", p)
	}
}

// A hand-off file that is a pipe, a link or nonsense: a second start is
// told at once that no copy took its picture (a pipe held it for ever).
func TestHandOffFileHeldToItsGate(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"nonsense": func(p string) error { return os.WriteFile(p, []byte(`{"port":70000,"token":"../x"}`), 0o600) },
		"link":     func(p string) error { return os.Symlink("/etc/hostname", p) },
		"pipe":     mkfifo,
	} {
		dir := t.TempDir()
		if err := create(filepath.Join(dir, File)); err != nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		done := make(chan error, 1)
		go func() { done <- Hand(dir, "", 0) }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s: handed over", name)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the hand-off blocks", name)
		}
	}
}
