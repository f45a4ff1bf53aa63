package gui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestThumbCache(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 5 {
		var buf bytes.Buffer
		png.Encode(&buf, image.NewGray(image.Rect(0, 0, 10+i, 10)))
		p := filepath.Join(dir, string(rune('a'+i))+".png")
		os.WriteFile(p, buf.Bytes(), 0o644)
		paths = append(paths, p)
	}
	q := make(uiQueue, 64)
	c := newThumbCache(q.post, 3, false)
	got := map[string]image.Image{}
	for _, p := range paths {
		c.get(p, image.Point{}, func(img image.Image) { got[p] = img })
	}
	q.until(t, 5*time.Second, "five thumbnails", func() bool { return len(got) == 5 })
	for i, p := range paths {
		if got[p] == nil || got[p].Bounds().Dx() != 10+i {
			t.Fatalf("%s: %v", p, got[p])
		}
	}
	if n := c.order.Len(); n != 3 {
		t.Fatalf("%d kept, the bound is 3", n)
	}
	// A cached one comes at once, on the caller's (UI) goroutine.
	called := false
	c.get(paths[4], image.Point{}, func(image.Image) { called = true })
	if !called {
		t.Fatal("a cached thumbnail was not given at once")
	}
	var missing image.Image = image.NewGray(image.Rect(0, 0, 1, 1))
	done := false
	c.get(filepath.Join(dir, "nope.png"), image.Point{}, func(img image.Image) { missing, done = img, true })
	q.until(t, 5*time.Second, "the missing one", func() bool { return done })
	if missing != nil {
		t.Fatal("a missing file gave a picture")
	}
}

// Thumbnails come scaled to the box they are shown in, keeping their aspect,
// so the window never scales them while painting.
func TestThumbCacheScalesToBox(t *testing.T) {
	p := filepath.Join(t.TempDir(), "wide.png")
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 400, 200)))
	os.WriteFile(p, buf.Bytes(), 0o644)
	q := make(uiQueue, 8)
	c := newThumbCache(q.post, 3, false)
	var got image.Image
	c.get(p, image.Pt(150, 100), func(img image.Image) { got = img })
	q.until(t, 5*time.Second, "the thumbnail", func() bool { return got != nil })
	if s := got.Bounds().Size(); s != image.Pt(150, 75) {
		t.Fatalf("scaled to %v, want 150×75", s)
	}
}
