package client_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
)

// A link is checked as the service will fetch it: a picture says its size,
// and every other answer says what is wrong in a way the window can put
// into words.
func TestCheckPictureLink(t *testing.T) {
	var pic bytes.Buffer
	jpeg.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 720, 1280)), nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/portrait.jpg", func(w http.ResponseWriter, r *http.Request) { w.Write(pic.Bytes()) })
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!DOCTYPE html><html><body>a gallery page</body></html>"))
	})
	mux.HandleFunc("/private.png", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) })
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/portrait.jpg", http.StatusFound) })
	hs := httptest.NewServer(mux)
	defer hs.Close()
	gone := httptest.NewServer(mux)
	gone.Close()

	local, _ := client.New("k", client.WithBaseURL("http://127.0.0.1:9")) // practice: a service on this computer
	for _, c := range []*client.Client{local, nil} {
		info, err := c.CheckPictureLink(context.Background(), hs.URL+"/hop")
		if err != nil || info.Width != 720 || info.Height != 1280 || info.Format != "jpeg" {
			t.Fatalf("a picture (client %v): %+v, %v", c != nil, info, err)
		}
	}
	for _, tc := range []struct {
		link string
		kind error
	}{
		{hs.URL + "/page", client.ErrLinkNotPicture},
		{hs.URL + "/nothing.png", client.ErrLinkStatus},
		{hs.URL + "/private.png", client.ErrLinkStatus},
		{gone.URL + "/portrait.jpg", client.ErrLinkUnreachable},
		{"ftp://example.com/a.png", client.ErrLinkInvalid},
	} {
		_, err := local.CheckPictureLink(context.Background(), tc.link)
		var le *client.LinkError
		if !errors.Is(err, tc.kind) || !errors.As(err, &le) || le.Link != tc.link {
			t.Errorf("%s: %v, want %v", tc.link, err, tc.kind)
		}
	}
	// The real service cannot fetch from this computer's network.
	remote, _ := client.New("k")
	if _, err := remote.CheckPictureLink(context.Background(), hs.URL+"/portrait.jpg"); !errors.Is(err, client.ErrLinkLocal) {
		t.Fatalf("a loopback link for the real service: %v", err)
	}
}

// sleepLog is the wall clock that records each sleep and cuts it short.
type sleepLog struct{ slept []time.Duration }

func (l *sleepLog) Now() time.Time { return time.Now() }
func (l *sleepLog) Sleep(ctx context.Context, d time.Duration) error {
	l.slept = append(l.slept, d)
	return client.RealClock{}.Sleep(ctx, min(d, 10*time.Millisecond))
}

// A job followed again long after it was sent (Vivify was closed
// meanwhile) is looked at at once, not one long interval later.
func TestAwaitLooksAtOnceAfterARestart(t *testing.T) {
	srv, _ := pair(t)
	clock := &sleepLog{}
	c, _ := client.New(testKey, client.WithBaseURL(srv.URL), client.WithClock(clock))
	resp, err := c.Submit(context.Background(), smallRequest(imageServer(t)))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // made by now
	if _, err := c.Await(context.Background(), resp.ID, client.AwaitOptions{Submitted: time.Now().Add(-10 * time.Minute), ETA: time.Second}); err != nil {
		t.Fatal(err)
	}
	if len(clock.slept) == 0 || clock.slept[0] > client.MinPollInterval {
		t.Fatalf("the first look after a restart waited %v", clock.slept)
	}
}

// The practice key is scrubbed from messages like any key, so it is one no
// message holds: the sandbox's own words come through whole.
func TestPracticeKeyLeavesMessagesWhole(t *testing.T) {
	srv, _ := pair(t, sandbox.WithFFmpeg(""))
	c, _ := client.New(sandbox.PracticeKey, client.WithBaseURL(srv.URL))
	r := smallRequest(imageServer(t))
	r.OutputType = client.OutputMP4
	_, err := c.Submit(context.Background(), r)
	if err == nil || !strings.Contains(err.Error(), "practice sandbox cannot make MP4") {
		t.Fatalf("%v", err)
	}
}

// A name that is not an address but resolves to this computer (here, the
// machine's own name) is refused for the real service when it is dialled,
// and so is a redirect to it: a literal check alone let both through.
func TestLinkCheckRefusesNamesThatLeadHome(t *testing.T) {
	name, err := os.Hostname()
	if err != nil {
		t.Skip(err)
	}
	ips, err := net.LookupIP(name)
	if err != nil || len(ips) == 0 || !(ips[0].IsLoopback() || ips[0].IsPrivate()) {
		t.Skipf("%s does not resolve to this computer here (%v %v)", name, ips, err)
	}
	var pic bytes.Buffer
	jpeg.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 64, 64)), nil)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(pic.Bytes()) }))
	defer hs.Close()
	_, port, _ := net.SplitHostPort(hs.Listener.Addr().String())
	link := "http://" + net.JoinHostPort(name, port) + "/a.jpg"
	remote, _ := client.New("k")
	if _, err := remote.CheckPictureLink(context.Background(), link); !errors.Is(err, client.ErrLinkLocal) {
		t.Fatalf("%s for the real service: %v", link, err)
	}
	local, _ := client.New("k", client.WithBaseURL("http://127.0.0.1:9"))
	if _, err := local.CheckPictureLink(context.Background(), link); err != nil {
		t.Fatalf("the same link in practice: %v", err)
	}
}
