package gui

import (
	"container/list"
	"context"
	"image"
	"sync"
	"time"

	"vivify/internal/picture"
)

// thumbCache decodes gallery thumbnails off the UI goroutine and keeps the
// most recent ones, so scrolling back is instant and a library of thousands
// never holds thousands of pictures.
type thumbCache struct {
	runOnUI func(func())
	max     int

	mu      sync.Mutex
	images  map[string]*list.Element // path -> entry in order
	order   *list.List               // most recent first
	pending map[string][]func(image.Image)
	work    chan thumbWork
	held    chan struct{} // decoding waits until this is closed (resume)
	release sync.Once
}

type thumbWork struct {
	path string
	box  image.Point // scaled to fit this many pixels
}

type thumbEntry struct {
	path string
	img  image.Image
}

// newThumbCache starts a cache; a held one decodes nothing until resume.
func newThumbCache(runOnUI func(func()), max int, held bool) *thumbCache {
	c := &thumbCache{runOnUI: runOnUI, max: max, images: map[string]*list.Element{}, order: list.New(),
		pending: map[string][]func(image.Image){}, work: make(chan thumbWork, 256), held: make(chan struct{})}
	if !held {
		c.resume()
	}
	for range 2 {
		go c.loop()
	}
	return c
}

// get calls done on the UI goroutine with the thumbnail at path, scaled to
// fit box pixels: at once when it is cached, else once it is decoded (nil if
// it cannot be).
func (c *thumbCache) get(path string, box image.Point, done func(image.Image)) {
	c.mu.Lock()
	if e, ok := c.images[path]; ok {
		c.order.MoveToFront(e)
		img := e.Value.(*thumbEntry).img
		c.mu.Unlock()
		done(img)
		return
	}
	waiting := c.pending[path]
	c.pending[path] = append(waiting, done)
	c.mu.Unlock()
	if len(waiting) == 0 {
		select {
		case c.work <- thumbWork{path, box}:
		default: // a burst beyond the queue: decode on a goroutine of its own
			go c.load(thumbWork{path, box})
		}
	}
}

// resume lets a held cache decode: the window asks for the first thumbnails
// while it is being built, and decoding them then would take CPU from
// showing it, so the gallery holds them until the window is up.
func (c *thumbCache) resume() { c.release.Do(func() { close(c.held) }) }

func (c *thumbCache) loop() {
	<-c.held
	for w := range c.work {
		c.load(w)
	}
}

func (c *thumbCache) load(w thumbWork) {
	path := w.path
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	// A job's thumbnail or picture is a file of its own: one that is a
	// link (a copied-in folder's) may show any picture on the computer.
	var img image.Image
	f, _, err := picture.OpenOwnFile(path)
	if err == nil {
		f.Close()
		img, _, err = picture.DecodeFile(ctx, path, max(w.box.X, 0), max(w.box.Y, 0))
	}
	cancel()
	if err != nil {
		img = nil
	}
	c.mu.Lock()
	if img != nil {
		c.images[path] = c.order.PushFront(&thumbEntry{path, img})
		for c.order.Len() > c.max {
			old := c.order.Remove(c.order.Back()).(*thumbEntry)
			delete(c.images, old.path)
		}
	}
	waiting := c.pending[path]
	delete(c.pending, path)
	c.mu.Unlock()
	c.runOnUI(func() {
		for _, done := range waiting {
			done(img)
		}
	})
}
