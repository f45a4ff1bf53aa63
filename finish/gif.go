package finish

import (
	"bytes"
	"compress/lzw"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"
	"runtime"
	"sort"
	"sync"
	"time"

	"golang.org/x/image/draw"

	"vivify/preview"
)

// EncodeGIF writes the frames as a looping GIF with one palette of up to
// colours colours (2 to 256), chosen from the frames by median cut, and
// Floyd-Steinberg dithering.
func EncodeGIF(ctx context.Context, frames []preview.Frame, colours int) ([]byte, error) {
	if len(frames) == 0 {
		return nil, ErrNoFrames
	}
	var buf bytes.Buffer
	err := encodeGIF(ctx, memClip(frames), colours, 1, nil, nil, &buf)
	return buf.Bytes(), err
}

// byteWriter is where a GIF is written: a buffer in memory, or a file's
// buffered writer.
type byteWriter interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
}

// encoding is what one GIF export keeps from one encodeGIF to the next:
// the scalers, each with its working memory (a frame of float64s), and
// the size the next GIF is expected to be.
type encoding struct {
	scalers map[[4]int]draw.Scaler
	expect  int
}

func (e *encoding) scaler(dw, dh, sw, sh int) draw.Scaler {
	key := [4]int{dw, dh, sw, sh}
	if e.scalers == nil {
		e.scalers = map[[4]int]draw.Scaler{}
	}
	if s, ok := e.scalers[key]; ok {
		return s
	}
	s := draw.CatmullRom.NewScaler(dw, dh, sw, sh)
	e.scalers[key] = s
	return s
}

// encodeGIF writes the reel's frames scaled by scale as a GIF to out,
// each frame read and scaled just before it is dithered. The frames are
// dithered on every core and written in order as they are ready, a few
// ahead at most: neither the frames read, the scaled nor the dithered
// ones are ever all held. progress, if set, is told the share written,
// from the calling goroutine.
func encodeGIF(ctx context.Context, c reel, colours int, scale float64, enc *encoding, progress func(float64), out byteWriter) error {
	n := c.Len()
	if n == 0 {
		return ErrNoFrames
	}
	pal, err := palette(c, min(max(colours, 2), 256))
	if err != nil {
		return err
	}
	near := newNearest(pal)
	b := c.Bounds()
	w, h := max(1, int(float64(b.Dx())*scale+0.5)), max(1, int(float64(b.Dy())*scale+0.5))
	// One scaler for all the frames: it keeps its working memory (a frame
	// of float64s) for the next, where a Scale call makes it anew each time.
	if enc == nil {
		enc = &encoding{}
	}
	scaler := enc.scaler(w, h, b.Dx(), b.Dy())
	workers := runtime.GOMAXPROCS(0)
	// Dithered frames go back to the workers once written.
	free := make(chan *image.Paletted, 3*workers+1)
	type done struct {
		p   *image.Paletted
		err error
	}
	ready := make([]chan done, n)
	for i := range ready {
		ready[i] = make(chan done, 1)
	}
	ahead := make(chan struct{}, 2*workers) // frames dithered but not yet written
	next := make(chan int)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scaled, buf *image.RGBA
			for i := range next {
				src, err := c.Frame(i, buf)
				if err != nil {
					ready[i] <- done{err: err}
					continue
				}
				buf = src
				if src.Rect.Dx() != w || src.Rect.Dy() != h {
					if scaled == nil {
						scaled = image.NewRGBA(image.Rect(0, 0, w, h))
					}
					if k := b.Dx() / w; k >= 2 && w*k == b.Dx() && h*k == b.Dy() && src.Rect.Dx() == b.Dx() && src.Rect.Dy() == b.Dy() {
						boxDown(scaled, src, k) // a half or a third: each pixel the mean of its k × k
					} else if src.Rect.Dx() == b.Dx() && src.Rect.Dy() == b.Dy() {
						scaler.Scale(scaled, scaled.Rect, src, src.Rect, draw.Src, nil)
					} else { // a frame of another size (never from a video)
						draw.CatmullRom.Scale(scaled, scaled.Rect, src, src.Rect, draw.Src, nil)
					}
					src = scaled
				}
				var p *image.Paletted
				select {
				case p = <-free:
				default:
					p = image.NewPaletted(image.Rect(0, 0, w, h), pal)
				}
				ready[i] <- done{p: dither(src, p, near)}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range n {
			select {
			case ahead <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case next <- i:
			case <-stop:
				return
			}
		}
	}()
	defer wg.Wait()
	defer close(stop)

	if bb, ok := out.(*bytes.Buffer); ok {
		if enc.expect > 0 {
			bb.Grow(enc.expect + enc.expect/8)
		} else {
			bb.Grow(min(w*h*n/3, 64<<20))
		}
	}
	gw := newGIFWriter(out, w, h, pal)
	delays := gifDelays(c)
	for i := range n {
		var d done
		select {
		case d = <-ready[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-ahead
		if d.err != nil {
			return d.err
		}
		if err := gw.frame(d.p, delays[i]); err != nil {
			return fmt.Errorf("the GIF could not be written: %w", err)
		}
		select {
		case free <- d.p:
		default:
		}
		if progress != nil {
			progress(float64(i+1) / float64(n))
		}
	}
	gw.end()
	return gw.err
}

// boxDown makes dst (src's size divided by k) of the means of src's k × k
// blocks: for a half or a third, as good as a cubic filter and many times
// quicker (a 1080p frame's cubic scaling took most of a chat GIF's time).
func boxDown(dst, src *image.RGBA, k int) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	n := uint32(k * k)
	sums := make([]uint32, 4*w)
	for y := range h {
		clear(sums)
		for dy := range k {
			row := src.Pix[(y*k+dy)*src.Stride:]
			for x := range w {
				p := row[4*x*k:]
				s := sums[4*x : 4*x+4]
				for dx := range k {
					q := p[4*dx:]
					s[0] += uint32(q[0])
					s[1] += uint32(q[1])
					s[2] += uint32(q[2])
					s[3] += uint32(q[3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride:]
		for i, v := range sums {
			out[i] = uint8((v + n/2) / n)
		}
	}
}

// gifWriter writes a looping GIF of one palette, a frame at a time.
type gifWriter struct {
	w     byteWriter
	bits  int // the palette's size is 1 << bits
	block [256]byte
	err   error // the first error writing
}

func newGIFWriter(w byteWriter, width, height int, pal color.Palette) *gifWriter {
	g := &gifWriter{w: w, bits: 1}
	for 1<<g.bits < len(pal) {
		g.bits++
	}
	w.WriteString("GIF89a")
	le16 := func(v int) { w.WriteByte(byte(v)); w.WriteByte(byte(v >> 8)) }
	le16(width)
	le16(height)
	// A global palette of 1 << bits colours, 8 bits a channel.
	w.WriteByte(0x80 | 7<<4 | byte(g.bits-1))
	w.WriteByte(0) // background colour
	w.WriteByte(0) // pixel aspect ratio
	for i := range 1 << g.bits {
		var r, gr, b uint32
		if i < len(pal) {
			r, gr, b, _ = pal[i].RGBA()
		}
		w.Write([]byte{byte(r >> 8), byte(gr >> 8), byte(b >> 8)})
	}
	// Loop for ever (the NETSCAPE2.0 extension).
	w.Write([]byte{0x21, 0xff, 0x0b})
	w.WriteString("NETSCAPE2.0")
	_, g.err = w.Write([]byte{0x03, 0x01, 0x00, 0x00, 0x00})
	return g
}

// frame writes a frame that shows for delay hundredths of a second.
func (g *gifWriter) frame(p *image.Paletted, delay int) error {
	w := g.w
	// Graphic control: left in place when the next comes, no transparency.
	w.Write([]byte{0x21, 0xf9, 0x04, gif.DisposalNone << 2, byte(delay), byte(delay >> 8), 0x00, 0x00})
	r := p.Rect
	w.Write([]byte{0x2c, 0, 0, 0, 0, byte(r.Dx()), byte(r.Dx() >> 8), byte(r.Dy()), byte(r.Dy() >> 8), 0x00})
	lit := max(2, g.bits)
	w.WriteByte(byte(lit))
	bw := &blockWriter{g: g}
	lz := lzw.NewWriter(bw, lzw.LSB, lit)
	for y := range r.Dy() {
		row := p.Pix[y*p.Stride : y*p.Stride+r.Dx()]
		if _, err := lz.Write(row); err != nil {
			return err
		}
	}
	if err := lz.Close(); err != nil {
		return err
	}
	bw.flush()
	if err := w.WriteByte(0x00); err != nil { // the end of the frame's data
		g.err = err
	}
	return g.err
}

// end writes the GIF's trailer.
func (g *gifWriter) end() { g.w.WriteByte(0x3b) }

// blockWriter cuts the compressed data into the GIF's blocks of at most
// 255 bytes, each after its length.
type blockWriter struct {
	g *gifWriter
	n int
}

func (b *blockWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		b.g.block[1+b.n] = c
		b.n++
		if b.n == 255 {
			b.flush()
		}
	}
	return len(p), nil
}

func (b *blockWriter) flush() {
	if b.n == 0 {
		return
	}
	b.g.block[0] = byte(b.n)
	if _, err := b.g.w.Write(b.g.block[:1+b.n]); err != nil && b.g.err == nil {
		b.g.err = err
	}
	b.n = 0
}

// gifDelays are the frames' times in a GIF's hundredths of a second,
// rounded so that the whole lasts as long as the frames (62.5 ms frames
// take 6 and 7 in turn), and each at least 2: players show shorter ones at
// a tenth of a second.
func gifDelays(c reel) []int {
	out := make([]int, c.Len())
	var at time.Duration // the frames' time so far
	shown := 0           // the GIF's so far, in hundredths
	for i := range out {
		at += c.Delay(i)
		d := max(2, int((at+5*time.Millisecond)/(10*time.Millisecond))-shown)
		out[i] = d
		shown += d
	}
	return out
}

// palette chooses n colours for the reel by median cut over a sample of
// its pixels.
func palette(c reel, n int) (color.Palette, error) {
	var px [][3]uint8
	step := max(1, c.Len()/12) // a dozen frames say what colours there are
	var buf *image.RGBA
	for i := 0; i < c.Len(); i += step {
		im, err := c.Frame(i, buf)
		if err != nil {
			return nil, err
		}
		buf = im
		stride := max(1, im.Rect.Dx()*im.Rect.Dy()/20000) // about 20,000 pixels a frame
		for j := 0; j+3 < len(im.Pix); j += 4 * stride {
			px = append(px, [3]uint8{im.Pix[j], im.Pix[j+1], im.Pix[j+2]})
		}
	}
	boxes := [][][3]uint8{px}
	for len(boxes) < n {
		// Split the box with the widest channel range at its median.
		best, bestRange, bestCh := -1, -1, 0
		for i, b := range boxes {
			if len(b) < 2 {
				continue
			}
			for ch := range 3 {
				lo, hi := uint8(255), uint8(0)
				for _, p := range b {
					lo, hi = min(lo, p[ch]), max(hi, p[ch])
				}
				if r := int(hi) - int(lo); r > bestRange {
					best, bestRange, bestCh = i, r, ch
				}
			}
		}
		if best < 0 || bestRange == 0 {
			break
		}
		b := boxes[best]
		sort.Slice(b, func(i, j int) bool { return b[i][bestCh] < b[j][bestCh] })
		mid := len(b) / 2
		boxes = append(boxes[:best], append([][][3]uint8{b[:mid], b[mid:]}, boxes[best+1:]...)...)
	}
	pal := make(color.Palette, 0, len(boxes))
	for _, b := range boxes {
		var r, g, bl int
		for _, p := range b {
			r, g, bl = r+int(p[0]), g+int(p[1]), bl+int(p[2])
		}
		if k := len(b); k > 0 {
			pal = append(pal, color.RGBA{uint8(r / k), uint8(g / k), uint8(bl / k), 255})
		}
	}
	if len(pal) == 0 {
		pal = append(pal, color.RGBA{0, 0, 0, 255})
	}
	return pal, nil
}

// ErrCannotFit is the error of a size limit no smaller GIF could meet.
var ErrCannotFit = errors.New("the GIF cannot be made that small")

// Fitted is a GIF made to fit a limit, and what was given up for it.
type Fitted struct {
	Data    []byte
	Colours int     // colours in its palette
	Scale   float64 // its size against the frames' (1 is the same)
	Every   int     // 1 keeps every frame, 2 every other one…
}

// FitGIF makes the GIF of the frames that fits in limit bytes, giving up
// first colours (256 down to 32), then size (down to a third), then frames
// (every second, every third), in that order, until it fits. A limit no
// such GIF meets is ErrCannotFit: no GIF that does not fit is returned.
func FitGIF(ctx context.Context, frames []preview.Frame, limit int) (Fitted, error) {
	if len(frames) == 0 {
		return Fitted{}, ErrNoFrames
	}
	return fitGIF(ctx, memClip(frames), limit, 1, nil)
}

// fitGIF is FitGIF of the reel scaled by scale. Each try is first
// measured on a sample of the frames, and only one that may fit is made
// whole: a grainy 720p clip would otherwise be encoded a dozen times. The
// GIF that fits is at most limit bytes, so it is made in memory.
func fitGIF(ctx context.Context, c reel, limit int, scale float64, progress func(float64)) (Fitted, error) {
	if c.Len() == 0 {
		return Fitted{}, ErrNoFrames
	}
	return fitFrom(ctx, clipSource(c), limit, scale, progress)
}

// gifSource is what a GIF is fitted from: samples of the clip to measure
// tries on, and the whole clip at a size, to make the try that may fit.
type gifSource struct {
	small, big reel // about 8 and 24 of the clip's frames, spread over it
	n          int  // the clip's frames
	// whole is the clip to encode at scale, and the scale the encoder is
	// still to apply: a clip in memory is scaled as it is encoded; a video
	// is decoded again at the size, by ffmpeg (quicker and better than
	// scaling each frame here).
	whole func(ctx context.Context, scale float64) (reel, float64, error)
}

// clipSource is a clip's frames as they are, scaled as they are encoded.
func clipSource(c reel) gifSource {
	return gifSource{small: sampleClip(c, 8), big: sampleClip(c, 24), n: c.Len(),
		whole: func(_ context.Context, s float64) (reel, float64, error) { return c, s, nil }}
}

// fitFrom is fitGIF of a source.
func fitFrom(ctx context.Context, src gifSource, limit int, scale float64, progress func(float64)) (Fitted, error) {
	type try struct {
		colours int
		scale   float64
		every   int
	}
	var tries []try
	for _, c := range []int{256, 128, 64, 32} {
		tries = append(tries, try{c, 1, 1})
	}
	for _, s := range []float64{0.75, 0.5, 1.0 / 3} {
		tries = append(tries, try{32, s, 1})
	}
	for _, e := range []int{2, 3} {
		tries = append(tries, try{32, 1.0 / 3, e})
	}
	enc := &encoding{}
	for k, t := range tries {
		if progress != nil {
			progress(float64(k) / float64(len(tries)))
		}
		n := (src.n + t.every - 1) / t.every
		if src.small.Len() < n {
			est, err := estimateGIF(ctx, src.small, n, t.colours, scale*t.scale, enc)
			if err != nil {
				return Fitted{}, err
			}
			// Near the limit, a sample three times as large says it
			// better: a try that goes over is a whole GIF made for nothing
			// (11 s of a 1080p clip's 19).
			if big := src.big; est > float64(limit)*0.9 && est <= float64(limit)*1.15 && big.Len() > src.small.Len() && big.Len() < n {
				if est, err = estimateGIF(ctx, big, n, t.colours, scale*t.scale, enc); err != nil {
					return Fitted{}, err
				}
				if est > float64(limit)*1.02 {
					continue
				}
			}
			// A try well over the limit is passed over.
			if est > float64(limit)*1.15 {
				continue
			}
			enc.expect = int(est)
		}
		fs, left, err := src.whole(ctx, scale*t.scale)
		if err != nil {
			return Fitted{}, err
		}
		if t.every > 1 {
			fs = everyClip(fs, t.every)
		}
		var sub func(float64)
		if progress != nil {
			sub = func(p float64) { progress((float64(k) + p) / float64(len(tries))) }
		}
		var data bytes.Buffer
		if err := encodeGIF(ctx, fs, t.colours, left, enc, sub, &limited{&data, limit}); err != nil {
			if errors.Is(err, errOverLimit) {
				continue // over the limit already: the rest need not be made
			}
			return Fitted{}, err
		}
		if data.Len() <= limit {
			return Fitted{Data: data.Bytes(), Colours: t.colours, Scale: t.scale, Every: t.every}, nil
		}
	}
	return Fitted{}, ErrCannotFit
}

// estimateGIF is the size of a GIF of n frames like the sample's: the
// sample encoded, less the header and palette, grown to n frames.
func estimateGIF(ctx context.Context, sample reel, n, colours int, scale float64, enc *encoding) (float64, error) {
	enc.expect = 0
	var smp bytes.Buffer
	if err := encodeGIF(ctx, sample, colours, scale, enc, nil, &smp); err != nil {
		return 0, err
	}
	perFrame := float64(smp.Len()-800) / float64(sample.Len())
	return 800 + perFrame*float64(n), nil
}

// errOverLimit stops a try that has grown past the limit.
var errOverLimit = errors.New("over the limit")

// limited is a buffer that refuses to grow past n bytes: a try that does
// not fit stops as soon as it is known, and never holds more than the
// limit.
type limited struct {
	*bytes.Buffer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.Len()+len(p) > l.n {
		return 0, errOverLimit
	}
	return l.Buffer.Write(p)
}

func (l *limited) WriteByte(c byte) error {
	if l.Len()+1 > l.n {
		return errOverLimit
	}
	return l.Buffer.WriteByte(c)
}

func (l *limited) WriteString(s string) (int, error) {
	if l.Len()+len(s) > l.n {
		return 0, errOverLimit
	}
	return l.Buffer.WriteString(s)
}

// nearest finds a palette's closest colour to an RGB value, looked up by
// 5-bit-per-channel cell: a frame asks the same question hundreds of
// thousands of times, and image/draw searched the whole palette for every
// pixel (8 s for a 512×512 boomerang).
type nearest struct {
	pal   []color.RGBA
	cache []int16 // by cell
}

func newNearest(p color.Palette) *nearest {
	n := &nearest{cache: make([]int16, 1<<15)}
	for _, c := range p {
		n.pal = append(n.pal, color.RGBAModel.Convert(c).(color.RGBA))
	}
	// Every cell is worked out now, so that the frames can be dithered on
	// several cores at once with no lock: 32,768 searches, a few ms.
	for cell := range n.cache {
		r, g, b := cell>>10<<3+4, (cell>>5)&31<<3+4, cell&31<<3+4
		best, bestD := 0, 1<<30
		for i, c := range n.pal {
			dr, dg, db := r-int(c.R), g-int(c.G), b-int(c.B)
			if d := 2*dr*dr + 4*dg*dg + 3*db*db; d < bestD {
				best, bestD = i, d
			}
		}
		n.cache[cell] = int16(best)
	}
	return n
}

func (n *nearest) index(r, g, b int) int {
	return int(n.cache[(r>>3)<<10|(g>>3)<<5|b>>3])
}

// dither maps src onto out's palette with Floyd-Steinberg error diffusion,
// into out (of src's size), and returns it.
func dither(src *image.RGBA, out *image.Paletted, near *nearest) *image.Paletted {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
	// The error carried to this row and the next, per channel, in 1/16ths.
	cur := make([]int32, 3*(w+2))
	next := make([]int32, 3*(w+2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := src.PixOffset(b.Min.X+x, b.Min.Y+y)
			e := 3 * (x + 1)
			r := clamp8(int32(src.Pix[i]) + cur[e]/16)
			g := clamp8(int32(src.Pix[i+1]) + cur[e+1]/16)
			bl := clamp8(int32(src.Pix[i+2]) + cur[e+2]/16)
			k := near.index(int(r), int(g), int(bl))
			out.Pix[y*out.Stride+x] = uint8(k)
			c := near.pal[k]
			er, eg, eb := r-int32(c.R), g-int32(c.G), bl-int32(c.B)
			for ch, ev := range [3]int32{er, eg, eb} {
				cur[e+3+ch] += ev * 7
				next[e-3+ch] += ev * 3
				next[e+ch] += ev * 5
				next[e+3+ch] += ev
			}
		}
		cur, next = next, cur
		clear(next)
	}
	return out
}

func clamp8(v int32) int32 { return min(max(v, 0), 255) }
