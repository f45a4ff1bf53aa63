// Package picture is the one way Vivify reads a still picture from outside:
// the source a creator chooses, a job's copy of it, a thumbnail, a last
// frame. Every decode in the app goes through it, so one set of limits holds
// everywhere:
//
//   - only regular files are opened (a FIFO or a device would block or never
//     end);
//   - the file's size is bounded before it is read;
//   - the header is read first, and a picture whose size or decoded memory is
//     over the budget is refused before a pixel is allocated;
//   - decodes share one process-wide memory budget, so several at once
//     (thumbnails, the preview, an upload) wait their turn rather than add
//     up;
//   - the picture is scaled down to the size it is shown at as soon as it is
//     decoded, and the full-size pixels are let go.
//
// It uses the standard library and golang.org/x/image only.
package picture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"runtime"
	"sync"

	_ "image/gif"  // the first frame of a GIF is a still picture
	_ "image/jpeg" // photos
	_ "image/png"  // screenshots, drawings

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // pictures saved from the web
)

// Limits of what is read. A picture over any of them is refused with
// ErrTooLarge before it is decoded.
const (
	// MaxFileBytes bounds the file read into memory.
	MaxFileBytes = 200 << 20
	// MaxSide bounds each side, in pixels.
	MaxSide = 40_000
	// MaxPixels bounds the area: 120 megapixels is more than any camera a
	// creator is likely to hold makes.
	MaxPixels = 120_000_000
	// MaxDecodeBytes bounds the memory the decoded pixels take, whatever
	// their format: a 16-bit PNG takes eight bytes a pixel, a JPEG one and a
	// half to three.
	MaxDecodeBytes = 512 << 20
	// Budget is what all decodes running at once may hold together. It is
	// at least MaxDecodeBytes, so any one picture within the limits can be
	// decoded.
	Budget = MaxDecodeBytes
)

// Errors, matched with errors.Is.
var (
	ErrNotRegular = errors.New("it is not an ordinary file")
	ErrNotPicture = errors.New("it is not a picture Vivify can read (PNG, JPEG, GIF or WebP)")
	ErrTooLarge   = errors.New("the picture is too large to open safely")
	ErrDamaged    = errors.New("the picture is damaged")
)

// Info is what a picture's header says.
type Info struct {
	Width, Height int
	Format        string // png, jpeg, gif or webp
	// DecodeBytes is the memory its decoded pixels take.
	DecodeBytes int64
}

// OpenFile opens path for reading if it is a regular file (after
// following links), and returns it with its size. A FIFO, a device, a
// socket or a folder is refused with ErrNotRegular without blocking: the
// file is opened non-blocking and checked once open, so it cannot be
// swapped for a pipe between a check and the open.
func OpenFile(path string) (*os.File, int64, error) {
	if oNonblock == 0 { // Windows: look before opening, which may connect to a pipe
		if st, err := os.Stat(path); err != nil {
			return nil, 0, err
		} else if !st.Mode().IsRegular() {
			return nil, 0, fmt.Errorf("%s: %w", st.Name(), ErrNotRegular)
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", st.Name(), ErrNotRegular)
	}
	return f, st.Size(), nil
}

// ReadFile reads a regular file of at most max bytes (0: MaxFileBytes).
func ReadFile(path string, max int64) ([]byte, error) {
	if max <= 0 {
		max = MaxFileBytes
	}
	f, size, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > max {
		return nil, fmt.Errorf("%w: the file is over %d MB", ErrTooLarge, max>>20)
	}
	return ReadAll(f, max)
}

// ReadAll reads r whole, refusing more than max bytes.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: the file is over %d MB", ErrTooLarge, max>>20)
	}
	return data, nil
}

// Check reads the header of data and says whether it is a picture within
// the limits.
func Check(data []byte) (Info, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, ErrNotPicture
	}
	info := Info{Width: cfg.Width, Height: cfg.Height, Format: format}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return info, fmt.Errorf("%w: it has no pixels", ErrDamaged)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return info, fmt.Errorf("%w: it is %d×%d pixels, and Vivify opens up to %d megapixels",
			ErrTooLarge, cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	info.DecodeBytes = int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel, format)
	if format == "jpeg" {
		if comps, progressive := jpegFrame(data); progressive {
			// A progressive JPEG keeps every coefficient of every block
			// until the end: four bytes per coefficient, 64 a block.
			info.DecodeBytes += int64(cfg.Width) * int64(cfg.Height) * 4 * int64(comps)
		}
	}
	if info.DecodeBytes > MaxDecodeBytes {
		return info, fmt.Errorf("%w: it is %d×%d pixels of deep colour, which would take %d MB to open",
			ErrTooLarge, cfg.Width, cfg.Height, info.DecodeBytes>>20)
	}
	return info, nil
}

// bytesPerPixel is what the standard decoders allocate for a pixel of
// model: rounded up, with room for the decoder's own buffers.
func bytesPerPixel(m color.Model, format string) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 2
	case color.Gray16Model, color.Alpha16Model:
		return 3
	case color.RGBA64Model, color.NRGBA64Model:
		return 9
	case color.YCbCrModel, color.CMYKModel:
		return 5 // a JPEG's planes, and its conversion of progressive or CMYK data
	}
	if format == "webp" {
		return 5
	}
	return 5 // RGBA, NRGBA, paletted: four bytes, and the decoder's rows
}

// Decode decodes data, which Check has accepted, and scales the result to
// fit maxW × maxH (0: no bound; it is never enlarged). The decode waits for
// room in the shared Budget, or for ctx.
func Decode(ctx context.Context, data []byte, maxW, maxH int) (image.Image, Info, error) {
	return DecodeWith(ctx, data, func(img image.Image) image.Image { return Fit(img, maxW, maxH) })
}

// DecodeWith decodes data and hands the full-size picture to scale while
// its memory is still counted in the budget; what scale returns is kept,
// and the full-size pixels are let go.
func DecodeWith(ctx context.Context, data []byte, scale func(image.Image) image.Image) (image.Image, Info, error) {
	info, err := Check(data)
	if err != nil {
		return nil, info, err
	}
	if err := budget.acquire(ctx, info.DecodeBytes); err != nil {
		return nil, info, err
	}
	defer budget.release(info.DecodeBytes)
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, info, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	out := scale(img)
	if info.DecodeBytes > bigDecode && out != img {
		// The full-size pixels are garbage now. Collect them before the
		// budget lets the next decode start, or the heap would hold both:
		// the collector waits for the heap to double before it runs.
		runtime.GC()
	}
	return out, info, nil
}

// DecodeFile reads and decodes the picture at path, scaled to fit
// maxW × maxH.
func DecodeFile(ctx context.Context, path string, maxW, maxH int) (image.Image, Info, error) {
	data, err := ReadFile(path, 0)
	if err != nil {
		return nil, Info{}, err
	}
	return Decode(ctx, data, maxW, maxH)
}

// CheckFile reads the header of the picture at path.
func CheckFile(path string) (Info, error) {
	f, size, err := OpenFile(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	if size > MaxFileBytes {
		return Info{}, fmt.Errorf("%w: the file is over %d MB", ErrTooLarge, MaxFileBytes>>20)
	}
	// The header is at the start; 1 MB is far more than any needs (a
	// JPEG's EXIF block comes first, and is at most 64 KB).
	head, err := ReadAll(io.LimitReader(f, 1<<20), 1<<20)
	if err != nil {
		return Info{}, err
	}
	return Check(head)
}

// Fit scales img to fit maxW × maxH (0: no bound), keeping its shape and
// never enlarging it. Large reductions first average blocks of pixels,
// which is quick and free of the shimmer of a filter sampling too few, then
// finish with a bilinear filter.
func Fit(img image.Image, maxW, maxH int) image.Image {
	b := img.Bounds()
	w, h := FitSize(b.Dx(), b.Dy(), maxW, maxH)
	if w == b.Dx() && h == b.Dy() {
		return img
	}
	src := img
	if k := min(b.Dx()/w, b.Dy()/h) / 2; k >= 2 {
		src = boxShrink(img, k)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Rect, src, src.Bounds(), draw.Src, nil)
	return dst
}

// FitSize is w × h scaled to fit maxW × maxH (0: no bound), never
// enlarged, each side at least one pixel.
func FitSize(w, h, maxW, maxH int) (int, int) {
	s := 1.0
	if maxW > 0 && w > maxW {
		s = float64(maxW) / float64(w)
	}
	if maxH > 0 && float64(h)*s > float64(maxH) {
		s = float64(maxH) / float64(h)
	}
	if s >= 1 {
		return w, h
	}
	return max(1, int(float64(w)*s+0.5)), max(1, int(float64(h)*s+0.5))
}

// boxShrink averages k × k blocks of img into one pixel each.
func boxShrink(img image.Image, k int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Convert a band of k rows at a time to RGBA, so any source format is
	// read through one fast path without a full-size copy.
	band := image.NewRGBA(image.Rect(0, 0, b.Dx(), k))
	sums := make([]uint32, w*4)
	n := uint32(k * k)
	for y := range h {
		draw.Draw(band, band.Rect, img, image.Pt(b.Min.X, b.Min.Y+y*k), draw.Src)
		clear(sums)
		for r := range k {
			row := band.Pix[r*band.Stride:]
			for x := range w {
				s := sums[x*4 : x*4+4]
				for c := range k {
					p := row[(x*k+c)*4:]
					s[0] += uint32(p[0])
					s[1] += uint32(p[1])
					s[2] += uint32(p[2])
					s[3] += uint32(p[3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride:]
		for i, s := range sums {
			out[i] = uint8(s / n)
		}
	}
	return dst
}

// bigDecode is the size past which a decode's garbage is collected at once.
const bigDecode = 32 << 20

// budget is the memory all decodes hold together.
var budget = newSemaphore(Budget)

type semaphore struct {
	mu    sync.Mutex
	free  int64
	wake  chan struct{} // closed and replaced whenever memory is released
	limit int64
}

func newSemaphore(n int64) *semaphore {
	return &semaphore{free: n, limit: n, wake: make(chan struct{})}
}

func (s *semaphore) acquire(ctx context.Context, n int64) error {
	n = min(n, s.limit)
	for {
		s.mu.Lock()
		if s.free >= n {
			s.free -= n
			s.mu.Unlock()
			return nil
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *semaphore) release(n int64) {
	n = min(n, s.limit)
	s.mu.Lock()
	s.free += n
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
}

// jpegFrame walks a JPEG's segments to its frame header and returns its
// number of colour components and whether it is progressive.
func jpegFrame(d []byte) (components int, progressive bool) {
	if len(d) < 4 || d[0] != 0xFF || d[1] != 0xD8 {
		return 0, false
	}
	p := 2
	for p+4 <= len(d) {
		if d[p] != 0xFF {
			return 0, false
		}
		m := d[p+1]
		if m == 0xFF { // fill byte
			p++
			continue
		}
		n := int(d[p+2])<<8 | int(d[p+3])
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			if p+10 <= len(d) {
				components = int(d[p+9])
			}
			return components, m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE
		}
		p += 2 + n
	}
	return 0, false
}
