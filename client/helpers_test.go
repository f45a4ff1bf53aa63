package client_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
)

// testKey is distinctive, so a test can prove it never leaks.
const testKey = "sk-VIVIFY-TEST-KEY-7d41c0ffee"

// pair starts a sandbox with fast jobs and a client talking to it. The
// client's sleeps are cut short (shortSleeps), so Await and Download retries
// run at test speed while the time they see stays real.
func pair(t testing.TB, opts ...sandbox.Option) (*sandbox.Server, *client.Client) {
	t.Helper()
	base := []sandbox.Option{
		sandbox.WithJobDuration(300 * time.Millisecond),
		sandbox.WithHoldFor(0),
		sandbox.WithSpamWindow(0),
	}
	srv := sandbox.NewServer(append(base, opts...)...)
	t.Cleanup(srv.Close)
	c, err := client.New(testKey, client.WithBaseURL(srv.URL), client.WithClock(shortSleeps{}))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// testImage is a w×h picture with four coloured quarters.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{200, 30, 30, 255} // top left: red
			switch {
			case x >= w/2 && y < h/2:
				c = color.NRGBA{30, 200, 30, 255} // top right: green
			case x < w/2 && y >= h/2:
				c = color.NRGBA{30, 30, 200, 255} // bottom left: blue
			case x >= w/2 && y >= h/2:
				c = color.NRGBA{230, 230, 30, 255} // bottom right: yellow
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// imageServer serves a PNG at /photo.png over real HTTP, as a web host would.
func imageServer(t testing.TB) string {
	t.Helper()
	data := pngBytes(t, testImage(96, 64))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/photo.png" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(data)
	}))
	t.Cleanup(hs.Close)
	return hs.URL + "/photo.png"
}

// smallRequest is a quick job: a small GIF of a few frames.
func smallRequest(initImage string) client.Request {
	r := client.NewRequest(initImage)
	r.Width, r.Height, r.NumFrames, r.FPS = 96, 64, 4, 8
	r.InstantResponse = true
	return r
}

// shortSleeps is the wall clock with every sleep cut to 20 ms.
type shortSleeps struct{}

func (shortSleeps) Now() time.Time { return time.Now() }
func (shortSleeps) Sleep(ctx context.Context, d time.Duration) error {
	return client.RealClock{}.Sleep(ctx, min(d, 20*time.Millisecond))
}
