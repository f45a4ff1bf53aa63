package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vivify/client"
)

// A server that drips a byte at a time is given up after the stall limit,
// and the next link is tried: before, each attempt ran for 15 minutes.
func TestDownloadDripIsGivenUp(t *testing.T) {
	gifData := pngBytes(t, testImage(40, 30)) // any bytes that are not a page
	drip := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(200)
		for i := 0; i < 100000; i++ {
			if _, err := w.Write([]byte{'G'}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}))
	t.Cleanup(drip.Close)
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(gifData) }))
	t.Cleanup(good.Close)
	c, _ := client.New(testKey, client.WithBaseURL(drip.URL))
	dest := filepath.Join(t.TempDir(), "v.gif")
	start := time.Now()
	link, err := c.Download(context.Background(), []string{drip.URL + "/a.gif", good.URL + "/b.gif"}, dest,
		client.DownloadOptions{StallTimeout: 300 * time.Millisecond, LinkWindow: 5 * time.Second})
	if err != nil || link != good.URL+"/b.gif" {
		t.Fatalf("%q %v", link, err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
	// Only the drip: the error says it stalled, and no partial file is left.
	os.Remove(dest)
	_, err = c.Download(context.Background(), []string{drip.URL + "/a.gif"}, dest,
		client.DownloadOptions{StallTimeout: 300 * time.Millisecond, LinkWindow: 10 * time.Millisecond})
	if !errors.Is(err, client.ErrTransient) || !strings.Contains(err.Error(), "almost nothing") {
		t.Fatalf("got %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), "*"))
	if len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// An answer with 70,000 links costs a handful of attempts, and the link
// window (and the caller's deadline) bound the whole call.
func TestDownloadManyLinksBounded(t *testing.T) {
	var hits atomic.Int32
	missing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(missing.Close)
	links := make([]string, 70000)
	for i := range links {
		links[i] = fmt.Sprintf("%s/%d.gif", missing.URL, i)
	}
	c, _ := client.New(testKey, client.WithBaseURL(missing.URL), client.WithClock(shortSleeps{}))
	start := time.Now()
	_, err := c.Download(context.Background(), links, filepath.Join(t.TempDir(), "v.gif"),
		client.DownloadOptions{LinkWindow: 300 * time.Millisecond})
	if !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
	if n := hits.Load(); n > 200 {
		t.Fatalf("%d requests for one download", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = c.Download(ctx, links[:3], filepath.Join(t.TempDir(), "v.gif"), client.DownloadOptions{LinkWindow: time.Hour})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
		t.Fatalf("the caller's deadline did not bound the call: %v after %v", err, time.Since(start))
	}
}

// For a service on the internet, a result link into this computer or its
// local network is not downloaded: it could read a local service's data
// into the library as "the video".
func TestDownloadRefusesLocalLinksFromARemoteService(t *testing.T) {
	var hits atomic.Int32
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("GIF89a secret"))
	}))
	t.Cleanup(local.Close)
	remote, _ := client.New(testKey, client.WithBaseURL("https://api.vivify-test.example"))
	for _, link := range []string{local.URL + "/v.gif", "http://localhost:1/v.gif", "http://192.168.1.1/v.gif",
		"http://10.0.0.5/v.gif", "http://169.254.169.254/latest/meta-data", "http://[::1]:1/v.gif", "http://0.0.0.0:1/v.gif"} {
		_, err := remote.Download(context.Background(), []string{link}, filepath.Join(t.TempDir(), "v.gif"),
			client.DownloadOptions{LinkWindow: 10 * time.Millisecond})
		if !errors.Is(err, client.ErrNoOutput) || !strings.Contains(err.Error(), "local network") {
			t.Errorf("%s: %v", link, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatal("the local server was reached")
	}
	// The sandbox on this computer serves its own links from here.
	localSvc, _ := client.New(testKey, client.WithBaseURL(local.URL))
	if _, err := localSvc.Download(context.Background(), []string{local.URL + "/v.gif"}, filepath.Join(t.TempDir(), "v.gif"),
		client.DownloadOptions{}); err != nil {
		t.Fatalf("a local service's own link: %v", err)
	}
}
