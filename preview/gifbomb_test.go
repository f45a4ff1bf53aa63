package preview

import (
	"bytes"
	"compress/lzw"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"vivify/internal/memwatch"
)

// rawGIF builds a GIF by hand: a canvas of w × h with a two-colour global
// palette, n frames of fw × fh each carrying the LZW data lzwData (already
// split into sub-blocks), and pad bytes of comment before the trailer.
func rawGIF(w, h, n, fw, fh int, lzwData []byte, pad int) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, uint16(w))
	b = binary.LittleEndian.AppendUint16(b, uint16(h))
	b = append(b, 0x80, 0, 0, 0, 0, 0, 255, 255, 255)
	for range n {
		b = append(b, 0x2C, 0, 0, 0, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(fw))
		b = binary.LittleEndian.AppendUint16(b, uint16(fh))
		b = append(b, 0, 2) // no local palette; LZW minimum code size 2
		b = append(b, lzwData...)
	}
	if pad > 0 {
		b = append(b, 0x21, 0xFE)
		for pad > 0 {
			k := min(pad, 255)
			b = append(b, byte(k))
			b = append(b, make([]byte, k)...)
			pad -= k
		}
		b = append(b, 0)
	}
	return append(b, 0x3B)
}

// subBlocks splits data into GIF sub-blocks, with the closing empty one.
func subBlocks(data []byte) []byte {
	var out []byte
	for len(data) > 0 {
		k := min(len(data), 255)
		out = append(out, byte(k))
		out = append(out, data[:k]...)
		data = data[k:]
	}
	return append(out, 0)
}

// solidLZW is the LZW data of n pixels of colour 1, at code size 2.
func solidLZW(n int) []byte {
	var buf bytes.Buffer
	w := lzw.NewWriter(&buf, lzw.LSB, 2)
	w.Write(bytes.Repeat([]byte{1}, n))
	w.Close()
	return subBlocks(buf.Bytes())
}

// A 1 × 1 canvas with a thousand frames of 2048² each: the frames' own
// areas count, so it is refused from its headers. Before, each frame got
// a buffer of its full size, some 4 GB in all.
func TestFramesLargerThanCanvasRefused(t *testing.T) {
	empty := []byte{1, 0x2C, 0} // clear, end: no pixels at all
	data := rawGIF(1, 1, 1000, 2048, 2048, empty, 0)
	if len(data) > 30<<10 {
		t.Fatalf("the bomb is %d bytes; want a small file", len(data))
	}
	var err error
	peak := memwatch.Peak(func() { _, err = DecodeGIF(bytes.NewReader(data), 256, 256) })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if peak > 64<<20 {
		t.Fatalf("refusing it took %d MB", peak>>20)
	}
	// A few such frames are within the limits, and decode to the canvas.
	a, err := DecodeGIF(bytes.NewReader(rawGIF(1, 1, 3, 2048, 2048, empty, 0)), 0, 0)
	if err != nil || len(a.Frames) != 3 || a.Frames[0].Image.Bounds().Dx() != 1 {
		t.Fatalf("%v %v", err, a)
	}
}

// Frames kept to play stay within MaxKeptBytes: a long animation is kept
// smaller than asked rather than refused or kept whole.
func TestKeptFramesShrinkToBudget(t *testing.T) {
	lim := DefaultLimits
	lim.MaxKeptBytes = 4 << 20
	data := rawGIF(200, 100, 200, 200, 100, solidLZW(200*100), 0)
	a, err := DecodeGIFLimits(bytes.NewReader(data), 0, 0, lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Frames) != 200 || int64(a.Bytes()) > lim.MaxKeptBytes {
		t.Fatalf("%d frames, %d bytes kept (budget %d)", len(a.Frames), a.Bytes(), lim.MaxKeptBytes)
	}
	if b := a.Frames[0].Image.Bounds(); b.Dx() >= 200 || b.Dx() < 2*b.Dy()-2 {
		t.Fatalf("kept at %v: not smaller, or out of shape", b)
	}
}

// gifCeiling is the most heap a GIF decode may hold at once. The worst GIF
// within DefaultLimits: a file of nearly 128 MB, a canvas of 8 megapixels
// (2048 × 4096) and 128 frames covering it (a gigapixel in all, the total
// limit), shown at full size. It holds the file (128 MB), the kept frames
// (384 MB, scaled down to fit), a few frames decoded ahead and three
// canvases (32 MB each). 768 MB is what a player of the largest legal
// animation costs, and twice what a real 720p result takes at full size.
const gifCeiling = 768 << 20

func TestGIFMemoryCeiling(t *testing.T) {
	if os.Getenv("VIVIFY_MEMORY_CEILING") == "" {
		t.Skip("set VIVIFY_MEMORY_CEILING=1 (make test does) to decode the largest GIF the limits allow")
	}
	const w, h, n = 2048, 4096, 128
	data := rawGIF(w, h, n, w, h, solidLZW(w*h), 0)
	data = rawGIF(w, h, n, w, h, solidLZW(w*h), (int(DefaultLimits.MaxBytes)-len(data)-1024)/256*255)
	path := filepath.Join(t.TempDir(), "worst.gif")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	size := len(data)
	data = nil
	var a *Animation
	var err error
	peak := memwatch.Peak(func() {
		f, _ := os.Open(path)
		defer f.Close()
		a, err = DecodeGIF(f, 0, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("worst GIF: %d MB file, %d frames of %d×%d; kept %d MB at %v; peak heap %d MB (ceiling %d MB)",
		size>>20, len(a.Frames), w, h, a.Bytes()>>20, a.Frames[0].Image.Bounds().Size(), peak>>20, gifCeiling>>20)
	if len(a.Frames) != n {
		t.Fatalf("%d frames", len(a.Frames))
	}
	if peak > gifCeiling {
		t.Fatalf("peak heap %d MB is over the %d MB ceiling", peak>>20, gifCeiling>>20)
	}
}
