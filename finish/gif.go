package finish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"sort"
	"time"

	"vivify/preview"
)

// EncodeGIF writes the frames as a looping GIF with one palette of up to
// colours colours (2 to 256), chosen from the frames by median cut, and
// Floyd-Steinberg dithering.
func EncodeGIF(ctx context.Context, frames []preview.Frame, colours int) ([]byte, error) {
	if len(frames) == 0 {
		return nil, ErrNoFrames
	}
	pal := palette(frames, min(max(colours, 2), 256))
	near := newNearest(pal)
	g := &gif.GIF{LoopCount: 0}
	for _, f := range frames {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := dither(f.Image, pal, near)
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, max(2, int((f.Delay+5*time.Millisecond)/(10*time.Millisecond))))
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		return nil, fmt.Errorf("the GIF could not be written: %w", err)
	}
	return buf.Bytes(), nil
}

// palette chooses n colours for the frames by median cut over a sample of
// their pixels.
func palette(frames []preview.Frame, n int) color.Palette {
	var px [][3]uint8
	step := max(1, len(frames)/12) // a dozen frames say what colours there are
	for i := 0; i < len(frames); i += step {
		im := frames[i].Image
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
	return pal
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
	try := func(colours int, scale float64, every int) (Fitted, bool, error) {
		fs := frames
		if scale != 1 {
			var err error
			if fs, err = Resize(fs, scale); err != nil {
				return Fitted{}, false, err
			}
		}
		if every > 1 {
			fs = keepEvery(fs, every)
		}
		data, err := EncodeGIF(ctx, fs, colours)
		if err != nil {
			return Fitted{}, false, err
		}
		return Fitted{Data: data, Colours: colours, Scale: scale, Every: every}, len(data) <= limit, nil
	}
	for _, c := range []int{256, 128, 64, 32} {
		if f, ok, err := try(c, 1, 1); err != nil || ok {
			return f, err
		}
	}
	for _, s := range []float64{0.75, 0.5, 1.0 / 3} {
		if f, ok, err := try(32, s, 1); err != nil || ok {
			return f, err
		}
	}
	for _, e := range []int{2, 3} {
		if f, ok, err := try(32, 1.0/3, e); err != nil || ok {
			return f, err
		}
	}
	return Fitted{}, ErrCannotFit
}

// keepEvery keeps every nth frame, each lasting as long as those it
// stands for: the length stays.
func keepEvery(frames []preview.Frame, n int) []preview.Frame {
	var out []preview.Frame
	for i := 0; i < len(frames); i += n {
		f := frames[i]
		for j := i + 1; j < min(i+n, len(frames)); j++ {
			f.Delay += frames[j].Delay
		}
		out = append(out, f)
	}
	return out
}

// nearest finds a palette's closest colour to an RGB value, remembering
// the answer for each 5-bit-per-channel cell: a frame asks the same
// question hundreds of thousands of times, and image/draw searched the
// whole palette for every pixel (8 s for a 512×512 boomerang).
type nearest struct {
	pal   []color.RGBA
	cache []int16 // by cell; -1 for not yet asked
}

func newNearest(p color.Palette) *nearest {
	n := &nearest{cache: make([]int16, 1<<15)}
	for _, c := range p {
		n.pal = append(n.pal, color.RGBAModel.Convert(c).(color.RGBA))
	}
	for i := range n.cache {
		n.cache[i] = -1
	}
	return n
}

func (n *nearest) index(r, g, b int) int {
	cell := (r>>3)<<10 | (g>>3)<<5 | b>>3
	if i := n.cache[cell]; i >= 0 {
		return int(i)
	}
	// The cell's centre decides for the whole cell.
	cr, cg, cb := (r>>3)<<3+4, (g>>3)<<3+4, (b>>3)<<3+4
	best, bestD := 0, 1<<30
	for i, c := range n.pal {
		dr, dg, db := cr-int(c.R), cg-int(c.G), cb-int(c.B)
		if d := 2*dr*dr + 4*dg*dg + 3*db*db; d < bestD {
			best, bestD = i, d
		}
	}
	n.cache[cell] = int16(best)
	return best
}

// dither maps src onto the palette with Floyd-Steinberg error diffusion.
func dither(src *image.RGBA, pal color.Palette, near *nearest) *image.Paletted {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
	out := image.NewPaletted(image.Rect(0, 0, w, h), pal)
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
