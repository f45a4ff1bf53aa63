package instance

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestHandReachesTheRunningCopy(t *testing.T) {
	dir := t.TempDir()
	got := make(chan string, 4)
	stop, err := Serve(dir, func(p string) { got <- p })
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
	stop, err := Serve(dir, func(p string) { got <- p })
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
