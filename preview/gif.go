// Package preview shows results: it decodes animated GIFs into ready-to-draw
// frames with the full compositing rules, makes thumbnails, reads MP4
// frames through ffmpeg when it is installed, exports frames, and provides
// the Player widget that plays them in the window.
package preview

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"io"
	"io/fs"
	"math"
	"runtime"
	"sync"
	"time"

	"golang.org/x/image/draw"

	"vivify/internal/picture"
)

// Limits bound what DecodeGIF agrees to decode, so a hostile or broken file
// is refused before its memory is allocated.
type Limits struct {
	MaxBytes        int64 // the file's size
	MaxSide         int   // the canvas's width and height
	MaxCanvasPixels int   // the canvas's area, and each frame's own
	MaxFrames       int
	// MaxTotalPixels bounds the work of decoding: frames × canvas area,
	// and also the sum of the frames' own areas (a frame may claim to be
	// far larger than the canvas it is drawn on).
	MaxTotalPixels int64
	// MaxKeptBytes bounds the frames kept to play: when they would take
	// more at the size asked for, they are kept smaller.
	MaxKeptBytes int64
}

// DefaultLimits are generous for any real video result (a 1280 × 720,
// 81-frame clip is 75 megapixels in all; 1080p is 2 megapixels a frame)
// and refuse absurd files. With them a decode holds at most: the file
// (128 MB), a few frames decoded ahead of drawing (2 × 8 MB each), three
// canvases (32 MB each) and the kept frames (384 MB).
var DefaultLimits = Limits{
	MaxBytes:        128 << 20,
	MaxSide:         4096,
	MaxCanvasPixels: 8 << 20,
	MaxFrames:       5000,
	MaxTotalPixels:  1 << 30,
	MaxKeptBytes:    384 << 20,
}

// Errors of decoding, matched with errors.Is.
var (
	ErrNotGIF     = errors.New("this file is not a GIF animation")
	ErrTooLarge   = errors.New("this animation is too large to play safely")
	ErrDamaged    = errors.New("this animation is damaged")
	ErrIncomplete = errors.New("this animation is incomplete: it plays the frames that arrived")
)

// MinDelay is the shortest frame time a GIF may ask for; shorter ones (0 or
// 1 hundredths of a second) play at DefaultDelay, as browsers do.
const (
	MinDelay     = 20 * time.Millisecond
	DefaultDelay = 100 * time.Millisecond
)

// Frame is one picture of an animation, composed and ready to draw.
type Frame struct {
	Image *image.RGBA
	Delay time.Duration
}

// Animation is a decoded video: its frames at the size they are shown at.
type Animation struct {
	Frames []Frame
	// Width and Height are the source's size; the frames may be smaller.
	Width, Height int
	// Incomplete is set when the file ended early: Frames are those that
	// arrived whole.
	Incomplete bool
	Duration   time.Duration
	starts     []time.Duration // when each frame starts
}

// Bytes is the memory the frames hold.
func (a *Animation) Bytes() int {
	n := 0
	for _, f := range a.Frames {
		n += len(f.Image.Pix)
	}
	return n
}

// FrameAt returns the index of the frame shown at time t (wrapped into the
// animation's duration).
func (a *Animation) FrameAt(t time.Duration) int {
	if a.Duration <= 0 || len(a.Frames) == 0 {
		return 0
	}
	t %= a.Duration
	if t < 0 {
		t += a.Duration
	}
	lo, hi := 0, len(a.starts)-1
	for lo < hi { // the last frame starting at or before t
		mid := (lo + hi + 1) / 2
		if a.starts[mid] <= t {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// Start is when frame i starts.
func (a *Animation) Start(i int) time.Duration { return a.starts[i] }

// Indexed makes an Animation built by hand (Frames and their delays set)
// ready to play, and returns it.
func Indexed(a *Animation) *Animation {
	a.index()
	return a
}

func (a *Animation) index() {
	a.starts = make([]time.Duration, len(a.Frames))
	a.Duration = 0
	for i, f := range a.Frames {
		a.starts[i] = a.Duration
		a.Duration += f.Delay
	}
}

// DecodeGIF decodes an animated GIF with DefaultLimits, composing every
// frame (offsets, transparency, disposal to background and to previous,
// local palettes, interlacing) and keeping it scaled to fit maxW × maxH
// (0 for the source's size; frames are never enlarged). A truncated file
// gives the frames that arrived, with Incomplete set and ErrIncomplete.
func DecodeGIF(r io.Reader, maxW, maxH int) (*Animation, error) {
	return DecodeGIFLimits(r, maxW, maxH, DefaultLimits)
}

// DecodeGIFLimits is DecodeGIF with other limits.
func DecodeGIFLimits(r io.Reader, maxW, maxH int, lim Limits) (*Animation, error) {
	data, err := readAll(r, lim.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: the file is over %d MB", ErrTooLarge, lim.MaxBytes>>20)
	}
	g, err := scanGIF(data, lim)
	if err != nil {
		return nil, err
	}
	maxW, maxH = keptSize(g.w, g.h, len(g.frames), maxW, maxH, lim.MaxKeptBytes)
	decodeFrames(g)
	a := compose(g, maxW, maxH)
	if g.truncated {
		a.Incomplete = true
		return a, ErrIncomplete
	}
	return a, nil
}

// readAll reads at most max+1 bytes of r. A file is read into a buffer of
// its size, rather than one grown by doubling, which would hold up to twice
// the file while it grows.
func readAll(r io.Reader, max int64) ([]byte, error) {
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if info, err := st.Stat(); err == nil && info.Mode().IsRegular() && info.Size() <= max {
			buf := make([]byte, info.Size())
			n, err := io.ReadFull(r, buf)
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				err = nil // it shrank meanwhile: what is there is decoded
			}
			return buf[:n], err
		}
	}
	return io.ReadAll(io.LimitReader(r, max+1))
}

// keptSize is the box the frames are kept in: maxW × maxH, made smaller
// when n frames at that size would take more than maxKept bytes.
func keptSize(w, h, n, maxW, maxH int, maxKept int64) (int, int) {
	dw, dh := picture.FitSize(w, h, maxW, maxH)
	if maxKept <= 0 || int64(n)*int64(dw)*int64(dh)*4 <= maxKept {
		return maxW, maxH
	}
	s := math.Sqrt(float64(maxKept) / (float64(n) * float64(dw) * float64(dh) * 4))
	return max(1, int(float64(dw)*s)), max(1, int(float64(dh)*s))
}

// gifFile is what scanGIF finds: the canvas and each whole frame.
type gifFile struct {
	w, h      int
	global    []byte // the global colour table, RGB triples
	frames    []*gifFrame
	truncated bool
	// ahead holds a token for each frame decoded and not yet drawn, so
	// decoding runs only a few frames ahead of drawing.
	ahead chan struct{}
}

type gifFrame struct {
	rect        image.Rectangle
	colors      []byte // the frame's colour table (local, else global)
	transparent int    // the transparent index, or -1
	disposal    byte
	delay       int // hundredths of a second
	interlaced  bool
	litWidth    int
	blocks      []byte // the LZW data as sub-blocks, in the file
	data        []byte // the LZW data, sub-blocks joined
	pix         []byte // decoded indexes, rect.Dx() × rect.Dy()
	rows        []bool // for an interlaced frame cut short: which rows arrived
	n           int    // decoded pixels (in stream order)
	ready       chan struct{}
}

// scanGIF walks the file's blocks. It checks the limits against the
// canvas, the frame count and the frames' sizes before any pixel memory is
// allocated, and keeps the frames that arrived whole.
func scanGIF(d []byte, lim Limits) (*gifFile, error) {
	if len(d) < 13 || (string(d[:6]) != "GIF87a" && string(d[:6]) != "GIF89a") {
		return nil, ErrNotGIF
	}
	g := &gifFile{w: int(binary.LittleEndian.Uint16(d[6:])), h: int(binary.LittleEndian.Uint16(d[8:]))}
	if g.w == 0 || g.h == 0 {
		return nil, fmt.Errorf("%w: it has no pixels", ErrDamaged)
	}
	if g.w > lim.MaxSide || g.h > lim.MaxSide || g.w*g.h > lim.MaxCanvasPixels {
		return nil, fmt.Errorf("%w: it is %d×%d pixels", ErrTooLarge, g.w, g.h)
	}
	p := 13
	if d[10]&0x80 != 0 {
		n := 3 << ((d[10] & 7) + 1)
		if p+n > len(d) {
			return nil, fmt.Errorf("%w: not one whole frame arrived", ErrDamaged)
		}
		g.global = d[p : p+n]
		p += n
	}
	// The graphic control of the next frame.
	transparent, disposal, delay := -1, byte(0), 0
	var framePixels int64
	for p < len(d) {
		switch d[p] {
		case 0x21: // extension: label, then sub-blocks
			if p+1 < len(d) && d[p+1] == 0xF9 && p+8 <= len(d) && d[p+2] == 4 {
				flags := d[p+3]
				disposal = (flags >> 2) & 7
				delay = int(binary.LittleEndian.Uint16(d[p+4:]))
				transparent = -1
				if flags&1 != 0 {
					transparent = int(d[p+6])
				}
			}
			np, ok := skipSubBlocks(d, p+2)
			if !ok {
				g.truncated = true
				return g, g.check()
			}
			p = np
		case 0x2C: // image
			if p+10 > len(d) {
				g.truncated = true
				return g, g.check()
			}
			x, y := int(binary.LittleEndian.Uint16(d[p+1:])), int(binary.LittleEndian.Uint16(d[p+3:]))
			fw, fh := int(binary.LittleEndian.Uint16(d[p+5:])), int(binary.LittleEndian.Uint16(d[p+7:]))
			flags := d[p+9]
			p += 10
			f := &gifFrame{rect: image.Rect(x, y, x+fw, y+fh), colors: g.global, transparent: transparent,
				disposal: disposal, delay: delay, interlaced: flags&0x40 != 0}
			if flags&0x80 != 0 {
				n := 3 << ((flags & 7) + 1)
				if p+n > len(d) {
					g.truncated = true
					return g, g.check()
				}
				f.colors = d[p : p+n]
				p += n
			}
			if p >= len(d) {
				g.truncated = true
				return g, g.check()
			}
			f.litWidth = int(d[p])
			p++
			end, ok := skipSubBlocks(d, p)
			if !ok {
				g.truncated = true
				return g, g.check()
			}
			if len(g.frames)+1 > lim.MaxFrames {
				return nil, fmt.Errorf("%w: it has more than %d frames", ErrTooLarge, lim.MaxFrames)
			}
			if int64(len(g.frames)+1)*int64(g.w*g.h) > lim.MaxTotalPixels {
				return nil, fmt.Errorf("%w: its %d frames of %d×%d would take too much memory", ErrTooLarge, len(g.frames)+1, g.w, g.h)
			}
			if fw*fh > lim.MaxCanvasPixels {
				return nil, fmt.Errorf("%w: a frame is %d×%d pixels", ErrTooLarge, fw, fh)
			}
			framePixels += int64(fw) * int64(fh)
			if framePixels > lim.MaxTotalPixels {
				return nil, fmt.Errorf("%w: its frames are larger than its picture, %d megapixels in all", ErrTooLarge, framePixels/1_000_000)
			}
			f.blocks = d[p:end]
			p = end
			g.frames = append(g.frames, f)
			transparent, disposal, delay = -1, 0, 0
		case 0x3B: // trailer
			return g, g.check()
		default: // garbage after the frames: keep what came before it
			g.truncated = true
			return g, g.check()
		}
	}
	g.truncated = true // no trailer
	return g, g.check()
}

func (g *gifFile) check() error {
	if len(g.frames) == 0 {
		if g.truncated {
			return fmt.Errorf("%w: not one whole frame arrived", ErrDamaged)
		}
		return fmt.Errorf("%w: it has no frames", ErrDamaged)
	}
	return nil
}

// skipSubBlocks returns the offset after a run of data sub-blocks starting
// at p, or false when the data ends first.
func skipSubBlocks(d []byte, p int) (int, bool) {
	for {
		if p >= len(d) {
			return p, false
		}
		n := int(d[p])
		p++
		if n == 0 {
			return p, true
		}
		p += n
	}
}

func joinSubBlocks(d []byte) []byte {
	out := make([]byte, 0, len(d))
	for len(d) > 0 && d[0] != 0 {
		n := int(d[0])
		out = append(out, d[1:1+n]...)
		d = d[1+n:]
	}
	return out
}

// decodeFrames starts decompressing every frame, several at once, in
// order; each frame's ready channel closes when it is done, so composing
// can follow right behind.
func decodeFrames(g *gifFile) {
	workers := min(runtime.GOMAXPROCS(0), len(g.frames))
	g.ahead = make(chan struct{}, 2*workers)
	work := make(chan *gifFrame)
	for _, f := range g.frames {
		f.ready = make(chan struct{})
	}
	go func() {
		for _, f := range g.frames {
			g.ahead <- struct{}{} // given back once the frame is drawn
			work <- f
		}
		close(work)
	}()
	for range workers {
		go func() {
			for f := range work {
				f.decode()
				close(f.ready)
			}
		}()
	}
}

// pixBuffers holds frames' index buffers between decodes: a frame's is
// given back as soon as it is drawn.
var pixBuffers sync.Pool

func getPix(n int) []byte {
	if b, ok := pixBuffers.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n] // lzwDecode writes every byte it reports; the rest is not read
	}
	return make([]byte, n)
}

func putPix(b []byte) {
	if b != nil {
		pixBuffers.Put(&b)
	}
}

func (f *gifFrame) decode() {
	w, h := f.rect.Dx(), f.rect.Dy()
	f.pix = getPix(w * h)
	f.data = joinSubBlocks(f.blocks)
	f.n = lzwDecode(f.data, f.litWidth, f.pix)
	f.data, f.blocks = nil, nil
	if !f.interlaced || w == 0 {
		return
	}
	// Rows arrive in four passes; put them in order.
	order := make([]int, 0, h)
	for _, pass := range [][2]int{{0, 8}, {4, 8}, {2, 4}, {1, 2}} {
		for y := pass[0]; y < h; y += pass[1] {
			order = append(order, y)
		}
	}
	out := getPix(w * h)
	f.rows = make([]bool, h)
	for i, y := range order {
		if (i+1)*w > f.n {
			break
		}
		copy(out[y*w:(y+1)*w], f.pix[i*w:(i+1)*w])
		f.rows[y] = true
	}
	putPix(f.pix)
	f.pix = out
}

// compose draws the frames in turn on a canvas, as a browser shows them,
// and keeps a copy of the canvas after each, scaled to fit maxW × maxH.
//
// At the source's size a frame's image is itself the canvas the next frame
// starts from (it is never changed again: a disposal works on a copy), and a
// frame that covers the whole canvas with no transparent pixel is drawn
// without copying what was under it.
func compose(g *gifFile, maxW, maxH int) *Animation {
	w, h := g.w, g.h
	full := image.Rect(0, 0, w, h)
	dw, dh := picture.FitSize(w, h, maxW, maxH)
	scaled := dw != w || dh != h
	a := &Animation{Width: w, Height: h, Frames: make([]Frame, 0, len(g.frames))}

	base := image.NewRGBA(full) // transparent, as browsers start
	var restore *image.RGBA     // the canvas to go back to after a frame disposing to previous
	var rgba [256]uint32        // the palette as little-endian RGBA; 0 is transparent
	var spare []*image.RGBA     // canvases no longer referenced, when frames are kept scaled
	take := func() *image.RGBA {
		if n := len(spare); n > 0 {
			c := spare[n-1]
			spare = spare[:n-1]
			return c
		}
		return image.NewRGBA(full)
	}
	for i, f := range g.frames {
		<-f.ready
		if i > 0 {
			pf := g.frames[i-1]
			switch pf.disposal {
			case gif.DisposalBackground:
				base = clonePooled(base, take())
				clearRect(base, pf.rect.Intersect(full))
			case gif.DisposalPrevious:
				if restore != nil {
					base = restore
				}
			}
		}
		if f.disposal == gif.DisposalPrevious {
			restore = base
		}

		ncolors := len(f.colors) / 3
		for k := range ncolors {
			rgba[k] = uint32(f.colors[3*k]) | uint32(f.colors[3*k+1])<<8 | uint32(f.colors[3*k+2])<<16 | 0xff<<24
		}
		clear(rgba[ncolors:]) // indexes past the palette draw nothing
		if f.transparent >= 0 && f.transparent < ncolors {
			rgba[f.transparent] = 0
		}

		canvas := take()
		if !coversOpaque(f, full, &rgba) {
			copy(canvas.Pix, base.Pix) // a recycled canvas is overwritten whole too
		}
		drawFrame(canvas, f, &rgba)
		putPix(f.pix)
		f.pix = nil
		<-g.ahead

		delay := DefaultDelay
		if f.delay > 1 {
			delay = max(time.Duration(f.delay)*10*time.Millisecond, MinDelay)
		}
		out := canvas
		if scaled {
			out = image.NewRGBA(image.Rect(0, 0, dw, dh))
			draw.ApproxBiLinear.Scale(out, out.Rect, canvas, canvas.Rect, draw.Src, nil)
		}
		a.Frames = append(a.Frames, Frame{Image: out, Delay: delay})
		if scaled && base != restore {
			// At a smaller size, the canvas is only the next frame's
			// starting point: recycle it rather than leave the collector
			// a canvas of garbage a frame.
			spare = append(spare, base)
		}
		base = canvas
	}
	a.index()
	return a
}

// coversOpaque reports whether frame f paints every pixel of the canvas:
// it covers it, arrived whole, and has no pixel that draws nothing.
func coversOpaque(f *gifFrame, full image.Rectangle, rgba *[256]uint32) bool {
	if f.rect != full || f.n < len(f.pix) || f.rows != nil {
		return false
	}
	for k := range rgba {
		if rgba[k] == 0 && bytes.IndexByte(f.pix, byte(k)) >= 0 {
			return false
		}
	}
	return true
}

// drawFrame paints frame f's pixels onto canvas; transparent ones, and those
// that never arrived, leave the canvas as it was.
func drawFrame(canvas *image.RGBA, f *gifFrame, rgba *[256]uint32) {
	fr := f.rect.Intersect(canvas.Rect)
	fw := f.rect.Dx()
	for y := fr.Min.Y; y < fr.Max.Y; y++ {
		ry := y - f.rect.Min.Y
		if f.rows != nil && !f.rows[ry] {
			continue // an interlaced row that never arrived
		}
		rowStart := ry*fw + (fr.Min.X - f.rect.Min.X)
		rowEnd := rowStart + fr.Dx()
		if f.rows == nil && rowEnd > f.n {
			rowEnd = f.n // the frame's data ended here
		}
		if rowStart >= rowEnd {
			continue
		}
		src := f.pix[rowStart:rowEnd]
		dst := canvas.Pix[canvas.PixOffset(fr.Min.X, y):]
		dst = dst[:len(src)*4]
		for x, idx := range src {
			if c := rgba[idx]; c != 0 {
				binary.LittleEndian.PutUint32(dst[x*4:x*4+4], c)
			}
		}
	}
}

// clonePooled copies m into c, a canvas of the same size.
func clonePooled(m, c *image.RGBA) *image.RGBA {
	copy(c.Pix, m.Pix)
	return c
}

func clearRect(m *image.RGBA, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		clear(m.Pix[m.PixOffset(r.Min.X, y):m.PixOffset(r.Max.X, y)])
	}
}
